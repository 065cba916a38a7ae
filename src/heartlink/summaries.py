"""Yearly totals kept up to date on every write, so that a report reads a few dozen rows
whatever the size of the ledger.

Two tables (migration 0006), derived from the handouts and never written by hand:

- `year_summary(year, kind, programme, count, handouts, anonymous, value_vnd, valued, people)`:
  the handouts not voided, per year at four levels: per kind and programme, per kind
  (programme ''), per programme (kind '') and the whole year (both ''). `value_vnd` sums the
  values known and `valued` counts them (no value known: `valued` 0); `people` counts distinct
  named beneficiaries. A level with no handout left has no row.
- `year_recipients(year, beneficiary_id, kind, programme, handouts)`: who received what in a
  year, so that a new handout knows whether it adds a person to a level, and a voided one
  whether it takes one away. Anonymous handouts have no row.

Triggers on `handout` (AFTER INSERT, AFTER UPDATE OF voided_at) keep both: handouts are only
ever inserted or voided once, so these two are the whole upkeep. An import of many rows drops
them inside its own transaction (`DeferredTotals`), inserts, re-creates them and recomputes
the years it touched, which is cheaper than a trigger per row; `heartlink check` compares both
tables with a recomputation.
"""

import sqlite3
from collections.abc import Iterable

SUMMARY = "year_summary"
RECIPIENTS = "year_recipients"

TABLES = f"""
CREATE TABLE {SUMMARY} (
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    programme TEXT NOT NULL,
    count INTEGER NOT NULL,
    handouts INTEGER NOT NULL,
    anonymous INTEGER NOT NULL,
    value_vnd INTEGER NOT NULL,
    valued INTEGER NOT NULL,
    people INTEGER NOT NULL,
    PRIMARY KEY (year, kind, programme)
) WITHOUT ROWID;

CREATE TABLE {RECIPIENTS} (
    year INTEGER NOT NULL,
    beneficiary_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    programme TEXT NOT NULL,
    handouts INTEGER NOT NULL,
    PRIMARY KEY (year, beneficiary_id, kind, programme)
) WITHOUT ROWID
"""

# Whether the named beneficiary of handout H has (still) a recipient row at the level of
# `{kind}` and `{programme}` ('' at a level that spans them all).
_RECEIVED = f"""EXISTS (
    SELECT 1 FROM {RECIPIENTS} r
    WHERE r.year = {{h}}.year AND r.beneficiary_id = {{h}}.beneficiary_id
      AND {{kind}} IN ('', r.kind) AND {{programme}} IN ('', r.programme))"""

ADDED_TRIGGER = f"""
CREATE TRIGGER handout_summary_added AFTER INSERT ON handout
WHEN NEW.voided_at IS NULL
BEGIN
    INSERT INTO {SUMMARY}
        (year, kind, programme, count, handouts, anonymous, value_vnd, valued, people)
    SELECT NEW.year, g.kind, g.programme, NEW.count, 1, NEW.beneficiary_id IS NULL,
           coalesce(NEW.value_vnd, 0), NEW.value_vnd IS NOT NULL,
           NEW.beneficiary_id IS NOT NULL AND NOT {
    _RECEIVED.format(h="NEW", kind="g.kind", programme="g.programme")
}
    FROM (SELECT NEW.kind AS kind, NEW.programme AS programme
          UNION ALL SELECT NEW.kind, '' UNION ALL SELECT '', NEW.programme
          UNION ALL SELECT '', '') AS g
    WHERE true
    ON CONFLICT (year, kind, programme) DO UPDATE SET
        count = count + excluded.count,
        handouts = handouts + 1,
        anonymous = anonymous + excluded.anonymous,
        value_vnd = value_vnd + excluded.value_vnd,
        valued = valued + excluded.valued,
        people = people + excluded.people;

    INSERT INTO {RECIPIENTS} (year, beneficiary_id, kind, programme, handouts)
    SELECT NEW.year, NEW.beneficiary_id, NEW.kind, NEW.programme, 1
    WHERE NEW.beneficiary_id IS NOT NULL
    ON CONFLICT (year, beneficiary_id, kind, programme) DO UPDATE SET handouts = handouts + 1;
END
"""

VOIDED_TRIGGER = f"""
CREATE TRIGGER handout_summary_voided AFTER UPDATE OF voided_at ON handout
WHEN OLD.voided_at IS NULL AND NEW.voided_at IS NOT NULL
BEGIN
    UPDATE {RECIPIENTS} SET handouts = handouts - 1
    WHERE year = OLD.year AND beneficiary_id = OLD.beneficiary_id
      AND kind = OLD.kind AND programme = OLD.programme;

    DELETE FROM {RECIPIENTS}
    WHERE year = OLD.year AND beneficiary_id = OLD.beneficiary_id
      AND kind = OLD.kind AND programme = OLD.programme AND handouts <= 0;

    UPDATE {SUMMARY} SET
        count = count - OLD.count,
        handouts = handouts - 1,
        anonymous = anonymous - (OLD.beneficiary_id IS NULL),
        value_vnd = value_vnd - coalesce(OLD.value_vnd, 0),
        valued = valued - (OLD.value_vnd IS NOT NULL),
        people = people - (OLD.beneficiary_id IS NOT NULL AND NOT {
    _RECEIVED.format(h="OLD", kind=f"{SUMMARY}.kind", programme=f"{SUMMARY}.programme")
})
    WHERE year = OLD.year AND kind IN (OLD.kind, '') AND programme IN (OLD.programme, '');

    DELETE FROM {SUMMARY}
    WHERE year = OLD.year AND kind IN (OLD.kind, '') AND programme IN (OLD.programme, '')
      AND handouts <= 0;
END
"""


def _years_filter(years: Iterable[int] | None) -> tuple[str, dict[str, int]]:
    """A condition on `year` and its named parameters (named, so that a query may use the
    condition several times)."""
    if years is None:
        return "1", {}
    chosen = {f"year{number}": year for number, year in enumerate(sorted(set(years)))}
    return f"year IN ({', '.join(':' + name for name in chosen)})", chosen


def _recipients_query(where: str) -> str:
    return (
        "SELECT year, beneficiary_id, kind, programme, COUNT(*) AS handouts"
        " FROM handout INDEXED BY handout_year_totals"
        f" WHERE {where} AND voided_at IS NULL AND beneficiary_id IS NOT NULL"
        " GROUP BY year, beneficiary_id, kind, programme"
    )


def _summary_query(where: str) -> str:
    """year_summary's rows computed from the handouts (the totals) and from year_recipients
    (the people)."""
    figures = (
        "SUM(count) AS count, SUM(handouts) AS handouts, SUM(anonymous) AS anonymous,"
        " SUM(value_vnd) AS value_vnd, SUM(valued) AS valued"
    )
    return f"""
WITH totals AS (
    SELECT year, kind, programme, SUM(count) AS count, COUNT(*) AS handouts,
           SUM(beneficiary_id IS NULL) AS anonymous, coalesce(SUM(value_vnd), 0) AS value_vnd,
           COUNT(value_vnd) AS valued
    FROM handout INDEXED BY handout_year_totals
    WHERE {where} AND voided_at IS NULL
    GROUP BY year, kind, programme
), levels AS (
    SELECT * FROM totals
    UNION ALL SELECT year, kind, '', {figures} FROM totals GROUP BY year, kind
    UNION ALL SELECT year, '', programme, {figures} FROM totals GROUP BY year, programme
    UNION ALL SELECT year, '', '', {figures} FROM totals GROUP BY year
), people AS (
    SELECT year, kind, programme, COUNT(*) AS people FROM {RECIPIENTS} r
    WHERE {where} GROUP BY year, kind, programme
    UNION ALL SELECT year, kind, '', COUNT(DISTINCT beneficiary_id) FROM {RECIPIENTS} r
    WHERE {where} GROUP BY year, kind
    UNION ALL SELECT year, '', programme, COUNT(DISTINCT beneficiary_id) FROM {RECIPIENTS} r
    WHERE {where} GROUP BY year, programme
    UNION ALL SELECT year, '', '', COUNT(DISTINCT beneficiary_id) FROM {RECIPIENTS} r
    WHERE {where} GROUP BY year
)
SELECT l.year, l.kind, l.programme, l.count, l.handouts, l.anonymous, l.value_vnd, l.valued,
       coalesce(p.people, 0) AS people
FROM levels l LEFT JOIN people p USING (year, kind, programme)"""


# The money's yearly totals (migration 0008), kept by their own triggers row by row: what each
# table holds, recomputed from the entries that count.
MONEY_TOTALS = {
    "donation_year": """SELECT year, programme, kind, COUNT(*), SUM(count),
        coalesce(SUM(value_vnd), 0), COUNT(value_vnd)
        FROM donation WHERE voided_at IS NULL AND {where} GROUP BY year, programme, kind""",
    "spending_year": """SELECT year, programme, coalesce(buys_kind, ''), COUNT(*),
        SUM(amount_vnd), coalesce(SUM(quantity), 0)
        FROM spending WHERE voided_at IS NULL AND {where}
        GROUP BY year, programme, coalesce(buys_kind, '')""",
}


# Merged stations' totals (migration 0013): year_summary's levels per station, for the
# handouts that carry a station. Written only when a merge (or a rebuild) recomputes them:
# nothing else adds or voids a merged station's handouts.
STATIONS = "station_year"
_STATION_LEVELS = (
    ("kind", "programme", ", kind, programme"),
    ("kind", "''", ", kind"),
    ("''", "programme", ", programme"),
    ("''", "''", ""),
)


def _stations_query(where: str) -> str:
    figures = (
        "SUM(count), COUNT(*), SUM(beneficiary_id IS NULL), coalesce(SUM(value_vnd), 0),"
        " COUNT(value_vnd), COUNT(DISTINCT beneficiary_id)"
    )
    rows = f"FROM handout WHERE station_id IS NOT NULL AND voided_at IS NULL AND {where}"
    return " UNION ALL ".join(
        f"SELECT station_id, year, {kind}, {programme}, {figures} {rows}"
        f" GROUP BY station_id, year{grouping}"
        for kind, programme, grouping in _STATION_LEVELS
    )


def rebuild_stations(conn: sqlite3.Connection, pairs: Iterable[tuple[str, int]]) -> None:
    """Recompute station_year for each (station id, year) of `pairs`, inside the caller's
    write transaction (a merge, for what it added or voided)."""
    where = "station_id = :station AND year = :year"
    for station_id, year in sorted(set(pairs)):
        chosen = {"station": station_id, "year": year}
        conn.execute(f"DELETE FROM {STATIONS} WHERE {where}", chosen)
        conn.execute(f"INSERT INTO {STATIONS} {_stations_query(where)}", chosen)


def rebuild(conn: sqlite3.Connection, years: Iterable[int] | None = None) -> None:
    """Recompute the handouts' two tables and the money's totals from the entries, for
    `years` (all years when None). Inside the caller's write transaction."""
    where, params = _years_filter(years)
    conn.execute(f"DELETE FROM {SUMMARY} WHERE {where}", params)
    conn.execute(f"DELETE FROM {RECIPIENTS} WHERE {where}", params)
    conn.execute(f"INSERT INTO {RECIPIENTS} {_recipients_query(where)}", params)
    conn.execute(f"INSERT INTO {SUMMARY} {_summary_query(where)}", params)
    for table, query in MONEY_TOTALS.items():
        conn.execute(f"DELETE FROM {table} WHERE {where}", params)
        conn.execute(f"INSERT INTO {table} {query.format(where=where)}", params)
    conn.execute(f"DELETE FROM {STATIONS} WHERE {where}", params)
    conn.execute(f"INSERT INTO {STATIONS} {_stations_query(where)}", params)


def differences(conn: sqlite3.Connection) -> int:
    """How many rows of the yearly totals (the handouts' two tables, the money's two) differ
    from a recomputation (0 when they agree). Reads only."""
    stored = conn.execute(f"SELECT COUNT(*) FROM {RECIPIENTS}").fetchone()[0]
    expected, missing = conn.execute(
        "SELECT COUNT(*), coalesce(SUM(NOT EXISTS ("
        f"  SELECT 1 FROM {RECIPIENTS} r WHERE r.year = e.year"
        "   AND r.beneficiary_id = e.beneficiary_id AND r.kind = e.kind"
        "   AND r.programme = e.programme AND r.handouts = e.handouts)), 0)"
        f" FROM ({_recipients_query('1')}) e"
    ).fetchone()
    # Both are sets (stored rows are unique by their key, expected ones by their grouping):
    # the stored rows that match none expected are those left once the matches are taken.
    wrong = missing + stored - (expected - missing)
    # The summary has a few rows per year and kind: compared in memory. Its people come from
    # the stored recipients, just checked.
    kept = set(conn.execute(f"SELECT * FROM {SUMMARY}"))
    computed = set(conn.execute(_summary_query("1")))
    wrong += len(kept ^ computed)
    # The merged stations' totals: a few rows per station, year and kind, in memory too.
    wrong += len(
        set(conn.execute(f"SELECT * FROM {STATIONS}")) ^ set(conn.execute(_stations_query("1")))
    )
    # The money's totals: a few rows per year and programme, compared in memory too.
    for table, query in MONEY_TOTALS.items():
        stored_rows = set(conn.execute(f"SELECT * FROM {table}"))
        expected_rows = set(conn.execute(query.format(where="1")))
        # A row is wrong once: stored but not as computed, or computed and not stored at all.
        stored_keys = {row[:3] for row in stored_rows}
        wrong += len(stored_rows - expected_rows)
        wrong += sum(row[:3] not in stored_keys for row in expected_rows)
    return wrong


# An import switches to bulk mode once it has inserted this many rows: below it, the triggers
# cost less than recomputing a year that may hold a million handouts.
BULK_AFTER = 5_000
TRIGGERS = ("handout_summary_added", "handout_summary_voided")


class DeferredTotals:
    """The summary upkeep of one import, inside its write transaction.

    Call `adding(n)` before inserting n rows: past BULK_AFTER rows it drops the two triggers
    for the rest of the transaction (a trigger costs each insert about 8 µs even when it does
    nothing); `finish()` re-creates them from the SQL they had and recomputes every year that
    received rows. Schema changes are part of the transaction: if it fails, its rollback
    brings the triggers back with everything else, and no other connection ever sees the
    ledger without them.
    """

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.added = 0
        self.since_rowid: int | None = None
        self.triggers: list[str] = []

    def adding(self, rows: int) -> None:
        self.added += rows
        if self.since_rowid is None and self.added > BULK_AFTER:
            self.start()

    def start(self) -> None:
        last = self.conn.execute("SELECT max(rowid) FROM handout").fetchone()[0]
        self.since_rowid = last or 0
        marks = ", ".join("?" for _ in TRIGGERS)
        found = self.conn.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
            TRIGGERS,
        ).fetchall()
        for name, _sql in found:
            self.conn.execute(f"DROP TRIGGER {name}")
        self.triggers = [sql for _name, sql in found]

    def finish(self) -> None:
        if self.since_rowid is None:
            return
        for sql in self.triggers:
            self.conn.execute(sql)
        # Rows inserted since bulk mode began have the greater rowids (the handout table only
        # ever grows), so their years are found without reading the rest.
        years = [
            row[0]
            for row in self.conn.execute(
                "SELECT DISTINCT year FROM handout WHERE rowid > ?", (self.since_rowid,)
            )
        ]
        rebuild(self.conn, years)
        self.since_rowid, self.triggers = None, []
