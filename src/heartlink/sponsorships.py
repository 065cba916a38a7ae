"""Sponsorships (Mẹ đỡ đầu, a child's schooling): a commitment to pay a beneficiary an amount per
month, quarter or year, from the station's own funds or passed on from a donor who pledges it.

Both sides are tracked: what the sponsor promised and paid (cash donations linked to the
sponsorship) and what reached the child (cash handouts linked to it). Without a donor the
station is the sponsor, so what it received is what it paid out.

Everything is append-only (migration 0010): a change of amount and an end are rows of
sponsorship_change, a payment is linked by a row of sponsorship_payment written in the
payment's own transaction, and a voided payment stops counting because its void exists.

The schedule is computed, never stored (`instalments`): one instalment per pay-out period,
due on its first day. An amount per period paid in several pay-outs is split in whole đồng,
the remainder in the period's last instalment (1.000.000 a year paid monthly is 83.333 × 11
and 83.337). Payments are allocated in date order to the oldest instalment still owed
(`allocate`): one payment may cover several instalments, an overpayment is credited to the
next ones, and what is paid beyond the last instalment (after the end, once the arrears are
settled) is unallocated credit. For every sponsorship and side:
pledged − received = owed, received − paid out = held, and the instalments' paid amounts
plus the unallocated credit add up to the linked payments (`verify`, run by `check`).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from heartlink import audit, ids
from heartlink.db import Ledger, utc_now
from heartlink.errors import HeartlinkError, InputError
from heartlink.i18n import N_, _
from heartlink.text import optional_text, parse_amount, parse_date, require_text

PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}
PAY_OUT_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
PAY_OUT_OF_PERIOD = {"month": "monthly", "quarter": "quarterly", "year": "yearly"}
DEFAULT_PROGRAMME = "godmother"
STATION = "station"  # the sponsor of a sponsorship without a donor
CASH = "cash"
# An open-ended schedule is read no further than this many instalments (a century monthly).
MOST_INSTALMENTS = 1200
FIND_HINT = N_("find it with `heartlink sponsorship list`")

_MONTH_ISO = re.compile(r"(\d{4})-(\d{1,2})")
_MONTH_FIRST = re.compile(r"(\d{1,2})/(\d{4})")


# --- the arithmetic (pure) -------------------------------------------------------------------


class Terms(NamedTuple):
    """What a sponsorship commits to: `amount_vnd` per `per`, paid `pay_out`, from the first
    day of the start month to `end` (the last day covered; None: until ended), with each
    change of amount (from a date, the new amount) in date order."""

    amount_vnd: int
    per: str
    pay_out: str
    start: dt.date
    end: dt.date | None = None
    changes: tuple[tuple[dt.date, int], ...] = ()


class Instalment(NamedTuple):
    due: dt.date
    amount_vnd: int


class Payment(NamedTuple):
    """A linked payment that counts (not voided): when, how much, its entry's id, and for a
    pay-out the part the station advanced."""

    date: dt.date
    amount_vnd: int
    entry_id: str
    advance_vnd: int = 0


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date) -> dt.date:
    return add_months(day, 1) - dt.timedelta(days=1)


def instalment_amount(amount_vnd: int, per: str, pay_out: str, position: int) -> int:
    """The instalment at `position` (0, 1, …) of the schedule, for `amount_vnd` per `per` paid
    `pay_out`: split in whole đồng with the remainder in the period's last instalment, or, when
    a pay-out spans several periods, their amounts together."""
    period, every = PERIOD_MONTHS[per], PAY_OUT_MONTHS[pay_out]
    if every >= period:
        return amount_vnd * (every // period)
    parts = period // every
    share, remainder = divmod(amount_vnd, parts)
    return share + (remainder if position % parts == parts - 1 else 0)


def instalments(terms: Terms) -> Iterator[Instalment]:
    """The schedule, oldest first: one instalment per pay-out period from the start, due on the
    period's first day, up to the end (or MOST_INSTALMENTS of them)."""
    every = PAY_OUT_MONTHS[terms.pay_out]
    for position in range(MOST_INSTALMENTS):
        due = add_months(terms.start, position * every)
        if terms.end is not None and due > terms.end:
            return
        amount = terms.amount_vnd
        for since, changed in terms.changes:
            if since <= due:
                amount = changed
        yield Instalment(due, instalment_amount(amount, terms.per, terms.pay_out, position))


class Allocation(NamedTuple):
    """A side's instalments ({"due", "amount_vnd", "paid_vnd", "paid_on"}: every one due up to
    the day asked, every one a payment reached, and the next), and what no instalment took."""

    instalments: list[dict]
    credit_vnd: int


def allocate(
    schedule: Iterable[Instalment],
    payments: Iterable[Payment],
    *,
    until: dt.date,
) -> Allocation:
    """Payments in date order, each to the oldest instalments still owed, a late one (even
    after the end) first to the arrears; what is left after the last instalment is
    unallocated credit."""
    upcoming = iter(schedule)
    rows: list[dict] = []

    def one_more() -> bool:
        found = next(upcoming, None)
        if found is not None:
            rows.append(
                {"due": found.due, "amount_vnd": found.amount_vnd, "paid_vnd": 0, "paid_on": None}
            )
        return found is not None

    while (not rows or rows[-1]["due"] <= until) and one_more():
        pass
    credit = 0
    oldest = 0
    for payment in sorted(payments, key=lambda p: (p.date, p.entry_id)):
        left = payment.amount_vnd
        while left:
            while oldest < len(rows) and rows[oldest]["paid_vnd"] == rows[oldest]["amount_vnd"]:
                oldest += 1
            if oldest == len(rows) and not one_more():
                break
            if oldest == len(rows):
                continue
            row = rows[oldest]
            taken = min(left, row["amount_vnd"] - row["paid_vnd"])
            row["paid_vnd"] += taken
            row["paid_on"] = payment.date
            left -= taken
        credit += left
    return Allocation(rows, credit)


def side_figures(allocation: Allocation, payments: list[Payment], today: dt.date) -> dict:
    """One side's figures on `today`: pledged (due so far), paid (the linked payments), owed
    (pledged − paid; below zero when paid ahead), overdue (due before today, unpaid), the next
    instalment still owed and the unallocated credit."""
    rows = allocation.instalments
    pledged = sum(row["amount_vnd"] for row in rows if row["due"] <= today)
    paid = sum(payment.amount_vnd for payment in payments)
    overdue = sum(row["amount_vnd"] - row["paid_vnd"] for row in rows if row["due"] < today)
    following = next((row for row in rows if row["paid_vnd"] < row["amount_vnd"]), None)
    return {
        "pledged_vnd": pledged,
        "paid_vnd": paid,
        "owed_vnd": pledged - paid,
        "overdue_vnd": overdue,
        "next_due": following and following["due"],
        "next_due_vnd": following and following["amount_vnd"] - following["paid_vnd"],
        "credit_vnd": allocation.credit_vnd,
    }


def figures(
    terms: Terms,
    received: list[Payment],
    paid_out: list[Payment],
    today: dt.date,
    *,
    station: bool,
) -> dict:
    """A sponsorship's figures on `today`, both sides: the sponsor's (pledged, received, owed)
    and the beneficiary's (paid out, overdue, next due), held = received − paid out, the
    advances, the status (overdue, ended or active) and both allocations."""
    if station:
        received = paid_out  # the station pays from its funds: what it gives is what it paid
    schedule_in = allocate(instalments(terms), received, until=today)
    schedule_out = allocate(instalments(terms), paid_out, until=today)
    sponsor = side_figures(schedule_in, received, today)
    child = side_figures(schedule_out, paid_out, today)
    ended = terms.end is not None and terms.end < today
    overdue = child["overdue_vnd"] + (0 if station else sponsor["overdue_vnd"])
    return {
        "pledged_vnd": sponsor["pledged_vnd"],
        "received_vnd": sponsor["paid_vnd"],
        "owed_vnd": sponsor["owed_vnd"],
        "sponsor_overdue_vnd": sponsor["overdue_vnd"],
        "paid_out_vnd": child["paid_vnd"],
        "held_vnd": sponsor["paid_vnd"] - child["paid_vnd"],
        "advanced_vnd": sum(payment.advance_vnd for payment in paid_out),
        "overdue_vnd": child["overdue_vnd"],
        "next_due": child["next_due"],
        "next_due_vnd": child["next_due_vnd"],
        "credit_vnd": child["credit_vnd"],
        "received_credit_vnd": sponsor["credit_vnd"],
        "ended": ended,
        "status": "overdue" if overdue else ("ended" if ended else "active"),
        "schedule_in": schedule_in,
        "schedule_out": schedule_out,
    }


# --- reading -------------------------------------------------------------------------------


def _rows(conn: sqlite3.Connection, sql: str, params: Iterable = ()) -> list[dict]:
    """Rows as dicts, whatever the connection's row factory (`check` reads with none)."""
    cursor = conn.execute(sql, tuple(params))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


_SPONSORSHIP = (
    "SELECT id, beneficiary_id, donor_id, programme, amount_vnd, per, pay_out, start_month,"
    " end_month, note, officer, created_at FROM sponsorship"
)


def parse_month(text: str, what: str) -> dt.date:
    """A month as 2023-01 or 01/2023: its first day."""
    raw = text.strip()
    match = _MONTH_ISO.fullmatch(raw) or _MONTH_FIRST.fullmatch(raw)
    if match is None:
        raise InputError(
            _("{what} is not a month; write it as 2023-01 or 01/2023").format(what=what)
        )
    first, second = (int(group) for group in match.groups())
    year, month = (first, second) if match.re is _MONTH_ISO else (second, first)
    if not 1 <= month <= 12 or year < 2000:
        raise InputError(
            _("{what} is not a month; write it as 2023-01 or 01/2023").format(what=what)
        )
    return dt.date(year, month, 1)


def _changes(conn: sqlite3.Connection, sponsorship_id: str) -> list[dict]:
    return _rows(
        conn,
        "SELECT id, change, from_date, amount_vnd, end_date, reason, created_at"
        " FROM sponsorship_change WHERE sponsorship_id = ? ORDER BY rowid",
        (sponsorship_id,),
    )


def terms_of(row: dict, changes: list[dict]) -> Terms:
    """The Terms of a sponsorship's row and its changes."""
    end = month_end(dt.date.fromisoformat(row["end_month"] + "-01")) if row["end_month"] else None
    amounts = []
    for change in changes:
        if change["change"] == "end":
            ended = dt.date.fromisoformat(change["end_date"])
            end = ended if end is None else min(end, ended)
        else:
            amounts.append((dt.date.fromisoformat(change["from_date"]), change["amount_vnd"]))
    return Terms(
        row["amount_vnd"],
        row["per"],
        row["pay_out"],
        dt.date.fromisoformat(row["start_month"] + "-01"),
        end,
        tuple(sorted(amounts)),
    )


# Each linked payment that counts, of one sponsorship or all: handouts (out) and donations (in).
_PAYMENTS = """
SELECT p.sponsorship_id, 'out' AS side, h.date, h.count AS amount_vnd, h.id AS entry_id,
       p.advance_vnd
FROM sponsorship_payment p JOIN handout h ON h.id = p.handout_id
WHERE h.voided_at IS NULL {where}
UNION ALL
SELECT p.sponsorship_id, 'in', d.date, d.count, d.id, 0
FROM sponsorship_payment p JOIN donation d ON d.id = p.donation_id
WHERE d.voided_at IS NULL {where}
"""


def _payments(conn: sqlite3.Connection, sponsorship_id: str | None = None) -> dict:
    """{sponsorship id: {"in": [Payment], "out": [Payment]}}."""
    where, params = (
        ("AND p.sponsorship_id = ?", (sponsorship_id,) * 2) if sponsorship_id else ("", ())
    )
    found: dict[str, dict[str, list[Payment]]] = {}
    for row in _rows(conn, _PAYMENTS.format(where=where), params):
        sides = found.setdefault(row["sponsorship_id"], {"in": [], "out": []})
        sides[row["side"]].append(
            Payment(
                dt.date.fromisoformat(row["date"]),
                row["amount_vnd"],
                row["entry_id"],
                row["advance_vnd"],
            )
        )
    return found


def _record(row: dict, terms: Terms, payments: dict, today: dt.date) -> dict:
    sides = payments.get(row["id"], {"in": [], "out": []})
    found = figures(terms, sides["in"], sides["out"], today, station=row["donor_id"] is None)
    return {
        "id": row["id"],
        "code": ids.short_code(row["id"]),
        "beneficiary": ids.short_code(row["beneficiary_id"]),
        "sponsor": ids.short_code(row["donor_id"]) if row["donor_id"] else STATION,
        "programme": row["programme"],
        "amount_vnd": terms.amount_vnd,
        "per": row["per"],
        "pay_out": row["pay_out"],
        "start": row["start_month"],
        "end": terms.end,
        **found,
    }


def sponsorships(
    conn: sqlite3.Connection,
    today: dt.date | None = None,
    *,
    where: str = "1",
    params: Iterable = (),
) -> list[dict]:
    """Every sponsorship (matching `where`) with its figures on `today`, oldest first. The
    amount is the one in force today."""
    today = today or dt.date.today()
    rows = _rows(conn, f"{_SPONSORSHIP} WHERE {where} ORDER BY rowid", params)
    changes: dict[str, list[dict]] = {}
    for change in _rows(
        conn,
        "SELECT sponsorship_id, id, change, from_date, amount_vnd, end_date, reason, created_at"
        " FROM sponsorship_change ORDER BY rowid",
    ):
        changes.setdefault(change["sponsorship_id"], []).append(change)
    payments = _payments(conn)
    found = []
    for row in rows:
        terms = terms_of(row, changes.get(row["id"], []))
        current = terms.amount_vnd
        for since, amount in terms.changes:
            if since <= today:
                current = amount
        found.append(_record(row, terms, payments, today) | {"amount_vnd": current})
    return found


def listing(conn: sqlite3.Connection, *, active: bool = False, today: dt.date | None = None):
    """`sponsorship list`: every sponsorship (only those not ended with `active`), without the
    schedules."""
    rows = sponsorships(conn, today)
    return [
        {key: value for key, value in row.items() if not key.startswith("schedule_")}
        for row in rows
        if not (active and row["ended"])
    ]


def resolve(conn: sqlite3.Connection, ref: str) -> str:
    return ids.resolve(conn, "sponsorship", ref, "sponsorship", FIND_HINT)


def _one(conn: sqlite3.Connection, sponsorship_id: str) -> dict:
    return _rows(conn, f"{_SPONSORSHIP} WHERE id = ?", (sponsorship_id,))[0]


def show(conn: sqlite3.Connection, ref: str, today: dt.date | None = None) -> dict:
    """One sponsorship: its figures, its schedule instalment by instalment (due, amount, what
    the sponsor paid and when, what was paid out and when), its changes and every linked
    receipt and handout (voided ones marked)."""
    today = today or dt.date.today()
    sponsorship_id = resolve(conn, ref)
    record = sponsorships(conn, today, where="id = ?", params=(sponsorship_id,))[0]
    station = record["sponsor"] == STATION
    received = {row["due"]: row for row in record.pop("schedule_in").instalments}
    schedule = []
    for row in record.pop("schedule_out").instalments:
        paid_in = received.get(row["due"], {})
        schedule.append(
            {
                "due": row["due"],
                "amount_vnd": row["amount_vnd"],
                "received_vnd": None if station else paid_in.get("paid_vnd", 0),
                "received_on": None if station else paid_in.get("paid_on"),
                "paid_out_vnd": row["paid_vnd"],
                "paid_on": row["paid_on"],
            }
        )
    links = _rows(
        conn,
        """SELECT 'handout' AS entry, h.id, h.date, h.count AS amount_vnd, p.advance_vnd,
                  h.voided_at IS NOT NULL AS voided
           FROM sponsorship_payment p JOIN handout h ON h.id = p.handout_id
           WHERE p.sponsorship_id = ?
           UNION ALL
           SELECT 'donation', d.id, d.date, d.count, 0, d.voided_at IS NOT NULL
           FROM sponsorship_payment p JOIN donation d ON d.id = p.donation_id
           WHERE p.sponsorship_id = ? ORDER BY 3, 2""",
        (sponsorship_id, sponsorship_id),
    )
    payments = [
        link | {"code": ids.short_code(link["id"]), "voided": bool(link["voided"])}
        for link in links
    ]
    changes = [
        {key: value for key, value in change.items() if key != "id"}
        | {"code": ids.short_code(change["id"])}
        for change in _changes(conn, sponsorship_id)
    ]
    return record | {"schedule": schedule, "payments": payments, "changes": changes}


def due(conn: sqlite3.Connection, until: dt.date | None = None, today: dt.date | None = None):
    """What must be paid out, and what sponsors owe, up to `until` (default today): one row per
    instalment still owed ({"sponsorship", "beneficiary", "sponsor", "side": "pay out" or
    "sponsor owes", "due", "amount_vnd", "overdue"}), overdue first, then by date."""
    today = today or dt.date.today()
    until = until or today
    rows = []
    for record in sponsorships(conn, max(today, until)):
        sides = [("pay out", record["schedule_out"])]
        if record["sponsor"] != STATION:
            sides.append(("sponsor owes", record["schedule_in"]))
        for side, allocation in sides:
            for row in allocation.instalments:
                left = row["amount_vnd"] - row["paid_vnd"]
                if left and row["due"] <= until:
                    rows.append(
                        {
                            "sponsorship": record["code"],
                            "beneficiary": record["beneficiary"],
                            "sponsor": record["sponsor"],
                            "programme": record["programme"],
                            "side": side,
                            "due": row["due"],
                            "amount_vnd": left,
                            "overdue": row["due"] < today,
                        }
                    )
    return sorted(rows, key=lambda row: (not row["overdue"], row["due"], row["sponsorship"]))


# --- writing -------------------------------------------------------------------------------


def _check_period(per: str, pay_out: str | None) -> tuple[str, str]:
    if per not in PERIOD_MONTHS:
        raise InputError(_("--per must be month, quarter or year"))
    pay_out = pay_out or PAY_OUT_OF_PERIOD[per]
    if pay_out not in PAY_OUT_MONTHS:
        raise InputError(_("--pay-out must be monthly, quarterly or yearly"))
    return per, pay_out


def add(
    ledger: Ledger,
    *,
    to: str,
    amount: str | int,
    per: str,
    officer: str,
    donor: str | None = None,
    start: str | None = None,
    end: str | None = None,
    pay_out: str | None = None,
    programme: str | None = None,
    note: str | None = None,
    today: dt.date | None = None,
    record_id: str | None = None,
) -> dict:
    """Record a commitment to pay beneficiary `to` `amount` per `per`; returns it with its
    figures. What needs no database is checked before the ledger is opened. `record_id` keeps
    an id made elsewhere (the sample's)."""
    today = today or dt.date.today()
    amount_vnd = parse_amount(amount, "amount")
    per, pay_out = _check_period(per, pay_out)
    first = parse_month(start, "--start") if start else today.replace(day=1)
    last = parse_month(end, "--end") if end else None
    if last is not None and last < first:
        raise InputError(_("--end is before --start; the last month must be on or after the first"))
    note = optional_text(note, "note") if note else None
    from heartlink import beneficiaries, donors
    from heartlink.catalogue import get_programme

    with ledger.write() as conn:
        row = {
            "id": record_id or ids.new_id(),
            "beneficiary_id": beneficiaries.resolve_active(conn, to),
            "donor_id": donors.resolve_active(conn, donor) if donor else None,
            "programme": get_programme(conn, programme or DEFAULT_PROGRAMME)["slug"],
            "amount_vnd": amount_vnd,
            "per": per,
            "pay_out": pay_out,
            "start_month": first.isoformat()[:7],
            "end_month": last and last.isoformat()[:7],
            "note": note,
            "officer": officer,
            "created_at": utc_now(),
        }
        _refuse_closed_years(conn, Terms(amount_vnd, per, pay_out, first, last and month_end(last)))
        _insert(conn, "sponsorship", row)
        audit.append(conn, audit.SPONSORSHIP_ADD, officer=officer, target=row["id"], after=row)
        return show(conn, row["id"], today)


def _refuse_closed_years(
    conn: sqlite3.Connection, terms: Terms, since: dt.date | None = None, *, after: bool = False
) -> None:
    """Refuse a commitment that would move a closed year's report: one adding, changing or
    cancelling an instalment due in a closed year (from `since` on, or `after` it; every
    instalment without it)."""
    from heartlink import closing

    closed = closing.closed_years(conn)
    for instalment in instalments(terms):
        if not closed or instalment.due.year > max(closed):
            return
        touched = since is None or instalment.due > since or (not after and instalment.due == since)
        if touched and instalment.due.year in closed:
            raise closing.YearClosed(closing.refusal(instalment.due.year))


def _insert(conn: sqlite3.Connection, table: str, row: dict) -> None:
    """One row of the append-only sponsorship tables, its columns named by `row`'s keys."""
    conn.execute(
        f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + key for key in row)})",
        row,
    )


def _add_change(
    conn: sqlite3.Connection, sponsorship_id: str, action: str, officer: str, **values: object
) -> None:
    row = {
        "id": ids.new_id(),
        "sponsorship_id": sponsorship_id,
        **values,
        "officer": officer,
        "created_at": utc_now(),
    }
    _insert(conn, "sponsorship_change", row)
    audit.append(conn, action, officer=officer, target=row["id"], after=row)


def _not_ended(conn: sqlite3.Connection, sponsorship_id: str) -> Terms:
    terms = terms_of(_one(conn, sponsorship_id), _changes(conn, sponsorship_id))
    if any(change["change"] == "end" for change in _changes(conn, sponsorship_id)):
        raise HeartlinkError(
            _("sponsorship {code} has ended; nothing more can change in it").format(
                code=ids.short_code(sponsorship_id)
            )
        )
    return terms


def end(
    ledger: Ledger,
    ref: str,
    *,
    date: str,
    reason: str,
    officer: str,
    today: dt.date | None = None,
) -> dict:
    """End a sponsorship on `date`: the instalments due after it are cancelled, its history
    kept."""
    today = today or dt.date.today()
    on = parse_date(date, today, allow_future=True)
    reason = require_text(reason, "reason")
    with ledger.write() as conn:
        sponsorship_id = resolve(conn, ref)
        terms = _not_ended(conn, sponsorship_id)
        if on < terms.start:
            raise InputError(
                _("--date is before the sponsorship starts ({start}); give a later date").format(
                    start=terms.start.isoformat()
                )
            )
        _refuse_closed_years(conn, terms, on, after=True)
        _add_change(
            conn,
            sponsorship_id,
            audit.SPONSORSHIP_END,
            officer,
            change="end",
            end_date=on.isoformat(),
            reason=reason,
        )
        return show(conn, sponsorship_id, today)


def change(
    ledger: Ledger,
    ref: str,
    *,
    amount: str | int,
    from_date: str,
    officer: str,
    today: dt.date | None = None,
) -> dict:
    """A new amount per period from `from_date` on; what fell due before stays as it was."""
    today = today or dt.date.today()
    amount_vnd = parse_amount(amount, "amount")
    since = parse_date(from_date, today, allow_future=True)
    with ledger.write() as conn:
        sponsorship_id = resolve(conn, ref)
        terms = _not_ended(conn, sponsorship_id)
        if since < terms.start:
            raise InputError(
                _(
                    "--from-date is before the sponsorship starts ({start}); give a later date"
                ).format(start=terms.start.isoformat())
            )
        if terms.end is not None and since > terms.end:
            raise InputError(
                _(
                    "--from-date is after the sponsorship ends ({end}); nothing falls due then,"
                    " give an earlier date"
                ).format(end=terms.end.isoformat())
            )
        _refuse_closed_years(conn, terms, since)
        _add_change(
            conn,
            sponsorship_id,
            audit.SPONSORSHIP_CHANGE,
            officer,
            change="amount",
            from_date=since.isoformat(),
            amount_vnd=amount_vnd,
        )
        return show(conn, sponsorship_id, today)


# --- linking payments ------------------------------------------------------------------------

Finish = Callable[[sqlite3.Connection, dict], dict]


def active_for(conn: sqlite3.Connection, beneficiary_id: str, on: str) -> list[str]:
    """The sponsorships of a beneficiary still running on `on` (one indexed query)."""
    found = conn.execute(
        "SELECT s.id FROM sponsorship s WHERE s.beneficiary_id = ?"
        " AND (s.end_month IS NULL OR s.end_month >= substr(?, 1, 7))"
        " AND NOT EXISTS (SELECT 1 FROM sponsorship_change c WHERE c.sponsorship_id = s.id"
        " AND c.change = 'end' AND c.end_date < ?) LIMIT 2",
        (beneficiary_id, on, on),
    )
    return [row[0] for row in found]


def _programme_of(row: dict, sponsorship: dict, programme_given: bool) -> None:
    """A linked payment is in its sponsorship's programme."""
    if programme_given and row["programme"] != sponsorship["programme"]:
        raise InputError(
            _("--programme differs from sponsorship {code}'s ({programme}); leave it out").format(
                code=ids.short_code(sponsorship["id"]), programme=sponsorship["programme"]
            )
        )
    row["programme"] = sponsorship["programme"]


def _held(conn: sqlite3.Connection, sponsorship_id: str) -> int:
    sides = _payments(conn, sponsorship_id).get(sponsorship_id, {"in": [], "out": []})
    return sum(p.amount_vnd for p in sides["in"]) - sum(p.amount_vnd for p in sides["out"])


def pay_out(
    conn: sqlite3.Connection,
    row: dict,
    ref: str | None,
    *,
    advance: bool,
    officer: str,
    programme_given: bool,
) -> Finish | None:
    """For a handout being recorded (its checked row): the sponsorship it pays, given by `ref`
    or, for cash to a beneficiary with exactly one running sponsorship, found by itself. Sets
    the row's programme to the sponsorship's, refuses paying out more than a donor's payments
    hold unless `advance`, and returns what links the handout once it is recorded (None: no
    sponsorship)."""
    code = None
    if ref is not None:
        if row["kind"] != CASH:
            raise InputError(_("--sponsorship is for cash handouts; record the kind cash"))
        if row["beneficiary_id"] is None:
            raise InputError(_("--sponsorship needs the beneficiary it pays (--to)"))
        sponsorship_id = resolve(conn, ref)
    elif row["kind"] == CASH and row["beneficiary_id"] is not None:
        running = active_for(conn, row["beneficiary_id"], row["date"])
        sponsorship_id = running[0] if len(running) == 1 else None
    else:
        running, sponsorship_id = [], None
    if sponsorship_id is None:
        if advance:
            raise InputError(
                _("--advance is for a pay-out on a donor's sponsorship (--sponsorship)")
            )
        if len(running) > 1:
            # Which one it pays is the officer's to say: recorded unlinked, and said so.
            codes = [ids.short_code(found) for found in running]
            return lambda conn, entry: entry | {"unlinked_sponsorships": codes}
        return None
    sponsorship = _one(conn, sponsorship_id)
    code = ids.short_code(sponsorship_id)
    if sponsorship["beneficiary_id"] != row["beneficiary_id"]:
        raise InputError(
            _(
                "sponsorship {code} is for another beneficiary; see `heartlink sponsorship list`"
            ).format(code=code)
        )
    _programme_of(row, sponsorship, programme_given)
    advance_vnd = 0
    if sponsorship["donor_id"] is None:
        if advance:
            raise InputError(
                _(
                    "--advance is for a donor's sponsorship; the station pays {code} from its funds"
                ).format(code=code)
            )
    else:
        held = _held(conn, sponsorship_id)
        if row["count"] > held:
            if not advance:
                raise HeartlinkError(
                    _(
                        "paying out more than sponsorship {code} holds from its donor ({held} VND);"
                        " record what the donor paid (`heartlink receive cash --sponsorship "
                        "{code}`) first, or give --advance if the station advances the money"
                    ).format(code=code, held=f"{max(held, 0):,}")
                )
            advance_vnd = row["count"] - max(held, 0)

    def finish(conn: sqlite3.Connection, entry: dict) -> dict:
        _link(conn, sponsorship_id, officer, handout_id=entry["id"], advance_vnd=advance_vnd)
        return entry | {
            "sponsorship": code,
            "sponsorship_found": ref is None,
            "advance_vnd": advance_vnd,
        }

    return finish


def receive_for(
    conn: sqlite3.Connection, row: dict, ref: str, *, officer: str, programme_given: bool
) -> Finish:
    """For a donation being recorded (its checked row): checks that it is cash from the
    sponsorship's donor, puts it in the sponsorship's programme, and returns what links it
    once it is recorded."""
    sponsorship_id = resolve(conn, ref)
    sponsorship = _one(conn, sponsorship_id)
    code = ids.short_code(sponsorship_id)
    if row["kind"] != CASH:
        raise InputError(_("--sponsorship is for money received; receive the kind cash"))
    if sponsorship["donor_id"] is None:
        raise InputError(
            _("the station itself pays sponsorship {code}; no donor pays into it").format(code=code)
        )
    if row["donor_id"] != sponsorship["donor_id"]:
        raise InputError(
            _("sponsorship {code} is pledged by another donor; give its donor with --from").format(
                code=code
            )
        )
    _programme_of(row, sponsorship, programme_given)

    def finish(conn: sqlite3.Connection, entry: dict) -> dict:
        _link(conn, sponsorship_id, officer, donation_id=entry["id"])
        return entry | {"sponsorship": code}

    return finish


def _link(
    conn: sqlite3.Connection,
    sponsorship_id: str,
    officer: str,
    *,
    handout_id: str | None = None,
    donation_id: str | None = None,
    advance_vnd: int = 0,
) -> None:
    row = {
        "entry_id": handout_id or donation_id,
        "handout_id": handout_id,
        "donation_id": donation_id,
        "sponsorship_id": sponsorship_id,
        "advance_vnd": advance_vnd,
        "officer": officer,
        "created_at": utc_now(),
    }
    _insert(conn, "sponsorship_payment", row)
    audit.append(conn, audit.SPONSORSHIP_LINK, officer=officer, target=row["entry_id"], after=row)


def link_handouts(ledger: Ledger, ref: str, handout_ids: Iterable[str], *, officer: str) -> int:
    """Link cash handouts already recorded (the sample's pay-outs) to a sponsorship, each as
    `record --sponsorship` would have; returns how many."""
    from heartlink import handouts

    linked = 0
    with ledger.write() as conn:
        for handout_id in handout_ids:
            entry = handouts.get(conn, handout_id)
            finish = pay_out(
                conn, dict(entry), ref, advance=False, officer=officer, programme_given=False
            )
            assert finish is not None
            finish(conn, entry)
            linked += 1
    return linked


# --- yearly figures and the identities ---------------------------------------------------------


def of_year(conn: sqlite3.Connection, year: int, today: dt.date | None = None) -> list[dict]:
    """Per programme, the sponsorships running in YEAR: how many, committed (the instalments
    due in the year), received and paid out in the year, held and overdue at its end (or
    today, for this year). No beneficiary is named. Empty when none ran."""
    today = today or dt.date.today()
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    cutoff = min(last, today)
    programmes: dict[str, dict] = {}
    for record in sponsorships(conn, cutoff):
        terms = record["schedule_out"].instalments
        start = dt.date.fromisoformat(record["start"] + "-01")
        if start > last or (record["end"] is not None and record["end"] < first):
            continue
        station = record["sponsor"] == STATION
        sides = _payments(conn, record["id"]).get(record["id"], {"in": [], "out": []})
        paid_out = [p for p in sides["out"] if p.date <= cutoff]
        received = paid_out if station else [p for p in sides["in"] if p.date <= cutoff]
        figures_then = figures(
            terms_of(_one(conn, record["id"]), _changes(conn, record["id"])),
            received,
            paid_out,
            cutoff,
            station=station,
        )
        total = programmes.setdefault(
            record["programme"],
            {
                "programme": record["programme"],
                "sponsorships": 0,
                "committed_vnd": 0,
                "received_vnd": 0,
                "paid_out_vnd": 0,
                "held_vnd": 0,
                "overdue_vnd": 0,
            },
        )
        total["sponsorships"] += 1
        total["committed_vnd"] += sum(
            row["amount_vnd"] for row in terms if first <= row["due"] <= last
        )
        total["received_vnd"] += sum(p.amount_vnd for p in received if p.date >= first)
        total["paid_out_vnd"] += sum(p.amount_vnd for p in paid_out if p.date >= first)
        total["held_vnd"] += figures_then["held_vnd"]
        total["overdue_vnd"] += figures_then["overdue_vnd"] + (
            0 if station else figures_then["sponsor_overdue_vnd"]
        )
    order = {slug: n for n, (slug,) in enumerate(conn.execute("SELECT slug FROM programme"))}
    return sorted(programmes.values(), key=lambda row: order.get(row["programme"], len(order)))


def section(conn: sqlite3.Connection, year: int) -> dict:
    """{"sponsorships": of_year's rows} for a report or a statement, {} in a year when none ran
    (so that their other keys stay as they were)."""
    found = of_year(conn, year)
    return {"sponsorships": found} if found else {}


def verify(conn: sqlite3.Connection, today: dt.date | None = None) -> tuple[list[dict], list[dict]]:
    """The identities of every sponsorship: (broken, warnings), findings {"kind":
    "sponsorship", "target": its code, "detail"}. Broken: a payment linked that is not cash to
    its beneficiary (or from its donor), received or paid out that differ from the linked
    entries, an allocation that loses or makes money, pledged − received ≠ owed or received −
    paid out ≠ held. Warnings: paid out beyond what was received and advanced (a donation
    voided after its money was passed on). Reads only."""
    today = today or dt.date.today()
    broken: list[dict] = []
    warnings: list[dict] = []

    def found(into: list, code: str, detail: str) -> None:
        into.append({"kind": "sponsorship", "target": code, "detail": detail})

    owners = {
        row["id"]: row
        for row in _rows(conn, "SELECT id, beneficiary_id, donor_id FROM sponsorship")
    }
    for link in _rows(
        conn,
        """SELECT p.sponsorship_id, p.entry_id, 'handout' AS entry, h.kind,
                  h.beneficiary_id AS party, h.count, h.voided_at
           FROM sponsorship_payment p JOIN handout h ON h.id = p.handout_id
           UNION ALL
           SELECT p.sponsorship_id, p.entry_id, 'donation', d.kind, d.donor_id, d.count,
                  d.voided_at
           FROM sponsorship_payment p JOIN donation d ON d.id = p.donation_id""",
    ):
        owner = owners.get(link["sponsorship_id"])
        code = ids.short_code(link["sponsorship_id"])
        expected = owner and owner["beneficiary_id" if link["entry"] == "handout" else "donor_id"]
        if link["kind"] != CASH or expected is None or link["party"] != expected:
            found(
                broken,
                code,
                (
                    _("handout {entry} is linked to it but is not cash to its beneficiary")
                    if link["entry"] == "handout"
                    else _("donation {entry} is linked to it but is not cash from its donor")
                ).format(entry=ids.short_code(link["entry_id"])),
            )
    sums: dict[tuple[str, str], int] = {}
    for row in _rows(
        conn,
        f"SELECT sponsorship_id, side, sum(amount_vnd) AS total FROM ({_PAYMENTS.format(where='')})"
        " GROUP BY sponsorship_id, side",
    ):
        sums[(row["sponsorship_id"], row["side"])] = row["total"]
    for record in sponsorships(conn, today):
        code, station = record["code"], record["sponsor"] == STATION
        paid_out = sums.get((record["id"], "out"), 0)
        received = paid_out if station else sums.get((record["id"], "in"), 0)
        if (record["received_vnd"], record["paid_out_vnd"]) != (received, paid_out):
            found(
                broken,
                code,
                _(
                    "received {received} and paid out {paid_out} differ from the linked"
                    " entries ({linked_received}, {linked_paid_out})"
                ).format(
                    received=f"{record['received_vnd']:,}",
                    paid_out=f"{record['paid_out_vnd']:,}",
                    linked_received=f"{received:,}",
                    linked_paid_out=f"{paid_out:,}",
                ),
            )
        for side, allocation, total in (
            (N_("received"), record["schedule_in"], received),
            (N_("paid out"), record["schedule_out"], paid_out),
        ):
            allocated = sum(row["paid_vnd"] for row in allocation.instalments)
            if allocated + allocation.credit_vnd != total:
                found(
                    broken,
                    code,
                    _(
                        "the instalments' {side} amounts ({allocated}) and the unallocated"
                        " credit ({credit}) do not add up to the linked payments ({total})"
                    ).format(
                        side=_(side),
                        allocated=f"{allocated:,}",
                        credit=f"{allocation.credit_vnd:,}",
                        total=f"{total:,}",
                    ),
                )
        if record["pledged_vnd"] - record["received_vnd"] != record["owed_vnd"]:
            found(broken, code, _("pledged − received is not what the sponsor owes"))
        if record["received_vnd"] - record["paid_out_vnd"] != record["held_vnd"]:
            found(broken, code, _("received − paid out is not what is held"))
        if not station and record["held_vnd"] + record["advanced_vnd"] < 0:
            found(
                warnings,
                code,
                _(
                    "paid out {beyond} VND more than its donor paid, of which {advanced}"
                    " recorded as advanced; record the donor's payment, or void the pay-out"
                    " recorded by mistake"
                ).format(beyond=f"{-record['held_vnd']:,}", advanced=f"{record['advanced_vnd']:,}"),
            )
    return broken, warnings
