"""Handouts: what was given, when, to whom. Recorded once, never edited; a mistake is voided."""

import datetime as dt
import getpass
import os
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any

from heartlink import audit, entries
from heartlink.catalogue import get_kind, get_programme
from heartlink.db import Ledger
from heartlink.errors import HeartlinkError, InputError
from heartlink.i18n import N_, _
from heartlink.nouns import HANDOUT
from heartlink.text import (
    check_money,
    parse_count,
    parse_date,
    parse_money,
    parse_year,
    require_text,
)

OFFICER_ENV = "HEARTLINK_OFFICER"
FIND_HINT = N_("find it with `heartlink handout list`")


def officer_name(given: str | None = None) -> str:
    """Who is recording: --by, then HEARTLINK_OFFICER, then the login name."""
    if given is None:
        given = os.environ.get(OFFICER_ENV)
        if given is not None and not given.strip():
            raise InputError(
                _(
                    "{variable} is set but empty; set it to the officer's name, or "
                    "unset it to use your login name"
                ).format(variable=OFFICER_ENV)
            )
    if given is None:
        try:
            given = getpass.getuser()
        except Exception:  # no login name on some service accounts and containers
            given = "unknown"
    return require_text(given, "officer name")


# The free-text fields of a handout, checked as its description says (heartlink.nouns).
_TEXT_FIELDS = {name: HANDOUT[name].check for name in ("place", "note", "officer")}


class HandoutRules:
    """The checks every new handout passes, whether typed with `heartlink record` or read from
    a file by `heartlink import`: one set of rules for both.

    Catalogue and beneficiary look-ups are remembered (failures too), so that checking 100,000
    imported rows costs one look-up per distinct kind, programme and beneficiary.
    """

    def __init__(self, conn: sqlite3.Connection, today: dt.date | None = None):
        self.conn = conn
        self.today = today or dt.date.today()
        self._known: dict[tuple[str, str], object] = {}
        self._dates: dict[str, dt.date] = {}  # dates read against self.today, by their text

    def _remembered(self, what: str, given: str, look_up: Callable[[], object]) -> object:
        key = (what, given)
        if key not in self._known:
            try:
                self._known[key] = look_up()
            except HeartlinkError as exc:
                self._known[key] = exc
        found = self._known[key]
        if isinstance(found, HeartlinkError):
            raise found
        return found

    def check(self, given: dict) -> tuple[dict | None, list[tuple[str, HeartlinkError]]]:
        """The handout's column values for `given` (date, kind, count, beneficiary, programme,
        place, value_vnd, note; None or "" when not given), or every problem found, per field.

        The date defaults to today, the programme to the kind's own, the value to count × the
        kind's unit value when it has one.
        """
        values, problems = self.check_values(given, self.today, self._dates)
        on, count, value_vnd = values["date"], values["count"], values["value_vnd"]

        kind = _checked(
            problems,
            "kind",
            lambda v: self._remembered("kind", v, lambda: get_kind(self.conn, v)),
            given.get("kind") or "",
        )
        programme = _given(given, "programme")
        if programme is not None:
            programme = _checked(
                problems,
                "programme",
                lambda v: self._remembered(
                    "programme", v, lambda: get_programme(self.conn, v)["slug"]
                ),
                programme,
            )
        elif kind:
            programme = kind["programme"]
        to = _given(given, "beneficiary")
        beneficiary_id = None
        if to is not None:
            beneficiary_id = _checked(
                problems,
                "beneficiary",
                lambda v: self._remembered(
                    "beneficiary", v, lambda: _beneficiaries().resolve_active(self.conn, v)
                ),
                str(to),
            )
        if problems:
            return None, problems
        if value_vnd is None and kind["unit_value_vnd"] is not None:
            value_vnd = count * kind["unit_value_vnd"]
            try:
                check_money(value_vnd, "value (count × the kind's unit value)")
            except HeartlinkError as exc:
                return None, [("count", exc)]
        row = {
            "date": on.isoformat(),
            "year": on.year,
            "kind": kind["slug"],
            "programme": programme,
            "beneficiary_id": beneficiary_id,
            "count": count,
            "value_vnd": value_vnd,
            "place": values["place"],
            "note": values["note"],
        }
        return row, []

    @staticmethod
    def check_values(
        given: dict, today: dt.date, dates: dict[str, dt.date] | None = None
    ) -> tuple[dict, list[tuple[str, HeartlinkError]]]:
        """The checks that need no database: date, count, value and the free text (None where
        refused or not given).

        `dates` remembers the dates read against this same `today`, by their text (refusals
        are not remembered), for checking many rows.
        """
        problems: list[tuple[str, HeartlinkError]] = []

        on = checked_date(problems, given, today, dates)
        count_text = _given(given, "count")
        count = _checked(problems, "count", parse_count, "" if count_text is None else count_text)
        value = _given(given, "value_vnd")
        value_vnd = None if value is None else _checked(problems, "value_vnd", parse_money, value)
        checked = {"date": on, "count": count, "value_vnd": value_vnd}
        for field, check in _TEXT_FIELDS.items():
            text = given.get(field)
            checked[field] = _checked(problems, field, check, text) if text else None
        return checked, problems


def checked_date(
    problems: list[tuple[str, HeartlinkError]],
    given: dict,
    today: dt.date,
    dates: dict[str, dt.date] | None,
) -> dt.date | None:
    """The given date (today when not given), None with the problem noted when refused.

    `dates` remembers the dates read against this same `today`, by their text (refusals are
    not remembered), for checking many rows."""
    date_text = _given(given, "date")
    if date_text is None:
        return today
    if dates is not None and (on := dates.get(date_text)) is not None:
        return on
    on = _checked(problems, "date", lambda v: parse_date(v, today), date_text)
    if on is not None and dates is not None:
        dates[date_text] = on
    return on


def _checked(
    problems: list[tuple[str, HeartlinkError]],
    field: str,
    parse: Callable[[Any], Any],
    value: Any,
) -> Any:
    """parse(value), or None with the problem noted against its field."""
    try:
        return parse(value)
    except HeartlinkError as exc:
        problems.append((field, exc))
        return None


def _given(given: dict, field: str) -> Any:
    """A field's value, None when missing or blank (an empty cell in an imported file)."""
    value = given.get(field)
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


INSERT_COLUMNS = entries.insert_columns(HANDOUT)
# Insert checked handouts (see HandoutRules) with id, officer and created_at set.
insert = entries.inserter(HANDOUT, "handout")


def record(
    ledger: Ledger,
    kind: str,
    *,
    count: str | int,
    officer: str,
    date: str | None = None,
    to: str | None = None,
    programme: str | None = None,
    place: str | None = None,
    value: str | int | None = None,
    note: str | None = None,
    today: dt.date | None = None,
    sponsorship: str | None = None,
    advance: bool = False,
) -> dict:
    """Record one handout. The value defaults to count × the kind's unit value, when it has one.

    Cash to a beneficiary pays a sponsorship: `sponsorship` (its id or code), else their one
    running sponsorship when they have exactly one; the record then has `sponsorship` (its
    code), `sponsorship_found` (True when not given) and `advance_vnd` (heartlink.sponsorships).
    """
    given = {
        "date": date,
        "kind": kind,
        "count": count,
        "beneficiary": to,
        "programme": programme,
        "place": place,
        "value_vnd": value,
        "note": note,
    }
    if to is not None and not to.strip():
        raise InputError(_("the beneficiary (--to) is empty; give an id or code, or leave it out"))
    link = None
    if to is not None or sponsorship is not None or advance:

        def link(conn: sqlite3.Connection, row: dict) -> Any:
            if sponsorship is None and not advance and (row["kind"] != "cash" or not to):
                return None  # the everyday handout: no sponsorship looked up, none imported
            from heartlink import sponsorships

            return sponsorships.pay_out(
                conn,
                row,
                sponsorship,
                advance=advance,
                officer=officer,
                programme_given=programme is not None,
            )

    return ENTRIES.add(ledger, HandoutRules, given, officer=officer, today=today, link=link)


_SELECT = entries.select(HANDOUT, "handout h JOIN kind k ON k.slug = h.kind", "h")


def _handout(row: sqlite3.Row) -> dict:
    return entries.entry_record(row, beneficiary="beneficiary_id")


def get(conn: sqlite3.Connection, handout_id: str) -> dict:
    return _handout(conn.execute(_SELECT + " WHERE h.id = ?", (handout_id,)).fetchone())


def search(
    conn: sqlite3.Connection,
    *,
    year: int | str | None = None,
    kind: str | None = None,
    to: str | None = None,
    programme: str | None = None,
    with_voided: bool = False,
) -> Iterator[dict]:
    """Handouts matching every filter given, oldest first, streamed."""
    equal = {
        "year": None if year is None else parse_year(year),
        "kind": get_kind(conn, kind)["slug"] if kind else None,
        "beneficiary_id": _beneficiaries().resolve(conn, to) if to else None,
        "programme": get_programme(conn, programme)["slug"] if programme else None,
    }
    for row in entries.search(conn, _SELECT, "h", equal, with_voided=with_voided):
        yield _handout(row)


ENTRIES = entries.Entries(
    "handout", "handout", audit.HANDOUT_RECORD, audit.HANDOUT_VOID, FIND_HINT, insert, get
)


def void(ledger: Ledger, ref: str, *, reason: str, officer: str) -> dict:
    """Mark a handout as a mistake. Totals leave it out; it stays in the ledger."""
    return ENTRIES.void(ledger, ref, reason=reason, officer=officer)


def _beneficiaries() -> Any:
    """heartlink.beneficiaries, loaded only for a handout to someone: `record` of meals at the
    hospital never needs the register."""
    from heartlink import beneficiaries

    return beneficiaries
