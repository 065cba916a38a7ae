"""What makes a file a sound heartlink database: SQLite's integrity and foreign keys, and the
totals fingerprint a copy must reproduce. Used by backup, restore and the health check; reads only.
"""

import sqlite3

from heartlink.errors import DatabaseError


def fingerprint(conn: sqlite3.Connection) -> dict:
    """What a backup must reproduce: row counts, and per year and kind the count, number of
    handouts and value of the handouts not voided."""
    return census(conn)[0]


def census(conn: sqlite3.Connection) -> tuple[dict, set[tuple[str, str]]]:
    """The fingerprint, and the (kind, programme) pairs the handouts use, voided or not.

    The voided count, the totals and the pairs come from one pass over the covering index
    handout_year_totals, grouped in its own order (year, kind, programme), so without sorting;
    a year and kind whose handouts are all voided has no totals.
    """
    rows = {
        table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("beneficiary", "handout", "kind", "programme")
    }
    rows["voided"] = 0
    pairs: set[tuple[str, str]] = set()
    years: dict[str, dict[str, list[int]]] = {}
    for year, kind, programme, handouts, voided, count, value in conn.execute(
        "SELECT year, kind, programme, COUNT(*), COUNT(voided_at),"
        " SUM(count) FILTER (WHERE voided_at IS NULL),"
        " SUM(value_vnd) FILTER (WHERE voided_at IS NULL)"
        " FROM handout INDEXED BY handout_year_totals GROUP BY year, kind, programme"
    ):
        rows["voided"] += voided
        pairs.add((kind, programme))
        if handouts > voided:
            totals = years.setdefault(str(year), {}).setdefault(kind, [0, 0, 0])
            totals[0] += count
            totals[1] += handouts - voided
            totals[2] += value or 0
    return {"rows": rows, "totals": years}, pairs


def check_sound(conn: sqlite3.Connection, what: str) -> None:
    """integrity_check and foreign_key_check, or a DatabaseError naming `what`."""
    check_integrity(conn, what)
    check_foreign_keys(conn, what)


def check_integrity(conn: sqlite3.Connection, what: str) -> None:
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        raise _unreadable(what, exc) from None
    if problems != ["ok"]:
        # SQLite's report can span lines; an error stays one line.
        first = " ".join(problems[0].replace("***", "").split())[:200]
        raise DatabaseError(
            f"{what} is damaged (integrity check: {first}"
            f"{f' and {len(problems) - 1} more' if len(problems) > 1 else ''})"
        )


def check_foreign_keys(
    conn: sqlite3.Connection, what: str, pairs: set[tuple[str, str]] | None = None
) -> None:
    """foreign_key_check; `pairs`, from `census` after `check_integrity` passed on this
    snapshot, lets handout be checked by its distinct keys (see `orphans`)."""
    try:
        found = orphans(conn, pairs)
    except sqlite3.DatabaseError as exc:
        raise _unreadable(what, exc) from None
    if found:
        raise DatabaseError(
            f"{what} has {len(found)} record(s) pointing at missing records (foreign key check)"
        )


def _unreadable(what: str, exc: sqlite3.DatabaseError) -> DatabaseError:
    return DatabaseError(f"{what} is damaged or not a SQLite database ({exc})")


# handout's foreign keys as heartlink's schema declares them: (column, parent table, parent key).
HANDOUT_KEYS = {
    ("kind", "kind", "slug"),
    ("programme", "programme", "slug"),
    ("beneficiary_id", "beneficiary", "id"),
}


def orphans(conn: sqlite3.Connection, pairs: set[tuple[str, str]] | None = None) -> list:
    """The rows PRAGMA foreign_key_check reports.

    With `pairs`, handout is first checked by its distinct keys: each (kind, programme) pair and
    each beneficiary its handouts name is looked up once, instead of three look-ups for each of
    its rows (0.35 s of a backup at 1M handouts). The pairs come from the index
    handout_year_totals, the beneficiaries from handout_by_beneficiary; this is the same check
    only because integrity_check has passed on the same snapshot, which proves that every index
    holds exactly its table's rows (an entry for each, no other), so the keys read from an index
    are the table's. The PRAGMA then checks the other tables, one by one. When a key is missing
    (or handout's keys are not the ones above), the PRAGMA checks every table, handout included,
    and counts the rows pointing at missing records.
    """
    if pairs is None or not handout_keys_found(conn, pairs):
        return conn.execute("PRAGMA foreign_key_check").fetchall()
    others = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'handout'"
    ).fetchall()
    found = []
    for (table,) in others:
        quoted = '"' + table.replace('"', '""') + '"'
        found += conn.execute(f"PRAGMA foreign_key_check({quoted})").fetchall()
    return found


def handout_keys_found(conn: sqlite3.Connection, pairs: set[tuple[str, str]]) -> bool:
    """True when handout's foreign keys are heartlink's and every distinct key it holds is
    found in its parent table (see `orphans`)."""
    keys = [(row[3], row[2], row[4]) for row in conn.execute("PRAGMA foreign_key_list(handout)")]
    parents = conn.execute(
        "SELECT COUNT(*) FROM sqlite_master"
        " WHERE type = 'table' AND name IN ('kind', 'programme', 'beneficiary')"
    ).fetchone()[0]
    if len(keys) != len(HANDOUT_KEYS) or set(keys) != HANDOUT_KEYS or parents != 3:
        return False
    # Compiling the PRAGMA, without running it, checks that each parent key is a unique key
    # of its table ("foreign key mismatch" otherwise), as running it would.
    conn.execute("EXPLAIN PRAGMA foreign_key_check(handout)").close()
    for table, column, values in (
        ("kind", "slug", {kind for kind, _ in pairs}),
        ("programme", "slug", {programme for _, programme in pairs}),
    ):
        for value in values - {None}:
            if not conn.execute(f"SELECT 1 FROM {table} WHERE {column} = ?", (value,)).fetchone():
                return False
    missing = conn.execute(
        "SELECT 1 FROM (SELECT DISTINCT beneficiary_id AS id FROM handout"
        " WHERE beneficiary_id IS NOT NULL) AS named"
        " WHERE NOT EXISTS (SELECT 1 FROM beneficiary WHERE beneficiary.id = named.id) LIMIT 1"
    ).fetchone()
    return missing is None
