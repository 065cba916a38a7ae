"""Beneficiaries: people and households who receive, with their categories."""

import sqlite3
from collections.abc import Iterator

from heartlink import audit, ids
from heartlink.catalogue import check_categories
from heartlink.db import Ledger, utc_now
from heartlink.entries import counts
from heartlink.errors import HeartlinkError, InputError, NotFoundError
from heartlink.nouns import BENEFICIARY, beneficiary_profile
from heartlink.text import canonical_group, fold

FIND_HINT = "find it with `heartlink beneficiary list --search NAME`"
NOUN = "beneficiary"
# Fields a user sets, in the order they are shown and exported.
FIELDS = tuple(field.name for field in BENEFICIARY.settable)
# Every key of a profile, for CSV columns.
PROFILE_FIELDS = BENEFICIARY.keys


def check_fields(
    conn: sqlite3.Connection | None, given: dict
) -> tuple[dict, list[tuple[str, Exception]]]:
    """Validated column values for the fields present in `given` (None means not given), and
    the problems found, per field. An empty string clears an optional field. Without a
    connection the categories are passed through unchecked (so that input can be checked
    before the database is opened).

    The one set of checks for `beneficiary add`, `beneficiary edit` and `import beneficiaries`.
    """
    cleaners = {field.name: field.check for field in BENEFICIARY.settable}
    if conn:
        cleaners["categories"] = lambda v: check_categories(conn, list(v))
    values, problems = {}, []
    for field, value in given.items():
        if value is None:
            continue
        try:
            values[field] = cleaners[field](value)
        except HeartlinkError as exc:
            problems.append((field, exc))
    return values, problems


def _clean_fields(conn: sqlite3.Connection | None, given: dict) -> dict:
    values, problems = check_fields(conn, given)
    if problems:
        raise problems[0][1]
    return values


def likeness(values: dict) -> tuple:
    """What makes two records likely the same person or household: the name ignoring accents
    and case, the birth year and the residential group in its one form (so "08" of an old
    record is "tổ 8")."""
    return (fold(values["name"]), values.get("born"), _group_key(values.get("group")))


def _group_key(group: str | None) -> str:
    return fold(canonical_group(group)) if group else ""


def find_same(
    conn: sqlite3.Connection, values: dict, except_id: str | None = None
) -> list[sqlite3.Row]:
    """Records alike (see likeness) to `values`, apart from `except_id`."""
    name, born, group = likeness(values)
    rows = conn.execute(
        "SELECT id, residential_group, archived_at FROM beneficiary"
        " WHERE heartlink_fold(name) = ? AND born IS ? AND id IS NOT ? ORDER BY id",
        (name, born, except_id),
    )
    return [row for row in rows if _group_key(row["residential_group"]) == group]


def _refuse_duplicate(conn: sqlite3.Connection, values: dict, except_id: str | None) -> None:
    """Refuse a second record for the same folded name, birth year and residential group."""
    for row in find_same(conn, values, except_id)[:1]:
        archived = " (archived)" if row["archived_at"] else ""
        raise HeartlinkError(
            "a beneficiary with the same name, birth year and residential group already "
            f"exists{archived}: code {ids.short_code(row['id'])}. Use that record, or add "
            "--force if this is a different person"
        )


def _write_categories(conn: sqlite3.Connection, beneficiary_id: str, slugs: list[str]) -> None:
    conn.execute("DELETE FROM beneficiary_category WHERE beneficiary_id = ?", (beneficiary_id,))
    conn.executemany(
        "INSERT INTO beneficiary_category (beneficiary_id, category) VALUES (?, ?)",
        [(beneficiary_id, slug) for slug in slugs],
    )


def _columns(values: dict) -> dict:
    """The checked values of the fields stored in the beneficiary table, by their column (the
    categories are rows of their own)."""
    return {BENEFICIARY[f].column: v for f, v in values.items() if BENEFICIARY[f].column}


def insert(
    conn: sqlite3.Connection, values: dict, *, beneficiary_id: str, officer: str, created_at: str
) -> None:
    """Insert a checked beneficiary (see check_fields) and their categories."""
    columns = _columns(values)
    columns.update(id=beneficiary_id, created_at=created_at, created_by=officer)
    marks = ", ".join("?" for _ in columns)
    conn.execute(
        f"INSERT INTO beneficiary ({', '.join(columns)}) VALUES ({marks})", tuple(columns.values())
    )
    _write_categories(conn, beneficiary_id, values.get("categories", []))


def add(
    ledger: Ledger,
    *,
    officer: str,
    force: bool = False,
    beneficiary_id: str | None = None,
    **fields: object,
) -> dict:
    """Register a beneficiary; `fields` are those of FIELDS. Returns the new profile.

    `beneficiary_id` keeps an id made elsewhere (another station's file, an export).
    """
    if fields.get("name") is None:
        raise InputError("name is empty; give a name")
    new_id = ids.check_id(beneficiary_id) if beneficiary_id else ids.new_id()
    _clean_fields(None, fields)  # refuse bad input before the database is opened, or created
    with ledger.write() as conn:
        values = _clean_fields(conn, fields)
        if not force:
            _refuse_duplicate(conn, values, except_id=None)
        insert(conn, values, beneficiary_id=new_id, officer=officer, created_at=utc_now())
        profile = get(conn, new_id)
        audit.append(conn, audit.BENEFICIARY_ADD, officer=officer, target=new_id, after=profile)
        return profile


def edit(ledger: Ledger, ref: str, *, officer: str, force: bool = False, **fields: object) -> dict:
    """Change the given fields of a beneficiary; returns the profile after the change."""
    if all(value is None for value in fields.values()):
        raise InputError("nothing to change; give at least one option, see --help")
    _clean_fields(None, fields)
    with ledger.write() as conn:
        beneficiary_id = resolve(conn, ref)
        values = _clean_fields(conn, fields)
        current = get(conn, beneficiary_id)
        if not force and {"name", "born", "group"} & values.keys():
            merged = {key: values.get(key, current[key]) for key in ("name", "born", "group")}
            _refuse_duplicate(conn, merged, except_id=beneficiary_id)
        columns = _columns(values)
        columns["updated_at"] = utc_now()
        assignments = ", ".join(f"{column} = ?" for column in columns)
        conn.execute(
            f"UPDATE beneficiary SET {assignments} WHERE id = ?",
            (*columns.values(), beneficiary_id),
        )
        if "categories" in values:
            _write_categories(conn, beneficiary_id, values["categories"])
        after = get(conn, beneficiary_id)
        audit.append(
            conn,
            audit.BENEFICIARY_EDIT,
            officer=officer,
            target=beneficiary_id,
            before=current,
            after=after,
        )
        return after


def set_archived(ledger: Ledger, ref: str, archived: bool, *, officer: str) -> dict:
    """Archive (hide from lists, refuse new handouts) or bring back a beneficiary."""
    with ledger.write() as conn:
        beneficiary_id = resolve(conn, ref)
        before = get(conn, beneficiary_id)
        if before["archived"] == archived:
            state = "already archived" if archived else "not archived"
            raise HeartlinkError(f"beneficiary {ids.short_code(beneficiary_id)} is {state}")
        now = utc_now()
        conn.execute(
            "UPDATE beneficiary SET archived_at = ?, updated_at = ? WHERE id = ?",
            (now if archived else None, now, beneficiary_id),
        )
        after = get(conn, beneficiary_id)
        action = audit.BENEFICIARY_ARCHIVE if archived else audit.BENEFICIARY_UNARCHIVE
        audit.append(
            conn, action, officer=officer, target=beneficiary_id, before=before, after=after
        )
        return after


def resolve(conn: sqlite3.Connection, ref: str) -> str:
    """The full id for an id or short code, or for an id another file gave someone who was
    then matched to a record here (see heartlink.importer). Text that cannot be an id or code
    is an InputError (a usage error); an id or code that matches nobody, NotFoundError."""
    try:
        return ids.resolve(conn, "beneficiary", ref, NOUN, FIND_HINT)
    except NotFoundError:
        alias = ids.normalize_reference(ref)
        row = conn.execute(
            "SELECT beneficiary_id FROM beneficiary_alias WHERE alias_id = ?", (alias,)
        ).fetchone()
        if row is None:
            raise
        return row[0]


def resolve_active(conn: sqlite3.Connection, ref: str) -> str:
    """The full id of a beneficiary who may receive (exists and is not archived)."""
    beneficiary_id = resolve(conn, ref)
    row = conn.execute("SELECT archived_at FROM beneficiary WHERE id = ?", (beneficiary_id,))
    if row.fetchone()["archived_at"]:
        raise HeartlinkError(
            f"beneficiary {ids.short_code(beneficiary_id)} is archived; bring them back with "
            f"`heartlink beneficiary unarchive {ids.short_code(beneficiary_id)}` first"
        )
    return beneficiary_id


_SELECT = """
SELECT b.*, (SELECT group_concat(category, ';') FROM beneficiary_category c
             WHERE c.beneficiary_id = b.id) AS category_list
FROM beneficiary b
"""


_profile = beneficiary_profile


def get(conn: sqlite3.Connection, beneficiary_id: str) -> dict:
    return _profile(conn.execute(_SELECT + " WHERE b.id = ?", (beneficiary_id,)).fetchone())


def search(
    conn: sqlite3.Connection,
    *,
    text: str | None = None,
    category: str | None = None,
    with_archived: bool = False,
    received_in: int | None = None,
    by_name: bool = True,
) -> Iterator[dict]:
    """Beneficiaries whose name, group, address or school hold every word of `text`, ignoring
    case and accents ("pham thanh son" finds "Phạm Thanh Sơn"), or whose code is `text`."""
    where, params = [], []
    if not with_archived:
        where.append("b.archived_at IS NULL")
    if category:
        where.append(
            "EXISTS (SELECT 1 FROM beneficiary_category c"
            " WHERE c.beneficiary_id = b.id AND c.category = ?)"
        )
        params.append(check_categories(conn, [category])[0])
    if received_in is not None:
        where.append(
            "EXISTS (SELECT 1 FROM handout h WHERE h.beneficiary_id = b.id AND h.year = ?"
            f" AND {counts('h')})"
        )
        params.append(received_in)
    if text and text.strip():
        haystack = (
            "heartlink_fold(b.name || ' ' || coalesce(b.residential_group, '') || ' ' ||"
            " coalesce(b.address, '') || ' ' || coalesce(b.school, ''))"
        )
        words = fold(text).split()
        by_words = " AND ".join(f"instr({haystack}, ?) > 0" for _ in words)
        if ids.looks_like_reference(text):
            where.append(f"(({by_words}) OR b.id LIKE '%' || ?)")
            params.extend([*words, ids.normalize_reference(text)])
        else:
            where.append(f"({by_words})")
            params.extend(words)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
    # by_name=False for lists without names, whose order must not hint at them.
    sql += " ORDER BY heartlink_fold(b.name), b.id" if by_name else " ORDER BY b.id"
    for row in conn.execute(sql, params):
        yield _profile(row)


def show(conn: sqlite3.Connection, ref: str) -> dict:
    """A profile with every handout received (voided ones left out), oldest first, and what
    was received each year, per kind."""
    profile = get(conn, resolve(conn, ref))
    rows = conn.execute(
        "SELECT h.id, h.date, h.kind, h.count, k.unit_en AS unit, h.programme, h.value_vnd,"
        " h.place, h.note FROM handout h JOIN kind k ON k.slug = h.kind"
        f" WHERE h.beneficiary_id = ? AND {counts('h')} ORDER BY h.date, h.id",
        (profile["id"],),
    )
    profile["handouts"] = [dict(row) for row in rows]
    by_year = conn.execute(
        "SELECT h.year, h.kind, k.unit_en AS unit, SUM(h.count) AS count, COUNT(*) AS handouts,"
        " SUM(h.value_vnd) AS value_vnd FROM handout h JOIN kind k ON k.slug = h.kind"
        f" WHERE h.beneficiary_id = ? AND {counts('h')}"
        " GROUP BY h.year, h.kind ORDER BY h.year, k.rowid",
        (profile["id"],),
    )
    profile["received_by_year"] = [dict(row) for row in by_year]
    return profile
