"""The one definition of 好差评 (sync/ratings.py) and its wire models: the standard code is
what travels; stars from a terminal of before the standard are turned round on arrival."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sync.protocol import RatingChange, RatingIn
from sync.ratings import Channel, RatingTally, Satisfaction, words

AT = "2026-11-26T06:05:00+00:00"


def test_codes_words_and_stars_are_the_standards() -> None:
    assert [int(s) for s in Satisfaction] == [1, 2, 3, 4, 5]
    assert [s.words.zh for s in Satisfaction] == [
        "非常满意",
        "满意",
        "基本满意",
        "不满意",
        "非常不满意",
    ]
    assert Satisfaction.from_stars(5) is Satisfaction.VERY_SATISFIED and Satisfaction(5).stars == 1
    assert [s.bad for s in Satisfaction] == [False, False, False, True, True]
    assert [c.words.zh for c in Channel][2] == "二维码" and Channel.SMS.standard_order == 7
    assert words(9) == "9" and words(None) == "—" and words(2, "en") == "Satisfied"
    with pytest.raises(ValueError):
        Satisfaction.from_stars(0)


def test_stars_from_an_older_terminal_arrive_as_the_code() -> None:
    legacy = RatingIn.model_validate({"event_id": "u/7", "uuid": "u" * 8, "rating": 5, "at": AT})
    assert legacy.code is Satisfaction.VERY_SATISFIED and legacy.satisfaction == 1
    with pytest.raises(ValidationError, match="satisfaction code"):
        RatingIn.model_validate({"event_id": "u/8", "uuid": "u" * 8, "at": AT})
    with pytest.raises(ValidationError):
        RatingIn.model_validate({"event_id": "x", "uuid": "u" * 8, "code": 6, "at": AT})
    with pytest.raises(ValidationError):
        RatingIn.model_validate(
            {"event_id": "x", "uuid": "u" * 8, "code": 1, "at": AT} | {"region": "36"}
        )
    old = RatingChange.model_validate(
        {"remote_id": "r", "uuid": "u", "receipt_no": "R", "rating": 2, "at": AT}
    )
    assert old.satisfaction is Satisfaction.DISSATISFIED


def test_the_tally_counts_rates_and_rectification() -> None:
    tally = RatingTally()
    tally.add([1, 4])
    tally.add([])
    tally.add_case(due=True, on_time=True)
    tally.add_case(due=True, on_time=False)
    tally.add_case(due=False, on_time=False)  # still within its time: counts later
    figures = tally.columns()
    assert (figures["ratings"], figures["rating_rate"], figures["satisfaction_rate"]) == (
        2,
        0.5,
        0.5,
    )
    assert (
        figures["rectify_due"],
        figures["rectified_on_time"],
        figures["rectification_rate"],
    ) == (
        2,
        1,
        0.5,
    )
