"""Spending: money paid out of a fund that is not a handout to a person (ingredients for the
meals, cakes bought from a bakery). Recorded once, never edited; a mistake is voided. A line
that buys a kind (`buys_kind`, `quantity`) puts the goods bought into stock.

Spending more than a fund holds is allowed: the officers may advance the money.
"""

import datetime as dt
import sqlite3
from collections.abc import Iterator

from heartlink import audit, entries, ids
from heartlink.catalogue import get_kind, get_programme
from heartlink.db import Ledger
from heartlink.errors import HeartlinkError, InputError
from heartlink.handouts import HandoutRules, _checked, _given
from heartlink.i18n import N_, _
from heartlink.nouns import SPENDING
from heartlink.text import parse_amount, parse_count, parse_date, parse_year

FIND_HINT = N_("find it with `heartlink spending list`")

# The free-text fields of a spending line, checked as its description says (heartlink.nouns).
_TEXT_FIELDS = {name: SPENDING[name].check for name in ("purpose", "reference", "note", "officer")}


class SpendingRules(HandoutRules):
    """The checks every new spending line passes, typed with `heartlink spend` or read from a
    file by `heartlink import spending`: one set of rules for both (look-ups remembered, as
    for handouts)."""

    def check(self, given: dict) -> tuple[dict | None, list[tuple[str, HeartlinkError]]]:
        """The line's column values for `given` (date, programme, amount_vnd, purpose,
        buys_kind, quantity, reference, note; None or "" when not given), or every problem
        found, per field. The date defaults to today."""
        values, problems = self.check_values(given, self.today, self._dates)
        programme = _checked(
            problems,
            "programme",
            lambda v: self._remembered("programme", v, lambda: get_programme(self.conn, v)["slug"]),
            _given(given, "programme") or "",
        )
        buys = _given(given, "buys_kind")
        kind = None
        if buys is not None:
            kind = _checked(
                problems,
                "buys_kind",
                lambda v: self._remembered("kind", v, lambda: get_kind(self.conn, v)),
                buys,
            )
        if problems:
            return None, problems
        on = values["date"]
        row = {
            "date": on.isoformat(),
            "year": on.year,
            "programme": programme,
            "amount_vnd": values["amount_vnd"],
            "purpose": values["purpose"],
            "buys_kind": kind and kind["slug"],
            "quantity": values["quantity"],
            "reference": values["reference"],
            "note": values["note"],
        }
        return row, []

    @staticmethod
    def check_values(
        given: dict, today: dt.date, dates: dict[str, dt.date] | None = None
    ) -> tuple[dict, list[tuple[str, HeartlinkError]]]:
        """The checks that need no database: date, amount, what it was for, the quantity
        bought (given with --buys, and only then), and the free text."""
        problems: list[tuple[str, HeartlinkError]] = []
        dates = {} if dates is None else dates
        date_text = _given(given, "date")
        if date_text is None:
            on = today
        elif (on := dates.get(date_text)) is None:
            on = _checked(problems, "date", lambda v: parse_date(v, today), date_text)
            if on is not None:
                dates[date_text] = on
        amount = _given(given, "amount_vnd")
        checked = {
            "date": on,
            "amount_vnd": _checked(problems, "amount_vnd", parse_amount, amount or ""),
        }
        buys, quantity = _given(given, "buys_kind"), _given(given, "quantity")
        checked["quantity"] = None
        if quantity is not None:
            checked["quantity"] = _checked(
                problems, "quantity", lambda v: parse_count(v, "quantity"), quantity
            )
        if buys is not None and quantity is None:
            problems.append(
                (
                    "quantity",
                    InputError(_("a kind bought (--buys) needs its quantity (--quantity)")),
                )
            )
        elif quantity is not None and buys is None:
            problems.append(
                (
                    "buys_kind",
                    InputError(_("a quantity (--quantity) needs the kind bought (--buys)")),
                )
            )
        for field, check in _TEXT_FIELDS.items():
            text = given.get(field)
            if field == "purpose":
                checked[field] = _checked(problems, field, check, text or "")
            else:
                checked[field] = _checked(problems, field, check, text) if text else None
        return checked, problems


# The content of an imported line's key (importer.spending_key), after checking: a stored key,
# so never reordered.
KEYED_COLUMNS = (
    "date",
    "programme",
    "amount_vnd",
    "purpose",
    "buys_kind",
    "quantity",
    "reference",
    "note",
)

# Inserts checked spending lines (see SpendingRules) with id, officer and created_at set.
insert = entries.inserter(SPENDING, "spending")


def record(
    ledger: Ledger,
    *,
    amount: str | int,
    programme: str,
    purpose: str,
    officer: str,
    date: str | None = None,
    buys: str | None = None,
    quantity: str | int | None = None,
    reference: str | None = None,
    note: str | None = None,
    today: dt.date | None = None,
) -> dict:
    """Record one spending line out of `programme`'s fund (`general` for the general fund)."""
    given = {
        "date": date,
        "programme": programme,
        "amount_vnd": amount,
        "purpose": purpose,
        "buys_kind": buys,
        "quantity": quantity,
        "reference": reference,
        "note": note,
    }
    return ENTRIES.add(ledger, SpendingRules, given, officer=officer, today=today)


_SELECT = (
    "SELECT " + ", ".join(f"s.{f.column}" for f in SPENDING.fields if f.column) + " FROM spending s"
)


def _line(row: sqlite3.Row) -> dict:
    line = dict(row)
    line["code"] = ids.short_code(row["id"])
    line["voided"] = row["voided_at"] is not None
    return {key: line[key] for key in SPENDING.keys}


def get(conn: sqlite3.Connection, spending_id: str) -> dict:
    return _line(conn.execute(_SELECT + " WHERE s.id = ?", (spending_id,)).fetchone())


def search(
    conn: sqlite3.Connection,
    *,
    year: int | str | None = None,
    programme: str | None = None,
    with_voided: bool = False,
) -> Iterator[dict]:
    """Spending lines matching every filter given, oldest first, streamed."""
    equal = {
        "year": None if year is None else parse_year(year),
        "programme": get_programme(conn, programme)["slug"] if programme else None,
    }
    for row in entries.search(conn, _SELECT, "s", equal, with_voided=with_voided):
        yield _line(row)


ENTRIES = entries.Entries(
    "spending line", "spending", audit.SPENDING_RECORD, audit.SPENDING_VOID, FIND_HINT, insert, get
)


def void(ledger: Ledger, ref: str, *, reason: str, officer: str) -> dict:
    """Mark a spending line as a mistake. Totals leave it out; it stays in the ledger."""
    return ENTRIES.void(ledger, ref, reason=reason, officer=officer)
