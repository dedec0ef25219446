"""好差评: the five satisfaction levels, the channels, the service events and the bad-rating
categories, as GB/T 39046-2020 (政务服务平台基础数据规范, table 9) and GB/T 39734/39735-2020
name them. One definition, imported by the terminal, the wire protocol, the platform's pages
and every export.

The standard code is what is stored and sent: 1 = 非常满意 … 5 = 非常不满意, the REVERSE of
a star count (5 stars = code 1). People are shown the words (and stars, as a picture);
files for machines (open data, exports) carry the code and say so in their headings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

from forms.text import Text


class Satisfaction(IntEnum):
    """满意度代码 (GB/T 39046-2020): the value stored and sent."""

    VERY_SATISFIED = 1  # 非常满意
    SATISFIED = 2  # 满意
    BASIC = 3  # 基本满意
    DISSATISFIED = 4  # 不满意
    VERY_DISSATISFIED = 5  # 非常不满意

    @property
    def words(self) -> Text:
        return WORDS[self]

    @property
    def stars(self) -> int:
        """The star picture for people: 5 stars for 非常满意."""
        return 6 - self.value

    @property
    def bad(self) -> bool:
        """差评: opens a rectification case (差评整改)."""
        return self >= Satisfaction.DISSATISFIED

    @property
    def satisfied(self) -> bool:
        """Counted as satisfied in the satisfaction rate (非常满意, 满意, 基本满意)."""
        return self <= Satisfaction.BASIC

    @classmethod
    def from_stars(cls, stars: int) -> Satisfaction:
        """The code of a 1-5 star rating (how ratings were kept before the standard)."""
        if not 1 <= stars <= 5:
            raise ValueError(f"stars must be 1-5, not {stars}")
        return cls(6 - stars)


WORDS: dict[Satisfaction, Text] = {
    Satisfaction.VERY_SATISFIED: Text("非常满意", "Very satisfied"),
    Satisfaction.SATISFIED: Text("满意", "Satisfied"),
    Satisfaction.BASIC: Text("基本满意", "Fairly satisfied"),
    Satisfaction.DISSATISFIED: Text("不满意", "Dissatisfied"),
    Satisfaction.VERY_DISSATISFIED: Text("非常不满意", "Very dissatisfied"),
}


def words(code: int | None, lang: str = "zh_CN") -> str:
    """The level's words for a stored code ("—" for none or a code this build does not know)."""
    try:
        return WORDS[Satisfaction(code)].get(lang) if code is not None else "—"
    except ValueError:
        return str(code)


class Channel(StrEnum):
    """评价渠道, in the order GB/T 39046-2020 lists them (`standard_order` is that position)."""

    PC = "pc"  # PC端
    MOBILE = "mobile"  # 移动服务端
    QR_CODE = "qr_code"  # 二维码
    HALL_TABLET = "hall_tablet"  # 政务大厅平板电脑
    HALL_TERMINAL = "hall_terminal"  # 政务大厅其他终端
    PHONE = "phone"  # 电话
    SMS = "sms"  # 短信

    @property
    def words(self) -> Text:
        return CHANNELS[self]

    @property
    def standard_order(self) -> int:
        return list(Channel).index(self) + 1


CHANNELS: dict[Channel, Text] = {
    Channel.PC: Text("PC端", "PC"),
    Channel.MOBILE: Text("移动服务端", "Mobile"),
    Channel.QR_CODE: Text("二维码", "QR code"),
    Channel.HALL_TABLET: Text("政务大厅平板电脑", "Hall tablet"),
    Channel.HALL_TERMINAL: Text("政务大厅其他终端", "Other hall terminal"),
    Channel.PHONE: Text("电话", "Phone"),
    Channel.SMS: Text("短信", "SMS"),
}
#: The channels a counter's citizen screen may record (a hall setting chooses).
COUNTER_CHANNELS = (Channel.HALL_TERMINAL, Channel.HALL_TABLET)


class ServiceEvent(StrEnum):
    """一次一评: the service event a rating is about."""

    ACCEPTANCE = "acceptance"  # 受理
    NOTICE = "notice"  # 一次性告知
    SUPPLEMENT = "supplement"  # 补正
    RESULT = "result"  # 送达/领取办理结果
    SETTLEMENT = "settlement"  # 办结后 (the tracking page)


EVENTS: dict[ServiceEvent, Text] = {
    ServiceEvent.ACCEPTANCE: Text("受理", "Acceptance"),
    ServiceEvent.NOTICE: Text("一次性告知", "One-time notice"),
    ServiceEvent.SUPPLEMENT: Text("补正材料", "Supplement"),
    ServiceEvent.RESULT: Text("领取结果", "Result handed over"),
    ServiceEvent.SETTLEMENT: Text("办结", "Settlement"),
}

#: The sub-scores of a window rating (窗口评价), each a `Satisfaction` code.
SUB_SCORES: dict[str, Text] = {
    "overall": Text("整体满意度", "Overall"),
    "efficiency": Text("服务效率", "Efficiency"),
    "level": Text("服务水平", "Competence"),
    "attitude": Text("服务态度", "Attitude"),
}


class BadCategory(StrEnum):
    """差评分类: what a bad rating was about, set by staff when they take the case."""

    ATTITUDE = "attitude"
    EFFICIENCY = "efficiency"
    MATERIALS = "materials"
    SYSTEM = "system"
    POLICY = "policy"
    OTHER = "other"


CATEGORIES: dict[BadCategory, Text] = {
    BadCategory.ATTITUDE: Text("服务态度", "Attitude"),
    BadCategory.EFFICIENCY: Text("办事效率", "Efficiency"),
    BadCategory.MATERIALS: Text("材料要求", "Materials asked"),
    BadCategory.SYSTEM: Text("系统故障", "System fault"),
    BadCategory.POLICY: Text("政策规定", "Policy"),
    BadCategory.OTHER: Text("其他", "Other"),
}

#: A citizen who has not rated this many days after the event is not asked any more; the
#: figures count the event as unrated (or as 基本满意 where the platform is set so).
RATE_WITHIN_DAYS = 7
#: Working days to put a bad rating right, unless the platform is set otherwise.
RECTIFY_WORKING_DAYS = 5
#: The heading open data and exports give the code columns (they say which code it is).
CODE_NOTE = Text(
    "满意度代码按 GB/T 39046-2020：1 非常满意，2 满意，3 基本满意，4 不满意，5 非常不满意",
    "Satisfaction codes per GB/T 39046-2020: 1 very satisfied, 2 satisfied, "
    "3 fairly satisfied, 4 dissatisfied, 5 very dissatisfied",
)


@dataclass
class RatingTally:
    """The 好差评 figures of a group of applications (a day, hall, window, item or clerk),
    counted the same way on the terminal and on the platform.

    - 评价率 rating rate: applications rated at least once / applications received;
    - satisfaction rate: ratings with code 1-3 / ratings;
    - bad ratings: codes 4-5; 整改率: cases put right by their deadline / cases due
      (closed, or open past the deadline; a case still within its time counts later).
    """

    received: int = 0
    rated: int = 0
    by_code: list[int] = field(default_factory=lambda: [0] * 5)
    cases_due: int = 0
    cases_on_time: int = 0

    def add(self, codes: list[int]) -> None:
        """One application and the codes of its ratings (empty: not rated)."""
        self.received += 1
        self.rated += bool(codes)
        for code in codes:
            self.by_code[Satisfaction(code) - 1] += 1

    def add_case(self, due: bool, on_time: bool) -> None:
        self.cases_due += due
        self.cases_on_time += due and on_time

    @property
    def ratings(self) -> int:
        return sum(self.by_code)

    @property
    def bad(self) -> int:
        return self.by_code[3] + self.by_code[4]

    def columns(self) -> dict[str, Any]:
        """The open-data columns of `sync.opendata_columns` this tally fills."""
        n = self.ratings
        values: dict[str, Any] = {"ratings": n, "rated": self.rated}
        values["rating_rate"] = _share(self.rated, self.received)
        values["satisfaction_rate"] = _share(n - self.bad, n)
        values |= {f"code_{i + 1}": c for i, c in enumerate(self.by_code)}
        values |= {"bad_ratings": self.bad, "rectify_due": self.cases_due}
        values["rectified_on_time"] = self.cases_on_time
        values["rectification_rate"] = _share(self.cases_on_time, self.cases_due)
        return values


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
