"""The rows `heartlink export handouts`, `export beneficiaries` and `export donors` write,
streamed.

Columns come in the import's order (heartlink.nouns): the canonical ones first, then `id` and
the others, so that an export imports back. Personal data stays out unless asked for: a
beneficiary's name is replaced by their code, and their address, phone and note (free text,
which often holds health or family details) are left empty; handouts carry the beneficiary's
id, never their name, and not the officer's name either. A donor's name is their code unless
they agreed to be named in public; their phone, address and note are left empty.

In Vietnamese (--lang vi), handouts and beneficiaries also carry the Vietnamese names of their
kind, unit, programme and categories, in columns after all the others: the slug columns stay,
and an import leaves the added columns out (their headings name no field).
"""

import sqlite3
from collections.abc import Callable, Iterator
from functools import partial

from heartlink import beneficiaries, catalogue, donations, donors, handouts, spending
from heartlink.errors import InputError
from heartlink.i18n import Lang, _
from heartlink.nouns import BENEFICIARY, DONATION, DONOR, HANDOUT, SPENDING, Field
from heartlink.registers import Sort
from heartlink.tables import Column, Table


def handout_fields(personal: bool = False) -> tuple[Field, ...]:
    return HANDOUT.of(HANDOUT.exported + (HANDOUT.personal if personal else ()))


def handout_rows(
    conn: sqlite3.Connection, *, year: int | None = None, personal: bool = False
) -> Iterator[dict]:
    """Handouts that count (voided ones left out, as in every total), oldest first."""
    names = dict(conn.execute("SELECT id, name FROM beneficiary").fetchall()) if personal else {}
    for handout in handouts.search(conn, year=year):
        if personal:
            handout["beneficiary_name"] = names.get(handout["beneficiary_id"])
        yield HANDOUT.export_row(handout, personal=personal)


def donation_fields(personal: bool = False) -> tuple[Field, ...]:
    return DONATION.of(DONATION.exported + (DONATION.personal if personal else ()))


def donation_rows(
    conn: sqlite3.Connection, *, year: int | None = None, personal: bool = False
) -> Iterator[dict]:
    """Donations that count (voided ones left out), oldest first: the donor's id, and their
    name only with personal data."""
    names = dict(conn.execute("SELECT id, name FROM donor").fetchall()) if personal else {}
    for donation in donations.search(conn, year=year):
        if personal:
            donation["donor_name"] = names.get(donation["donor_id"])
        yield DONATION.export_row(donation, personal=personal)


def beneficiary_fields(personal: bool = False) -> tuple[Field, ...]:
    """The same columns with or without personal data: without, some are empty."""
    return BENEFICIARY.of(BENEFICIARY.exported)


def people_order(sort: Sort | str | None, personal: bool) -> Sort:
    """The order of an export of people: `sort`, by default by name. Without personal data the
    names are codes, and an order by name would hint at them: `name` is refused, and the
    default is by code (random bits, which tell nothing about anyone)."""
    if sort is None:
        return Sort.name if personal else Sort.code
    if Sort(sort) is Sort.name and not personal:
        raise InputError(
            _(
                "--sort name needs --include-personal-data: without the names, their order "
                "would hint at them; use --sort code or --sort added"
            )
        )
    return Sort(sort)


def beneficiary_rows(
    conn: sqlite3.Connection,
    *,
    year: int | None = None,
    personal: bool = False,
    sort: Sort | None = None,
) -> Iterator[dict]:
    """Every beneficiary, archived ones too (or those who received something in `year`), in
    the order `sort` (see people_order)."""
    order = people_order(sort, personal)
    everyone = beneficiaries.search(conn, with_archived=True, received_in=year, sort=order)
    for profile in everyone:
        yield BENEFICIARY.export_row(profile, personal=personal)


def donor_fields(personal: bool = False) -> tuple[Field, ...]:
    """The same columns with or without personal data: without, some are empty."""
    return DONOR.of(DONOR.exported)


def donor_rows(
    conn: sqlite3.Connection,
    *,
    year: int | None = None,
    personal: bool = False,
    sort: Sort | None = None,
) -> Iterator[dict]:
    """Every donor, archived ones too (or those who gave something in `year`), in the order
    `sort` (see people_order); without personal data a private donor's name is their code."""
    order = people_order(sort, personal)
    everyone = donors.search(conn, with_archived=True, gave_in=year, sort=order)
    for profile in everyone:
        yield DONOR.export_row(profile, personal=personal)


def handouts_table(
    conn: sqlite3.Connection, *, year: int | None = None, personal: bool = False, lang: Lang
) -> Table:
    """`export handouts` as a table, its headings in `lang`."""
    fields_ = handout_fields(personal)
    rows = partial(handout_rows, conn, year=year, personal=personal)
    named = _HandoutNames(conn) if lang == Lang.vi else None
    return _table(fields_, rows, ("Handouts", "Lượt trao"), year, lang, named)


def donations_table(
    conn: sqlite3.Connection, *, year: int | None = None, personal: bool = False, lang: Lang
) -> Table:
    """`export donations` as a table, its headings in `lang`."""
    fields_ = donation_fields(personal)
    rows = partial(donation_rows, conn, year=year, personal=personal)
    return _table(fields_, rows, ("Donations", "Khoản nhận"), year, lang)


def beneficiaries_table(
    conn: sqlite3.Connection,
    *,
    year: int | None = None,
    personal: bool = False,
    lang: Lang,
    sort: Sort | None = None,
) -> Table:
    """`export beneficiaries` as a table, its headings in `lang`."""
    fields_ = beneficiary_fields(personal)
    order = people_order(sort, personal)  # refused here, before the file is written
    rows = partial(beneficiary_rows, conn, year=year, personal=personal, sort=order)
    named = _CategoryNames(conn) if lang == Lang.vi else None
    return _table(fields_, rows, ("Beneficiaries", "Người nhận"), year, lang, named)


def donors_table(
    conn: sqlite3.Connection,
    *,
    year: int | None = None,
    personal: bool = False,
    lang: Lang,
    sort: Sort | None = None,
) -> Table:
    """`export donors` as a table, its headings in `lang`."""
    order = people_order(sort, personal)  # refused here, before the file is written
    rows = partial(donor_rows, conn, year=year, personal=personal, sort=order)
    return _table(donor_fields(personal), rows, ("Donors", "Nhà hảo tâm"), year, lang)


def spending_fields(personal: bool = False) -> tuple[Field, ...]:
    return SPENDING.of(SPENDING.exported + (SPENDING.personal if personal else ()))


def spending_rows(
    conn: sqlite3.Connection, *, year: int | None = None, personal: bool = False
) -> Iterator[dict]:
    """Spending lines that count (voided ones left out), oldest first; the officer who
    recorded each only with personal data."""
    for line in spending.search(conn, year=year):
        yield SPENDING.export_row(line, personal=personal)


def spending_table(
    conn: sqlite3.Connection, *, year: int | None = None, personal: bool = False, lang: Lang
) -> Table:
    """`export spending` as a table, its headings in `lang`."""
    fields_ = spending_fields(personal)
    rows = partial(spending_rows, conn, year=year, personal=personal)
    return _table(fields_, rows, ("Spending", "Khoản chi"), year, lang)


class _HandoutNames:
    """The Vietnamese names of a handout's kind, unit and programme."""

    columns = (
        Column("kind_vi", "Tên loại"),
        Column("unit_vi", "Đơn vị tính"),
        Column("programme_vi", "Tên chương trình"),
    )

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.kinds = {k["slug"]: (k["name_vi"], k["unit_vi"]) for k in catalogue.list_kinds(conn)}
        self.programmes = {p["slug"]: p["name_vi"] for p in catalogue.list_programmes(conn)}

    def __call__(self, row: dict) -> dict:
        name, unit = self.kinds.get(row["kind"], (None, None))
        return row | {
            "kind_vi": name,
            "unit_vi": unit,
            "programme_vi": self.programmes.get(row["programme"]),
        }


class _CategoryNames:
    """The Vietnamese names of a beneficiary's categories."""

    columns = (Column("categories_vi", "Tên nhóm đối tượng", "list"),)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.names = {c["slug"]: c["name_vi"] for c in catalogue.list_categories(conn)}

    def __call__(self, row: dict) -> dict:
        return row | {"categories_vi": [self.names.get(c, c) for c in row["categories"]]}


def _table(
    fields_: tuple[Field, ...],
    rows: Callable[[], Iterator[dict]],
    names: tuple[str, str],
    year: int | None,
    lang: Lang,
    named: "_HandoutNames | _CategoryNames | None" = None,
) -> Table:
    name = names[1] if lang == Lang.vi else names[0]
    columns = tuple(Column(f.name, f.heading(lang), f.kind) for f in fields_)
    read = rows
    if named is not None:
        columns += named.columns
        read = lambda: map(named, rows())  # noqa: E731
    return Table(columns, read, name, name if year is None else f"{name} {year}")
