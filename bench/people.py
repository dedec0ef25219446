"""Synthetic but valid applicants: resident IDs and credit codes with correct check
characters, Chinese names, mobile and landline numbers. Seeded, so a database built twice
holds the same people."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from forms.validators import org_code_check_char, resident_id_check_char, uscc_check_char

REGIONS = ("360102", "360103", "360104", "360111", "360121", "360122", "110105", "440305")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国红梅志文斌辉鹏玉珍宇浩然子轩欣怡雨涵博思佳琪晨阳俊峰海燕凤春晓婷丹"  # noqa: E501
TRADES = ("科技", "商贸", "餐饮", "建材", "物流", "文化传媒", "医药", "农业", "电子", "服装")
FORMS = ("有限公司", "有限责任公司", "股份有限公司", "个体工商户")


@dataclass(frozen=True, slots=True)
class Person:
    kind: str  # "person" | "company"
    id_no: str
    name: str
    phone: str


def resident_id(rng: random.Random) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(55 * 365))
    first17 = f"{rng.choice(REGIONS)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + resident_id_check_char(first17)


def credit_code(rng: random.Random) -> str:
    body = f"{rng.randrange(10**8):08d}"
    first17 = f"91{rng.choice(REGIONS)[:4]}00{body}{org_code_check_char(body)}"
    return first17 + uscc_check_char(first17)


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def person(rng: random.Random) -> Person:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return Person("person", resident_id(rng), rng.choice(SURNAMES) + given, mobile(rng))


def company(rng: random.Random) -> Person:
    name = f"南昌{rng.choice(GIVEN)}{rng.choice(GIVEN)}{rng.choice(TRADES)}{rng.choice(FORMS)}"
    phone = f"0791{rng.randrange(10**8):08d}" if rng.random() < 0.5 else mobile(rng)
    return Person("company", credit_code(rng), name, phone)


def population(rng: random.Random, persons: int, companies: int) -> tuple[list[Person], ...]:
    """`persons` distinct people and `companies` distinct companies (by identifier)."""
    out: tuple[dict[str, Person], dict[str, Person]] = ({}, {})
    for pool, make, count in ((out[0], person, persons), (out[1], company, companies)):
        while len(pool) < count:
            p = make(rng)
            pool.setdefault(p.id_no, p)
    return list(out[0].values()), list(out[1].values())
