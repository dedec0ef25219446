"""The electronic licences' table (电子证照, issue 16), as migrations appended to
`portal.migrations.MIGRATIONS` (versions 40-44 are this table's).

One row per licence the back office issued when it settled an application: the catalog data
of GB/T 36902 (电子证照 目录信息规范), the application it settled, the result document in
the material store (its SHA-256) and its state (valid, or revoked with who, when and why).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    ForeignKey,
    Index,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)


def _ts(name: str, nullable: bool = False) -> Column[str]:
    return Column(name, String(40), nullable=nullable)


def v40_licences(conn: Connection) -> None:
    """Licences: GB/T 36902 catalog data, the settled application, the document, the state.
    A number is unique within its licence type (证照类型代码 + 证照编号 name one licence)."""
    md = MetaData()
    Table("applications", md, autoload_with=conn)  # the foreign key's target, as it is now
    Table(
        "licences", md,
        Column("licence_id", String(64), primary_key=True),  # 证照标识 (ours, random)
        Column("app_uuid", String(64), ForeignKey("applications.uuid"), nullable=False,
               index=True),
        Column("hall", String(200), nullable=False),
        Column("service_code", String(64), nullable=False),
        Column("name", String(200), nullable=False),  # 证照名称
        Column("number", String(100), nullable=False),  # 证照编号
        Column("type_code", String(64), nullable=False),  # 证照类型代码
        Column("holder", String(200), nullable=False),  # 持证主体
        Column("holder_id_type", String(20), nullable=False),  # 持证主体代码类型
        Column("holder_id_no", String(64), nullable=False),  # 持证主体代码
        Column("issuer", String(200), nullable=False),  # 发证机构
        Column("issuer_code", String(64), nullable=False),  # 发证机构代码
        Column("issued_on", String(10), nullable=False),  # 发证日期 (the hall's day)
        Column("valid_from", String(10), nullable=False),  # 有效期起始日期
        Column("valid_until", String(10)),  # 有效期截止日期 (NULL: 长期)
        Column("sha256", String(64), nullable=False),  # the result document
        Column("size", BigInteger, nullable=False),
        Column("status", String(10), nullable=False),  # valid | revoked
        _ts("issued_at"),
        Column("issued_by", String(64), nullable=False),
        _ts("revoked_at", True),
        Column("revoked_by", String(64)),
        Column("revoked_reason", Text),
        UniqueConstraint("type_code", "number"),
        Index("ix_licences_holder", "holder_id_type", "holder_id_no", "status"),
    )  # fmt: skip
    md.tables["licences"].create(conn)


LICENCE_MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (40, "electronic licences (issue 16)", v40_licences),
)
