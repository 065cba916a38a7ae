"""What makes a file a sound heartlink database: SQLite's integrity and foreign keys, and the
totals fingerprint a copy must reproduce. Used by backup, restore and the health check; reads only.
"""

import functools
import re
import sqlite3
from collections.abc import Iterator

from heartlink.errors import DatabaseError
from heartlink.i18n import _


def fingerprint(conn: sqlite3.Connection) -> dict:
    """What a backup must reproduce: row counts, and per year and kind the count, number of
    handouts and value of the handouts not voided."""
    return fingerprint_and_pairs(conn)[0]


# The tables whose rows a backup must hold as many of as the database.
COUNTED = (
    "beneficiary",
    "handout",
    "kind",
    "programme",
    "donor",
    "donation",
    "spending",
    "sponsorship",
    "sponsorship_change",
    "sponsorship_payment",
    "year_closing",
    "year_reopening",
)


def fingerprint_and_pairs(conn: sqlite3.Connection) -> tuple[dict, set[tuple[str, str]]]:
    """The fingerprint, and the (kind, programme) pairs the handouts use, voided or not.

    The voided count, the totals and the pairs come from one pass over the covering index
    handout_year_totals, grouped in its own order (year, kind, programme), so without sorting;
    a year and kind whose handouts are all voided has no totals.
    """
    rows = {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in COUNTED}
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
            _("{what} is damaged (integrity check: {first}{value})").format(
                what=what,
                first=first,
                value=f" and {len(problems) - 1} more" if len(problems) > 1 else "",
            )
        )


def check_foreign_keys(
    conn: sqlite3.Connection, what: str, pairs: set[tuple[str, str]] | None = None
) -> None:
    """foreign_key_check; `pairs`, from `fingerprint_and_pairs` after `check_integrity` passed
    on this snapshot, lets handout be checked by its distinct keys (see `orphans`)."""
    try:
        found = orphans(conn, pairs)
    except sqlite3.DatabaseError as exc:
        raise _unreadable(what, exc) from None
    if found:
        raise DatabaseError(
            _(
                "{what} has {count} record(s) pointing at missing records (foreign key check)"
            ).format(what=what, count=len(found))
        )


def _unreadable(what: str, exc: sqlite3.DatabaseError) -> DatabaseError:
    return DatabaseError(
        _("{what} is damaged or not a SQLite database ({exc})").format(what=what, exc=exc)
    )


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
        ("kind", "slug", {kind for kind, _programme in pairs}),
        ("programme", "slug", {programme for _kind, programme in pairs}),
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


# What PRAGMA integrity_check does not look at. In the SQLite heartlink runs on (3.40 here) it
# already verifies CHECK and NOT NULL constraints, so those are not checked again; it never
# looks at whether a TEXT value is valid UTF-8, nor at what type a value is stored as (outside
# STRICT tables), and either breaks heartlink when it reads the row (a name that cannot be
# decoded, bytes where text belongs).
DECLARED_TYPES = {"TEXT": ("text",), "INTEGER": ("integer",)}
CHUNK_ROWS = 100_000
MAX_NAMED = 5


def content_problems(conn: sqlite3.Connection, limit: int = MAX_NAMED) -> tuple[int, list[str]]:
    """Values of heartlink's tables that SQLite keeps but heartlink cannot read: TEXT that is
    not valid UTF-8, and a value stored as another type than its column's (TEXT, INTEGER).

    Returns how many values are wrong and a description of the first `limit`, each naming the
    table, the column and the record's key (its id, slug or row number), never the value: the
    value is personal data. Reads only; a caller wanting one snapshot holds a read transaction.

    A chunk of rows at a time, each column is aggregated by SQLite: its TEXT values joined by an
    ASCII separator (which keeps valid and invalid UTF-8 apart) and decoded in one call, and its
    types summed up (see `_chunk_is_sound`). Only a chunk found wrong is read row by row.
    """
    found: list[str] = []
    wrong = 0
    for table in _tables(conn):
        columns = _typed_columns(conn, table)
        if not columns:
            continue
        for chunk in _chunks(conn, table, _order(conn, table)):
            if _chunk_is_sound(conn, table, columns, chunk):
                continue
            for key, column in _wrong_values(conn, table, columns, chunk):
                wrong += 1
                if len(found) < limit:
                    found.append(f"{table} {key}, column {column}")
    return wrong, found


def check_content(conn: sqlite3.Connection, what: str) -> None:
    """content_problems, or a DatabaseError naming `what` and the first wrong values."""
    try:
        wrong, found = content_problems(conn)
    except sqlite3.DatabaseError as exc:
        raise _unreadable(what, exc) from None
    if wrong:
        more = f" and {wrong - len(found)} more" if wrong > len(found) else ""
        raise DatabaseError(
            _(
                "{what} holds {wrong} value(s) heartlink cannot read (text that "
                "is not UTF-8, or of the wrong type): {found}{more}"
            ).format(what=what, wrong=wrong, found="; ".join(found), more=more)
        )


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    ]


def _typed_columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, tuple[str, ...]]]:
    """(column, the storage types it may hold besides NULL) for its TEXT and INTEGER columns."""
    return [
        (name, DECLARED_TYPES[declared.upper()])
        for name, declared in conn.execute("SELECT name, type FROM pragma_table_info(?)", (table,))
        if declared.upper() in DECLARED_TYPES
    ]


def _order(conn: sqlite3.Connection, table: str) -> list[str]:
    """The columns rows are ranged and named by: the rowid, or a WITHOUT ROWID table's primary
    key."""
    without_rowid = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        " AND upper(sql) LIKE '%WITHOUT ROWID%'",
        (table,),
    ).fetchone()
    if not without_rowid:
        return ["rowid"]
    ranked = conn.execute(
        "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", (table,)
    ).fetchall()
    return [_quoted(name) for (name,) in ranked]


# A key is read as (storage type, bytes) and bound back through this expression, so that a key
# that is not valid UTF-8 (or not text at all) is compared exactly as SQLite stores it.
_READ_KEY = "typeof({0}), CAST({0} AS BLOB)"
_BIND_KEY = (
    "CASE ? WHEN 'integer' THEN CAST(? AS INTEGER) WHEN 'text' THEN CAST(? AS TEXT)"
    " WHEN 'real' THEN CAST(? AS REAL) ELSE ? END"
)


def _read_keys(order: list[str]) -> str:
    return ", ".join(_READ_KEY.format(column) for column in order)


def _key_of(row: tuple | sqlite3.Row, count: int) -> tuple:
    return tuple((row[2 * i], row[2 * i + 1]) for i in range(count))


def _bind(key: tuple) -> tuple[str, list]:
    """SQL and values for a key as stored; plain values where they bind back exactly, which
    keeps the range on the table's own order (an expression would make SQLite scan it)."""
    marks, values = [], []
    for stored, raw in key:
        if stored == "integer":
            marks.append("?")
            values.append(int(raw))
        elif stored == "text" and _is_utf8(raw):
            marks.append("?")
            values.append(raw.decode("utf-8"))
        else:
            marks.append(f"({_BIND_KEY})")
            values += [stored, raw, raw, raw, raw]
    return f"({', '.join(marks)})", values


def _chunks(conn: sqlite3.Connection, table: str, order: list[str]) -> Iterator[tuple]:
    """Ranges of at most CHUNK_ROWS rows in key order, as (after, up_to) keys, None at the open
    ends."""
    keys = ", ".join(order)
    after: tuple | None = None
    while True:
        where, values = _range(order, (after, None))
        row = conn.execute(
            f"SELECT {_read_keys(order)} FROM {_quoted(table)} {where} ORDER BY {keys}"
            f" LIMIT 1 OFFSET {CHUNK_ROWS - 1}",
            values,
        ).fetchone()
        up_to = _key_of(row, len(order)) if row else None
        if up_to is not None and up_to == after:
            up_to = None  # a key that does not bind back as it was stored: the rest at once
        yield after, up_to
        if up_to is None:
            return
        after = up_to


def _range(order: list[str], chunk: tuple) -> tuple[str, list]:
    after, up_to = chunk
    keys = f"({', '.join(order)})"
    conditions, values = [], []
    for key, comparison in ((after, ">"), (up_to, "<=")):
        if key:
            bound, bound_values = _bind(key)
            conditions.append(f"{keys} {comparison} {bound}")
            values += bound_values
    return (f"WHERE {' AND '.join(conditions)}" if conditions else ""), values


def _chunk_is_sound(conn: sqlite3.Connection, table: str, columns: list, chunk: tuple) -> bool:
    where, values = _range(_order(conn, table), chunk)
    texts = [_quoted(name) for name, types in columns if types == ("text",)]
    numbers = [_quoted(name) for name, types in columns if types == ("integer",)]
    # BLOBs sort after all TEXT, so the largest value of a TEXT column shows whether any is a
    # BLOB; nothing but a damaged record can hold a number there (TEXT affinity turns numbers
    # written to it into text). INTEGER affinity keeps what is not an integer as it came.
    parts = [f"typeof(max({column})) IN ('text', 'null')" for column in texts]
    parts += [
        f"count(*) FILTER (WHERE typeof({column}) NOT IN ('integer', 'null')) = 0"
        for column in numbers
    ]
    parts += [f"CAST(group_concat({column}, '|') AS BLOB)" for column in texts]
    found = conn.execute(f"SELECT {', '.join(parts)} FROM {_quoted(table)} {where}", values)
    row = found.fetchone()
    checks = len(texts) + len(numbers)
    return all(row[:checks]) and all(_is_utf8(joined) for joined in row[checks:])


def _is_utf8(raw: bytes | None) -> bool:
    try:
        raw is None or raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _wrong_values(
    conn: sqlite3.Connection, table: str, columns: list, chunk: tuple
) -> Iterator[tuple[str, str]]:
    """(record, column) of each wrong value in one chunk, read row by row."""
    order = _order(conn, table)
    where, values = _range(order, chunk)
    reads = ", ".join(_READ_KEY.format(_quoted(name)) for name, _type in columns)
    rows = conn.execute(
        f"SELECT {_read_keys(order)}, {reads} FROM {_quoted(table)} {where}", values
    )
    for row in rows:
        key = _key_of(row, len(order))
        for i, (name, types) in enumerate(columns):
            stored, raw = row[2 * len(order) + 2 * i], row[2 * len(order) + 2 * i + 1]
            if (stored != "null" and stored not in types) or (
                stored == "text" and not _is_utf8(raw)
            ):
                yield _describe_key(conn, table, key, order), name


# A key is shown only when it looks like one of heartlink's keys (ids, slugs, years): whatever
# else a damaged file holds there might be personal data.
SHOWABLE_KEY = re.compile(rb"^[A-Za-z0-9._-]{1,40}$")


def _describe_key(conn: sqlite3.Connection, table: str, key: tuple, order: list[str]) -> str:
    if order == ["rowid"]:
        named = conn.execute(
            "SELECT name FROM pragma_table_info(?) WHERE pk > 0", (table,)
        ).fetchall()
        if len(named) == 1:
            column = _quoted(named[0][0])
            where, values = _range(order, (None, key))
            read = conn.execute(
                f"SELECT {_READ_KEY.format(column)} FROM {_quoted(table)} {where}"
                " ORDER BY rowid DESC LIMIT 1",
                values,
            ).fetchone()
            if read and _showable(*read):
                return f"{named[0][0]} {read[1].decode()}"
        return f"row {key[0][1].decode()}"
    shown = [raw.decode() if _showable(stored, raw) else "?" for stored, raw in key]
    return f"({', '.join(order)}) = ({', '.join(shown)})".replace('"', "")


def _showable(stored: str, raw: bytes) -> bool:
    return stored in ("integer", "text") and bool(SHOWABLE_KEY.match(raw))


@functools.cache
def _expected_schema() -> tuple:
    """db.expected_schema, made once a process: a merge checks each of its files with it."""
    from heartlink import db

    return tuple(db.expected_schema())


def schema_differences(conn: sqlite3.Connection) -> list[dict]:
    """Each table, index and trigger of this heartlink's schema (a new database made in memory
    by the migrations, as tests/golden_schema.sql holds it) that `conn` lacks or holds with
    other SQL, and each one heartlink did not make: {"kind": "schema", "target", "detail",
    "change": "missing" | "changed" | "extra", "object": table | index | trigger}."""
    from heartlink import db

    expected = {row[1]: row for row in _expected_schema()}
    found = {row[1]: row for row in db.schema_of(conn)}
    differences = []

    def differ(change: str, row: tuple, detail: str) -> None:
        kind, name, _table, _sql = row
        differences.append(
            {"kind": "schema", "target": name, "detail": detail, "change": change, "object": kind}
        )

    for name, row in expected.items():
        kind, _name, table, _sql = row
        if name not in found:
            differ(
                "missing",
                row,
                _("the {kind} on {table} is missing (dropped outside heartlink)").format(
                    kind=kind, table=table
                ),
            )
        elif found[name] != row:
            outside = _("(changed outside heartlink)")
            differ(
                "changed",
                row,
                _("the {kind} on {table} is not as heartlink made it {outside}").format(
                    kind=kind, table=table, outside=outside
                ),
            )
    for name, row in found.items():
        if name not in expected:
            differ(
                "extra",
                row,
                _("a {row} on {row2} that heartlink did not make").format(row=row[0], row2=row[2]),
            )
    return differences


def check_schema(conn: sqlite3.Connection, what: str) -> None:
    """schema_differences, or a DatabaseError naming the first few ('missing table audit_log',
    'changed trigger …', 'extra table photos')."""
    differences = [f"{d['change']} {d['object']} {d['target']}" for d in schema_differences(conn)]
    if differences:
        more = f" and {len(differences) - 3} more" if len(differences) > 3 else ""
        raise DatabaseError(
            _(
                "{what} does not hold heartlink's tables as heartlink makes them "
                "({differences}{more})"
            ).format(what=what, differences=", ".join(differences[:3]), more=more)
        )


def content_verdict(conn: sqlite3.Connection, what: str = "the database") -> tuple[bool, str]:
    """check_content as (ok, detail), for `heartlink check`."""
    try:
        check_content(conn, what)
    except DatabaseError as exc:
        return False, str(exc)
    return True, _("every value is readable (text is UTF-8, types as declared)")
