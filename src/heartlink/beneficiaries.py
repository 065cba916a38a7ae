"""Beneficiaries: people and households who receive, with their categories."""

import sqlite3
from collections.abc import Iterator

from heartlink import audit, ids
from heartlink.catalogue import check_categories
from heartlink.db import Ledger
from heartlink.entries import counts
from heartlink.nouns import BENEFICIARY, beneficiary_profile
from heartlink.registers import Actions, Register, Sort
from heartlink.text import canonical_group, fold

NOUN = "beneficiary"
# Fields a user sets, in the order they are shown and exported.
FIELDS = tuple(field.name for field in BENEFICIARY.settable)
# Every key of a profile, for CSV columns.
PROFILE_FIELDS = BENEFICIARY.keys


def _write_categories(conn: sqlite3.Connection, beneficiary_id: str, values: dict) -> None:
    if "categories" not in values:
        return
    conn.execute("DELETE FROM beneficiary_category WHERE beneficiary_id = ?", (beneficiary_id,))
    conn.executemany(
        "INSERT INTO beneficiary_category (beneficiary_id, category) VALUES (?, ?)",
        [(beneficiary_id, slug) for slug in values["categories"]],
    )


def likeness(values: dict) -> tuple:
    """What makes two records likely the same person or household: the name ignoring accents
    and case, the birth year and the residential group in its one form (so "08" of an old
    record is "tổ 8")."""
    return (fold(values["name"]), values.get("born"), _group_key(values.get("group")))


def _group_key(group: str | None) -> str:
    return fold(canonical_group(group)) if group else ""


def _resolve_alias(conn: sqlite3.Connection, ref: str) -> str | None:
    """The record matched to an id another file gave someone (see heartlink.importer)."""
    alias = ids.normalize_reference(ref)
    row = conn.execute(
        "SELECT beneficiary_id FROM beneficiary_alias WHERE alias_id = ?", (alias,)
    ).fetchone()
    return None if row is None else row[0]


_SELECT = """
SELECT b.*, (SELECT group_concat(category, ';') FROM beneficiary_category c
             WHERE c.beneficiary_id = b.id) AS category_list
FROM beneficiary b
"""

REGISTER = Register(
    noun=BENEFICIARY,
    table="beneficiary",
    alias="b",
    select=_SELECT,
    profile=beneficiary_profile,
    actions=Actions(
        audit.BENEFICIARY_ADD,
        audit.BENEFICIARY_EDIT,
        audit.BENEFICIARY_ARCHIVE,
        audit.BENEFICIARY_UNARCHIVE,
    ),
    likeness=likeness,
    alike_by=("name", "born", "group"),
    alike="the same name, birth year and residential group",
    someone_else="a different person",
    searched=("name", "residential_group", "address", "school"),
    entries=("handout", "beneficiary_id"),
    checks_with=lambda conn: {"categories": lambda v: check_categories(conn, list(v))},
    write_rows=_write_categories,
    resolve_alias=_resolve_alias,
)
FIND_HINT = REGISTER.find_hint


def check_fields(
    conn: sqlite3.Connection | None, given: dict
) -> tuple[dict, list[tuple[str, Exception]]]:
    """Validated column values for the fields present in `given`, and the problems found, per
    field (see Register.check_fields): without a connection the categories are passed through
    unchecked. The one set of checks for `beneficiary add`, `edit` and `import beneficiaries`.
    """
    return REGISTER.check_fields(conn, given)


def find_same(conn: sqlite3.Connection, values: dict, except_id: str | None = None) -> list[dict]:
    """Records alike (see likeness) to `values`, apart from `except_id`."""
    return REGISTER.find_same(conn, values, except_id)


def insert(
    conn: sqlite3.Connection, values: dict, *, beneficiary_id: str, officer: str, created_at: str
) -> None:
    """Insert a checked beneficiary (see check_fields) and their categories."""
    REGISTER.insert(conn, values, record_id=beneficiary_id, officer=officer, created_at=created_at)


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
    return REGISTER.add(ledger, officer=officer, force=force, record_id=beneficiary_id, **fields)


def edit(ledger: Ledger, ref: str, *, officer: str, force: bool = False, **fields: object) -> dict:
    """Change the given fields of a beneficiary; returns the profile after the change."""
    return REGISTER.edit(ledger, ref, officer=officer, force=force, **fields)


def set_archived(ledger: Ledger, ref: str, archived: bool, *, officer: str) -> dict:
    """Archive (hide from lists, refuse new handouts) or bring back a beneficiary."""
    return REGISTER.set_archived(ledger, ref, archived, officer=officer)


def resolve(conn: sqlite3.Connection, ref: str) -> str:
    """The full id for an id or short code, or for an id another file gave someone who was
    then matched to a record here (see heartlink.importer). Text that cannot be an id or code
    is an InputError (a usage error); an id or code that matches nobody, NotFoundError."""
    return REGISTER.resolve(conn, ref)


def resolve_active(conn: sqlite3.Connection, ref: str) -> str:
    """The full id of a beneficiary who may receive (exists and is not archived)."""
    return REGISTER.resolve_active(conn, ref)


def get(conn: sqlite3.Connection, beneficiary_id: str) -> dict:
    return REGISTER.get(conn, beneficiary_id)


def search(
    conn: sqlite3.Connection,
    *,
    text: str | None = None,
    category: str | None = None,
    with_archived: bool = False,
    received_in: int | None = None,
    sort: Sort = Sort.name,
) -> Iterator[dict]:
    """Beneficiaries whose name, group, address or school hold every word of `text`, ignoring
    case and accents ("pham thanh son" finds "Phạm Thanh Sơn"), or whose code is `text`."""
    where, params = [], []
    if category:
        where.append(
            "EXISTS (SELECT 1 FROM beneficiary_category c"
            " WHERE c.beneficiary_id = b.id AND c.category = ?)"
        )
        params.append(check_categories(conn, [category])[0])
    return REGISTER.search(
        conn,
        text=text,
        with_archived=with_archived,
        where=tuple(where),
        params=tuple(params),
        entries_in=received_in,
        sort=sort,
    )


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
