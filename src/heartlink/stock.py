"""Stock on hand of the kinds whose stock is tracked (tồn kho).

For a tracked kind, stock = received in kind (donations of that kind) + bought (spending
lines that buy it) − handed out (handouts of that kind), none of them voided. Which kinds are
tracked is the `stock_kind` table: a row per kind ever tracked, changed (audited), never
deleted. Stock counts every movement ever recorded, whether or not the kind was tracked then.
"""

import datetime as dt
import sqlite3

from heartlink import audit, entries
from heartlink.catalogue import get_kind
from heartlink.db import utc_now
from heartlink.errors import InputError
from heartlink.i18n import _

# Money is not goods: its balance is what `heartlink funds` shows.
UNTRACKABLE = frozenset({"cash"})

# How a line of `heartlink stock` values what is on hand.
AT_UNIT_VALUE = "unit value"
AT_AVERAGE_COST = "average of what came in"

# Every movement of one kind's stock, by date, plus for goods coming in what they were worth
# (value, and the count that value is for; NULL where not known).
_MOVEMENTS = f"""
SELECT date, count AS delta, value_vnd AS value, CASE WHEN value_vnd IS NULL THEN 0
       ELSE count END AS valued
  FROM donation WHERE kind = :kind AND {entries.counts()}
UNION ALL
SELECT date, quantity, amount_vnd, quantity
  FROM spending WHERE buys_kind = :kind AND {entries.counts()}
UNION ALL
SELECT date, -count, NULL, 0
  FROM handout WHERE kind = :kind AND {entries.counts()}
"""


def is_tracked(conn: sqlite3.Connection, kind: str) -> bool:
    row = conn.execute("SELECT tracked FROM stock_kind WHERE kind = ?", (kind,)).fetchone()
    return bool(row and row[0])


def tracked_kinds(conn: sqlite3.Connection) -> list[str]:
    """The tracked kinds' slugs, in the catalogue's order."""
    rows = conn.execute(
        "SELECT k.slug FROM kind k JOIN stock_kind s ON s.kind = k.slug AND s.tracked = 1"
        " ORDER BY k.rowid"
    )
    return [row[0] for row in rows]


def set_tracked(conn: sqlite3.Connection, kind: str, tracked: bool, *, officer: str) -> bool:
    """Track a kind's stock, or stop, inside the caller's write transaction, audited
    (STOCK_TRACK, STOCK_UNTRACK); returns whether anything changed."""
    if tracked and kind in UNTRACKABLE:
        raise InputError(
            _(
                "{kind} is money, not goods: its balance is in `heartlink funds`; track goods only"
            ).format(kind=kind)
        )
    before_row = conn.execute(
        "SELECT kind, tracked, changed_at, changed_by FROM stock_kind WHERE kind = ?", (kind,)
    ).fetchone()
    before = dict(before_row) if before_row else None
    if bool(before and before["tracked"]) == tracked:
        return False
    after = {"kind": kind, "tracked": int(tracked), "changed_at": utc_now(), "changed_by": officer}
    conn.execute(
        "INSERT INTO stock_kind (kind, tracked, changed_at, changed_by)"
        " VALUES (:kind, :tracked, :changed_at, :changed_by)"
        " ON CONFLICT (kind) DO UPDATE SET tracked = excluded.tracked,"
        " changed_at = excluded.changed_at, changed_by = excluded.changed_by",
        after,
    )
    action = audit.STOCK_TRACK if tracked else audit.STOCK_UNTRACK
    audit.append(conn, action, officer=officer, target=kind, before=before, after=after)
    return True


def on_hand(conn: sqlite3.Connection, kind: str) -> int | None:
    """A tracked kind's stock on hand now, from the yearly totals (a few indexed reads: cheap
    enough for `heartlink record` to ask after every handout); None when not tracked. (The
    handouts' yearly totals also hold roll-ups, programme '' being every programme.)"""
    if not is_tracked(conn, kind):
        return None
    (level,) = conn.execute(
        "SELECT (SELECT coalesce(sum(count), 0) FROM donation_year WHERE kind = :kind)"
        " + (SELECT coalesce(sum(quantity), 0) FROM spending_year WHERE buys_kind = :kind)"
        " - (SELECT coalesce(sum(count), 0) FROM year_summary"
        "    WHERE kind = :kind AND programme = '')",
        {"kind": kind},
    ).fetchone()
    return level


def levels(
    conn: sqlite3.Connection, *, as_of: dt.date | None = None, today: dt.date | None = None
) -> dict:
    """Per tracked kind: opening (stock at the start of the year), in (received and bought
    that year), out (handed out), on hand, and its value, at the end of `as_of` (default: now,
    in today's year, read from the yearly totals; with a date, scanned by date).

    Returns {"year", "as_of", "kinds": [{"kind", "unit", "opening", "in", "out", "on_hand",
    "value_vnd", "valued_at"}]}; valued_at says how: AT_UNIT_VALUE, AT_AVERAGE_COST, or None
    when nothing says what the kind is worth.
    """
    year = (as_of or today or dt.date.today()).year
    lines = []
    for slug in tracked_kinds(conn):
        kind = get_kind(conn, slug)
        if as_of is None:
            moved = _by_year(conn, slug, year)
        else:
            moved = _by_date(conn, slug, dt.date(year, 1, 1).isoformat(), as_of.isoformat())
        opening, came_in, went_out, value, valued = moved
        level = opening + came_in - went_out
        if kind["unit_value_vnd"] is not None:
            price, valued_at = kind["unit_value_vnd"], AT_UNIT_VALUE
        elif valued:
            price, valued_at = value / valued, AT_AVERAGE_COST
        else:
            price, valued_at = None, None
        lines.append(
            {
                "kind": slug,
                "unit": kind["unit_en"],
                "opening": opening,
                "in": came_in,
                "out": went_out,
                "on_hand": level,
                "value_vnd": None if price is None else round(max(level, 0) * price),
                "valued_at": valued_at,
            }
        )
    return {"year": year, "as_of": as_of and as_of.isoformat(), "kinds": lines}


def _by_year(conn: sqlite3.Connection, kind: str, year: int) -> tuple[int, int, int, int, int]:
    """(opening, in, out, value of what came in, count that value is for) from the yearly
    totals; the value of donations only from the years and funds where each was valued."""
    row = conn.execute(
        """
        SELECT
          (SELECT coalesce(sum(count), 0) FROM donation_year WHERE kind = :k AND year < :y)
          + (SELECT coalesce(sum(quantity), 0) FROM spending_year
             WHERE buys_kind = :k AND year < :y)
          - (SELECT coalesce(sum(count), 0) FROM year_summary
             WHERE kind = :k AND programme = '' AND year < :y),
          (SELECT coalesce(sum(count), 0) FROM donation_year WHERE kind = :k AND year = :y)
          + (SELECT coalesce(sum(quantity), 0) FROM spending_year
             WHERE buys_kind = :k AND year = :y),
          (SELECT coalesce(sum(count), 0) FROM year_summary
             WHERE kind = :k AND programme = '' AND year = :y),
          (SELECT coalesce(sum(value_vnd), 0) FROM donation_year
             WHERE kind = :k AND year <= :y AND valued = donations)
          + (SELECT coalesce(sum(amount_vnd), 0) FROM spending_year
             WHERE buys_kind = :k AND year <= :y),
          (SELECT coalesce(sum(count), 0) FROM donation_year
             WHERE kind = :k AND year <= :y AND valued = donations)
          + (SELECT coalesce(sum(quantity), 0) FROM spending_year
             WHERE buys_kind = :k AND year <= :y)
        """,
        {"k": kind, "y": year},
    ).fetchone()
    return tuple(row)  # type: ignore[return-value]


def _by_date(
    conn: sqlite3.Connection, kind: str, start: str, end: str
) -> tuple[int, int, int, int, int]:
    """The same as _by_year, scanning the entries dated up to `end` (inclusive)."""
    row = conn.execute(
        "SELECT coalesce(sum(CASE WHEN date < :start THEN delta END), 0),"
        " coalesce(sum(CASE WHEN date >= :start AND delta > 0 THEN delta END), 0),"
        " coalesce(sum(CASE WHEN date >= :start AND delta < 0 THEN -delta END), 0),"
        " coalesce(sum(value), 0), coalesce(sum(valued), 0)"
        f" FROM ({_MOVEMENTS}) WHERE date <= :end",
        {"kind": kind, "start": start, "end": end},
    ).fetchone()
    return tuple(row)  # type: ignore[return-value]


def below_zero(conn: sqlite3.Connection) -> list[dict]:
    """Every tracked kind whose stock went below zero at the end of some day: {"kind", "date"
    (the first such day), "level" (the stock that evening), "lowest", "now"}."""
    found = []
    for slug in tracked_kinds(conn):
        level, first, lowest = 0, None, 0
        days = conn.execute(
            f"SELECT date, sum(delta) FROM ({_MOVEMENTS}) GROUP BY date ORDER BY date",
            {"kind": slug},
        )
        for date, delta in days:
            level += delta
            if level < 0 and first is None:
                first = (date, level)
            lowest = min(lowest, level)
        if first is not None:
            found.append(
                {"kind": slug, "date": first[0], "level": first[1], "lowest": lowest, "now": level}
            )
    return found
