"""The catalogue: kinds of item handed out, programmes, and beneficiary categories."""

import difflib
import sqlite3

from heartlink import audit
from heartlink.db import Ledger, utc_now
from heartlink.errors import InputError
from heartlink.text import clean_name, fold, parse_money, parse_slug, require_text

KIND_COLUMNS = "slug, name_en, name_vi, unit_en, unit_vi, unit_value_vnd, programme"


def _unknown(what: str, given: str, choices: dict[str, str], list_command: str) -> InputError:
    """An error naming the closest known slug. `choices` maps every spelling to its slug."""
    close = difflib.get_close_matches(fold(given), list(choices), n=1, cutoff=0.6)
    hint = f"did you mean {choices[close[0]]!r}? " if close else ""
    return InputError(f"unknown {what} {given!r}; {hint}see `{list_command}`")


def _spellings(rows: list[sqlite3.Row]) -> dict[str, str]:
    """Slug and folded English and Vietnamese names, each mapped to the slug."""
    spellings: dict[str, str] = {}
    for row in rows:
        for spelling in (row["name_en"], row["name_vi"]):
            spellings.setdefault(fold(spelling), row["slug"])
    for row in rows:
        spellings[row["slug"]] = row["slug"]
    return spellings


def _resolve(conn: sqlite3.Connection, table: str, given: str, what: str, command: str) -> str:
    """The slug for a slug or an exact (accent-free) English or Vietnamese name."""
    wanted = given.strip().lower()
    if conn.execute(f"SELECT 1 FROM {table} WHERE slug = ?", (wanted,)).fetchone():
        return wanted
    spellings = _spellings(conn.execute(f"SELECT slug, name_en, name_vi FROM {table}").fetchall())
    if fold(given) in spellings:
        return spellings[fold(given)]
    raise _unknown(what, given, spellings, command)


def get_kind(conn: sqlite3.Connection, given: str) -> dict:
    """A kind by slug or name; unknown kinds get the closest slug suggested."""
    slug = _resolve(conn, "kind", given, "kind", "heartlink kind list")
    return dict(conn.execute(f"SELECT {KIND_COLUMNS} FROM kind WHERE slug = ?", (slug,)).fetchone())


def get_programme(conn: sqlite3.Connection, given: str) -> dict:
    slug = _resolve(conn, "programme", given, "programme", "heartlink programme list")
    row = conn.execute("SELECT slug, name_en, name_vi FROM programme WHERE slug = ?", (slug,))
    return dict(row.fetchone())


def check_categories(conn: sqlite3.Connection, given: list[str]) -> list[str]:
    """Category slugs (or names) in canonical form, without repeats, in the order given."""
    slugs: list[str] = []
    for category in given:
        slug = _resolve(conn, "category", category, "category", "heartlink category list")
        if slug not in slugs:
            slugs.append(slug)
    return slugs


def list_kinds(conn: sqlite3.Connection) -> list[dict]:
    rows = conn.execute(f"SELECT {KIND_COLUMNS} FROM kind ORDER BY rowid")
    return [dict(row) for row in rows]


def list_programmes(conn: sqlite3.Connection) -> list[dict]:
    rows = conn.execute(
        "SELECT p.slug, p.name_en, p.name_vi,"
        " (SELECT group_concat(k.slug, ', ') FROM kind k WHERE k.programme = p.slug) AS kinds"
        " FROM programme p ORDER BY p.rowid"
    )
    return [dict(row) for row in rows]


def list_categories(conn: sqlite3.Connection) -> list[dict]:
    rows = conn.execute("SELECT slug, name_en, name_vi FROM category ORDER BY rowid")
    return [dict(row) for row in rows]


def _ensure_new(conn: sqlite3.Connection, table: str, slug: str, what: str) -> None:
    if conn.execute(f"SELECT 1 FROM {table} WHERE slug = ?", (slug,)).fetchone():
        raise InputError(f"{what} {slug!r} already exists; see `heartlink {what} list`")


def add_kind(
    ledger: Ledger,
    slug: str,
    *,
    unit: str,
    name_vi: str,
    name_en: str | None = None,
    unit_vi: str | None = None,
    unit_value: str | int | None = None,
    programme: str = "general",
    officer: str,
) -> dict:
    """A new kind of item. The English name defaults to the slug, the Vietnamese unit to unit."""
    slug = parse_slug(slug, "kind")
    unit = require_text(unit, "unit")
    row = {
        "slug": slug,
        "name_en": clean_name(name_en or "") or slug.replace("-", " ").capitalize(),
        "name_vi": require_text(name_vi, "Vietnamese name"),
        "unit_en": unit,
        "unit_vi": clean_name(unit_vi or "") or unit,
        "unit_value_vnd": None if unit_value is None else parse_money(unit_value, "unit value"),
    }
    with ledger.write() as conn:
        _ensure_new(conn, "kind", slug, "kind")
        row["programme"] = get_programme(conn, programme)["slug"]
        conn.execute(
            f"INSERT INTO kind ({KIND_COLUMNS}, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (*row.values(), utc_now()),
        )
        audit.append(conn, audit.KIND_ADD, officer=officer, target=slug, after=row)
    return row


def edit_kind(
    ledger: Ledger,
    given: str,
    *,
    name_en: str | None = None,
    name_vi: str | None = None,
    unit_en: str | None = None,
    unit_vi: str | None = None,
    unit_value: str | int | None = None,
    programme: str | None = None,
    officer: str,
) -> dict:
    """Change a kind's names, units, unit value or default programme.

    Handouts already recorded keep the value and programme they were recorded with.
    """
    changes: dict[str, object] = {}
    for column, value, what in (
        ("name_en", name_en, "English name"),
        ("name_vi", name_vi, "Vietnamese name"),
        ("unit_en", unit_en, "unit"),
        ("unit_vi", unit_vi, "Vietnamese unit"),
    ):
        if value is not None:
            changes[column] = require_text(value, what)
    if unit_value is not None:
        changes["unit_value_vnd"] = parse_money(unit_value, "unit value")
    if not changes and programme is None:
        raise InputError("nothing to change; give at least one option, see --help")
    with ledger.write() as conn:
        before = get_kind(conn, given)
        slug = before["slug"]
        if programme is not None:
            changes["programme"] = get_programme(conn, programme)["slug"]
        assignments = ", ".join(f"{column} = ?" for column in changes)
        conn.execute(f"UPDATE kind SET {assignments} WHERE slug = ?", (*changes.values(), slug))
        after = get_kind(conn, slug)
        audit.append(
            conn, audit.KIND_EDIT, officer=officer, target=slug, before=before, after=after
        )
        return after


def add_programme(
    ledger: Ledger, slug: str, *, name_vi: str, name_en: str | None = None, officer: str
) -> dict:
    slug = parse_slug(slug, "programme")
    row = {
        "slug": slug,
        "name_en": clean_name(name_en or "") or slug.replace("-", " ").capitalize(),
        "name_vi": require_text(name_vi, "Vietnamese name"),
    }
    with ledger.write() as conn:
        _ensure_new(conn, "programme", slug, "programme")
        conn.execute(
            "INSERT INTO programme (slug, name_en, name_vi, created_at) VALUES (?, ?, ?, ?)",
            (*row.values(), utc_now()),
        )
        audit.append(conn, audit.PROGRAMME_ADD, officer=officer, target=slug, after=row)
    return row
