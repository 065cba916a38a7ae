"""Donations: money and goods received, when, from whom, for which fund. Recorded once, never
edited; a mistake is voided (heartlink.entries), as handouts are.

Money is the kind `cash`: its count is the amount in VND and its value the same amount, its
method cash or bank. Goods are any other kind, received in kind, valued by the value given or
count × the kind's unit value. Without a programme a donation goes to the general fund. The
verification code printed on a receipt and in the statement is the donation's short code.
"""

import datetime as dt
import sqlite3
from collections.abc import Iterator
from typing import Any

from heartlink import audit, donors, entries, ids
from heartlink.catalogue import get_kind, get_programme
from heartlink.db import Ledger
from heartlink.errors import HeartlinkError, InputError
from heartlink.handouts import HandoutRules, _checked, _given, checked_date
from heartlink.i18n import N_, _
from heartlink.nouns import DONATION
from heartlink.text import check_money, fold, parse_count, parse_money, parse_year

FIND_HINT = N_("find it with `heartlink donation list`")
DONOR_HINT = N_("find them with `heartlink donor list`")
MONEY = "cash"  # the kind of money received
GENERAL_FUND = "general"
MONEY_METHODS = ("cash", "bank")
IN_KIND = "in-kind"
METHODS = (*MONEY_METHODS, IN_KIND)

# The free-text fields of a donation, checked as its description says (heartlink.nouns).
_TEXT_FIELDS = {name: DONATION[name].check for name in ("reference", "note", "officer")}


class DonationRules(HandoutRules):
    """The checks every new donation passes, typed with `heartlink receive` or read from a
    file by `heartlink import donations`; look-ups remembered as HandoutRules does."""

    def check(self, given: dict) -> tuple[dict | None, list[tuple[str, HeartlinkError]]]:
        """The donation's column values for `given` (date, kind, count, donor, programme,
        method, value_vnd, reference, note), or every problem found, per field."""
        values, problems = self.check_values(given, self.today, self._dates)
        kind = _checked(
            problems,
            "kind",
            lambda v: self._remembered("kind", v, lambda: get_kind(self.conn, v)),
            given.get("kind") or "",
        )
        programme = _checked(
            problems,
            "programme",
            lambda v: self._remembered("programme", v, lambda: get_programme(self.conn, v)["slug"]),
            _given(given, "programme") or GENERAL_FUND,
        )
        donor = _given(given, "donor")
        donor_id = None
        if donor is not None:
            donor_id = _checked(
                problems,
                "donor",
                lambda v: self._remembered("donor", v, lambda: donors.resolve_active(self.conn, v)),
                str(donor),
            )
        if kind is None:
            return None, problems
        is_money = kind["slug"] == MONEY
        count = values["count"]
        if count is not None and not is_money:
            count = _checked(problems, "count", parse_count, count)
        method = _given(given, "method")
        method = _checked(problems, "method", lambda v: _method(v, is_money), method)
        value_vnd = values["value_vnd"]
        if is_money and value_vnd is not None and count is not None and value_vnd != count:
            problems.append(
                (
                    "value_vnd",
                    InputError(_("value is for goods; for money the count is the amount")),
                )
            )
        if problems:
            return None, problems
        if is_money:
            value_vnd = count
        elif value_vnd is None and kind["unit_value_vnd"] is not None:
            value_vnd = count * kind["unit_value_vnd"]
            try:
                check_money(value_vnd, "value (count × the kind's unit value)")
            except HeartlinkError as exc:
                return None, [("count", exc)]
        row = {
            "date": values["date"].isoformat(),
            "year": values["date"].year,
            "kind": kind["slug"],
            "programme": programme,
            "donor_id": donor_id,
            "count": count,
            "value_vnd": value_vnd,
            "method": method,
            "reference": values["reference"],
            "note": values["note"],
        }
        return row, []

    @staticmethod
    def check_values(
        given: dict, today: dt.date, dates: dict[str, dt.date] | None = None
    ) -> tuple[dict, list[tuple[str, HeartlinkError]]]:
        """The checks that need no database: date, value and the free text (None where refused
        or not given); the count is read once the kind says whether it is money."""
        problems: list[tuple[str, HeartlinkError]] = []
        on = checked_date(problems, given, today, dates)
        count_text = _given(given, "count")
        # Read as money, the widest rule; the kind may narrow it (goods: one billion at most).
        count = _checked(problems, "count", parse_count_received, count_text or "")
        value = _given(given, "value_vnd")
        value_vnd = None if value is None else _checked(problems, "value_vnd", parse_money, value)
        checked = {"date": on, "count": count, "value_vnd": value_vnd}
        for field, check in _TEXT_FIELDS.items():
            text = given.get(field)
            checked[field] = _checked(problems, field, check, text) if text else None
        return checked, problems


def parse_count_received(text: str | int) -> int:
    """How many were received, for money the amount in đồng: a whole number from 1 to a
    trillion."""
    count = parse_money(text, "count")
    if count <= 0:
        raise InputError(_("count must be at least 1 (for cash, the amount in đồng)"))
    return count


# How a sheet may say the method (accents and case ignored).
_METHOD_WORDS = {
    "tien mat": "cash",
    "chuyen khoan": "bank",
    "ngan hang": "bank",
    "bank transfer": "bank",
    "hien vat": IN_KIND,
    "in kind": IN_KIND,
}


def _method(given: str | None, is_money: bool) -> str:
    """How it came: money by cash (the default) or bank; goods always in kind."""
    if given is None:
        return MONEY_METHODS[0] if is_money else IN_KIND
    method = _METHOD_WORDS.get(fold(given), fold(given))
    if not is_money:
        if method == IN_KIND:
            return method
        raise InputError(_("method is for money (cash or bank); goods are received in kind"))
    if method not in MONEY_METHODS:
        raise InputError(_("method must be cash or bank"))
    return method


INSERT_COLUMNS = entries.insert_columns(DONATION)
# Insert checked donations (see DonationRules) with id, officer and created_at set.
insert = entries.inserter(DONATION, "donation")


def receive(
    ledger: Ledger,
    kind: str,
    *,
    count: str | int,
    officer: str,
    date: str | None = None,
    donor: str | None = None,
    programme: str | None = None,
    method: str | None = None,
    value: str | int | None = None,
    reference: str | None = None,
    note: str | None = None,
    today: dt.date | None = None,
    sponsorship: str | None = None,
) -> dict:
    """Record one donation of money (kind `cash`) or goods; returns it as recorded. With
    `sponsorship` (an id or code), money from that sponsorship's donor paid into it (the record
    then has `sponsorship`, its code)."""
    given = {
        "date": date,
        "kind": kind,
        "count": count,
        "donor": donor,
        "programme": programme,
        "method": method,
        "value_vnd": value,
        "reference": reference,
        "note": note,
    }
    if donor is not None and not donor.strip():
        raise InputError(_("the donor (--from) is empty; give an id or code, or leave it out"))
    link = None
    if sponsorship is not None:

        def link(conn: sqlite3.Connection, row: dict) -> Any:
            from heartlink import sponsorships

            return sponsorships.receive_for(
                conn, row, sponsorship, officer=officer, programme_given=programme is not None
            )

    return ENTRIES.add(ledger, DonationRules, given, officer=officer, today=today, link=link)


_SELECT = entries.select(DONATION, "donation d JOIN kind k ON k.slug = d.kind", "d")


def _donation(row: sqlite3.Row) -> dict:
    return entries.entry_record(row, donor="donor_id")


def get(conn: sqlite3.Connection, donation_id: str) -> dict:
    return _donation(conn.execute(_SELECT + " WHERE d.id = ?", (donation_id,)).fetchone())


def find(conn: sqlite3.Connection, ref: str) -> dict:
    """The donation an id or code names, voided or not."""
    return get(conn, ids.resolve(conn, "donation", ref, "donation", FIND_HINT))


def search(
    conn: sqlite3.Connection,
    *,
    year: int | str | None = None,
    donor: str | None = None,
    programme: str | None = None,
    with_voided: bool = False,
) -> Iterator[dict]:
    """Donations matching every filter given, oldest first, streamed."""
    equal = {
        "year": None if year is None else parse_year(year),
        "donor_id": ids.resolve(conn, "donor", donor, "donor", DONOR_HINT) if donor else None,
        "programme": get_programme(conn, programme)["slug"] if programme else None,
    }
    for row in entries.search(conn, _SELECT, "d", equal, with_voided=with_voided):
        yield _donation(row)


ENTRIES = entries.Entries(
    "donation", "donation", audit.DONATION_RECEIVE, audit.DONATION_VOID, FIND_HINT, insert, get
)


def void(ledger: Ledger, ref: str, *, reason: str, officer: str) -> dict:
    """Mark a donation as a mistake. Totals leave it out; it stays in the ledger."""
    return ENTRIES.void(ledger, ref, reason=reason, officer=officer)


def receipt(conn: sqlite3.Connection, ref: str) -> dict:
    """What a receipt for one donation says: the donation, the donor's name and type as
    registered (None for a well-wisher who gave no name), the kind's names and units, and
    whether it is money."""
    donation = find(conn, ref)
    donor = None
    if donation["donor_id"] is not None:
        found = conn.execute(
            "SELECT name, type FROM donor WHERE id = ?", (donation["donor_id"],)
        ).fetchone()
        donor = {"name": found[0], "type": found[1]}
    kind = get_kind(conn, donation["kind"])
    programme = get_programme(conn, donation["programme"])
    return {
        **donation,
        "donor_name": donor and donor["name"],
        "donor_type": donor and donor["type"],
        "kind_en": kind["name_en"],
        "kind_vi": kind["name_vi"],
        "unit_vi": kind["unit_vi"],
        "programme_en": programme["name_en"],
        "programme_vi": programme["name_vi"],
        "money": donation["kind"] == MONEY,
    }
