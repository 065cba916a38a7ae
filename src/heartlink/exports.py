"""The rows `heartlink export handouts` and `heartlink export beneficiaries` write, streamed.

Columns come in the import's order (heartlink.fields): the canonical ones first, then `id` and
the others, so that an export imports back. Personal data stays out unless asked for: a
beneficiary's name is replaced by their code, and their address, phone and note (free text,
which often holds health or family details) are left empty; handouts carry the beneficiary's
id, never their name, and not the officer's name either.
"""

import sqlite3
from collections.abc import Callable, Iterator
from functools import partial

from heartlink import beneficiaries, fields, handouts
from heartlink.fields import Field
from heartlink.i18n import Lang
from heartlink.tables import Column, Table

# The kind of each exported column that is not text (heartlink.tables.Column kinds).
KINDS = {
    "date": "date",
    "count": "number",
    "value_vnd": "money",
    "categories": "list",
    "consent": "flag",
    "household": "flag",
    "archived": "flag",
}


def handout_fields(personal: bool = False) -> tuple[Field, ...]:
    extra = fields.HANDOUT_PERSONAL if personal else ()
    return (*fields.HANDOUT, fields.ID, *fields.HANDOUT_EXTRA, *extra)


def handout_rows(
    conn: sqlite3.Connection, *, year: int | None = None, personal: bool = False
) -> Iterator[dict]:
    """Handouts that count (voided ones left out, as in every total), oldest first."""
    names = dict(conn.execute("SELECT id, name FROM beneficiary").fetchall()) if personal else {}
    for handout in handouts.search(conn, year=year):
        row = {
            "date": handout["date"],
            "kind": handout["kind"],
            "count": handout["count"],
            "beneficiary": handout["beneficiary_id"],
            "programme": handout["programme"],
            "place": handout["place"],
            "value_vnd": handout["value_vnd"],
            "note": handout["note"],
            "id": handout["id"],
            "unit": handout["unit"],
            "created_at": handout["created_at"],
            "import_key": handout["import_key"],
        }
        if personal:
            row["beneficiary_name"] = names.get(handout["beneficiary_id"])
            row["officer"] = handout["officer"]
        yield row


def beneficiary_fields(personal: bool = False) -> tuple[Field, ...]:
    """The same columns with or without personal data: without, some are empty."""
    return (*fields.BENEFICIARY, fields.ID, *fields.BENEFICIARY_EXTRA)


def beneficiary_rows(
    conn: sqlite3.Connection, *, year: int | None = None, personal: bool = False
) -> Iterator[dict]:
    """Every beneficiary, archived ones too (or those who received something in `year`)."""
    everyone = beneficiaries.search(conn, with_archived=True, received_in=year, by_name=personal)
    for profile in everyone:
        yield {
            "name": profile["name"] if personal else profile["code"],
            "categories": profile["categories"],
            "born": profile["born"],
            "group": profile["group"],
            "address": profile["address"] if personal else None,
            "phone": profile["phone"] if personal else None,
            "school": profile["school"],
            "note": profile["note"] if personal else None,
            "consent": profile["consent"],
            "id": profile["id"],
            "code": profile["code"],
            "household": profile["household"],
            "archived": profile["archived"],
            "created_at": profile["created_at"],
        }


def handouts_table(
    conn: sqlite3.Connection, *, year: int | None = None, personal: bool = False, lang: Lang
) -> Table:
    """`export handouts` as a table, its headings in `lang`."""
    fields_ = handout_fields(personal)
    rows = partial(handout_rows, conn, year=year, personal=personal)
    return _table(fields_, rows, ("Handouts", "Lượt trao"), year, lang)


def beneficiaries_table(
    conn: sqlite3.Connection, *, year: int | None = None, personal: bool = False, lang: Lang
) -> Table:
    """`export beneficiaries` as a table, its headings in `lang`."""
    fields_ = beneficiary_fields(personal)
    rows = partial(beneficiary_rows, conn, year=year, personal=personal)
    return _table(fields_, rows, ("Beneficiaries", "Người nhận"), year, lang)


def _table(
    fields_: tuple[Field, ...],
    rows: Callable[[], Iterator[dict]],
    names: tuple[str, str],
    year: int | None,
    lang: Lang,
) -> Table:
    name = names[1] if lang == Lang.vi else names[0]
    columns = tuple(Column(f.name, f.heading(lang), KINDS.get(f.name, "text")) for f in fields_)
    return Table(columns, rows, name, name if year is None else f"{name} {year}")
