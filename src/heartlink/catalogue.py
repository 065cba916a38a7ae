"""The catalogue: kinds of item handed out, programmes, and beneficiary categories."""

import difflib
import sqlite3

from heartlink import audit
from heartlink.db import Ledger, utc_now
from heartlink.errors import HeartlinkError, InputError
from heartlink.i18n import _
from heartlink.text import fold, is_slug, optional_text, parse_money, parse_slug, require_text

KIND_COLUMNS = "slug, name_en, name_vi, unit_en, unit_vi, unit_value_vnd, programme"

# The everyday words for the default catalogue's kinds and categories (folded, see text.fold),
# accepted besides their slugs and names: "Mồ côi" for "Trẻ mồ côi", "Học sinh" for "Học sinh
# có hoàn cảnh khó khăn". A name in the catalogue comes first; a short form that names two
# rows is refused with both slugs.
SHORT_FORMS = {
    "category": {
        "poor-household": ("ho ngheo", "ngheo"),
        "near-poor-household": ("ho can ngheo", "can ngheo"),
        "orphan": ("mo coi", "tre mo coi", "tre em mo coi"),
        "student": ("hoc sinh", "hoc sinh ngheo", "hoc sinh kho khan", "hs", "hssv"),
        "patient": ("benh nhan", "nguoi benh", "bn"),
        "after-rehab": ("sau cai nghien", "sau cai", "nguoi sau cai", "cai nghien"),
        "elderly": ("cao tuoi", "nguoi cao tuoi", "nguoi gia", "nct"),
        "disabled": ("khuyet tat", "nguoi khuyet tat", "nkt"),
    },
    "kind": {
        "meal": ("com", "suat com", "bua com", "com nhan ai", "suat"),
        "cake": ("banh tet", "banh tet xanh"),
        "voucher": ("phieu", "phieu mua hang"),
        "lemonade": ("nuoc chanh", "ly nuoc chanh"),
        "bicycle": ("xe dap",),
        "uniform": ("dong phuc", "ao dong phuc"),
        "school-supplies": ("sach vo", "vo", "tap vo", "sach"),
        "cash": ("tien", "tien mat", "tien hoc bong"),
        "livelihood-kit": ("sinh ke", "phuong tien sinh ke"),
        "exam-prep": ("luyen thi", "suat luyen thi", "suat hoc", "suat"),
        "gift": ("qua", "phan qua", "suat qua"),
    },
}


def _unknown(what: str, given: str, choices: dict[str, list[str]], list_command: str) -> InputError:
    """An error naming the closest known slug. `choices` maps every spelling to its slugs.
    What was typed is repeated only when it is a slug's form: other text may be a name."""
    close = difflib.get_close_matches(fold(given), list(choices), n=1, cutoff=0.6)
    hint = _("did you mean {choices!r}? ").format(choices=choices[close[0]][0]) if close else ""
    typed = given.strip().lower()
    shown = f" {typed!r}" if is_slug(typed) else ""
    return InputError(
        _("unknown {what}{shown}; {hint}see `{list_command}`").format(
            what=_(what), shown=shown, hint=hint, list_command=list_command
        )
    )


def _spellings(rows: list[sqlite3.Row]) -> dict[str, list[str]]:
    """Slug and folded English and Vietnamese names, each mapped to the slugs it names (more
    than one when two rows share a name: a name then says nothing)."""
    spellings: dict[str, list[str]] = {}
    for row in rows:
        for spelling in {fold(row["name_en"]), fold(row["name_vi"])}:
            spellings.setdefault(spelling, []).append(row["slug"])
    for row in rows:
        spellings[row["slug"]] = [row["slug"]]
    return spellings


def _short_forms(table: str, slugs: set[str]) -> dict[str, list[str]]:
    """The short forms (SHORT_FORMS) of the rows of `table` there are, each mapped to the slugs
    it names."""
    forms: dict[str, list[str]] = {}
    for slug, words in SHORT_FORMS.get(table, {}).items():
        if slug in slugs:
            for word in words:
                forms.setdefault(word, []).append(slug)
    return forms


def _resolve(conn: sqlite3.Connection, table: str, given: str, what: str, command: str) -> str:
    """The slug for a slug, an exact (accent-free) English or Vietnamese name, or else one of
    the everyday short forms of SHORT_FORMS."""
    wanted = given.strip().lower()
    if conn.execute(f"SELECT 1 FROM {table} WHERE slug = ?", (wanted,)).fetchone():
        return wanted
    rows = conn.execute(f"SELECT slug, name_en, name_vi FROM {table}").fetchall()
    spellings = _spellings(rows)
    for form, slugs in _short_forms(table, {row["slug"] for row in rows}).items():
        spellings.setdefault(form, slugs)
    slugs = spellings.get(fold(given))
    if slugs is None:
        raise _unknown(what, given, spellings, command)
    if len(slugs) > 1:
        # Repeated, as it is a name of the catalogue's (folded), not free text.
        raise InputError(
            _("{typed!r} matches {what}s {slugs}; use the slug").format(
                typed=fold(given), what=what, slugs=" and ".join(slugs)
            )
        )
    return slugs[0]


def _refuse_taken_names(
    conn: sqlite3.Connection, table: str, what: str, slug: str, names: dict[str, str]
) -> None:
    """Refuse a name (folded) that another row already has, in either language: a look-up by
    name reads both, and would have to guess. `names` maps a field's label to the name."""
    others = conn.execute(f"SELECT slug, name_en, name_vi FROM {table} WHERE slug != ?", (slug,))
    taken = _spellings(others.fetchall())
    for label, name in names.items():
        if other := taken.get(fold(name)):
            raise HeartlinkError(
                _(
                    "the {label} is already {what} {other}'s name (accents and case "
                    "ignored); give each {what} a name of its own"
                ).format(label=label, what=what, other=other[0])
            )


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
    """Every kind, with `track_stock`: whether its stock is tracked (heartlink.stock)."""
    rows = conn.execute(
        f"SELECT {KIND_COLUMNS}, coalesce((SELECT s.tracked FROM stock_kind s"
        " WHERE s.kind = kind.slug), 0) AS track_stock FROM kind ORDER BY rowid"
    )
    return [{**dict(row), "track_stock": bool(row["track_stock"])} for row in rows]


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
        raise InputError(
            _("{what} {slug!r} already exists; see `heartlink {what} list`").format(
                what=what, slug=slug
            )
        )


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
        **_names(slug, name_en, name_vi),
        "unit_en": unit,
        "unit_vi": _one_line(unit_vi, "Vietnamese unit") or unit,
        "unit_value_vnd": None if unit_value is None else parse_money(unit_value, "unit value"),
    }
    with ledger.write() as conn:
        _ensure_new(conn, "kind", slug, "kind")
        _refuse_taken_names(conn, "kind", "kind", slug, _labelled(row))
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
    track_stock: bool | None = None,
    officer: str,
) -> dict:
    """Change a kind's names, units, unit value or default programme, or whether its stock
    is tracked (`track_stock`, heartlink.stock), in one transaction; the result has
    `track_stock`.

    Handouts already recorded keep the value and programme they were recorded with.
    """
    from heartlink import stock

    changes: dict[str, object] = {}
    given_text = {"name_en": name_en, "name_vi": name_vi, "unit_en": unit_en, "unit_vi": unit_vi}
    labels = {**_NAME_LABELS, "unit_en": "unit", "unit_vi": "Vietnamese unit"}
    for column, value in given_text.items():
        if value is not None:
            changes[column] = require_text(value, labels[column])
    if unit_value is not None:
        changes["unit_value_vnd"] = parse_money(unit_value, "unit value")
    if not changes and programme is None and track_stock is None:
        raise InputError(_("nothing to change; give at least one option, see --help"))
    with ledger.write() as conn:
        before = get_kind(conn, given)
        slug = before["slug"]
        _refuse_taken_names(conn, "kind", "kind", slug, _labelled(changes))
        if programme is not None:
            changes["programme"] = get_programme(conn, programme)["slug"]
        if track_stock is not None:
            stock.set_tracked(conn, slug, track_stock, officer=officer)
        if changes:
            assignments = ", ".join(f"{column} = ?" for column in changes)
            conn.execute(f"UPDATE kind SET {assignments} WHERE slug = ?", (*changes.values(), slug))
            after = get_kind(conn, slug)
            audit.append(
                conn, audit.KIND_EDIT, officer=officer, target=slug, before=before, after=after
            )
        return {**get_kind(conn, slug), "track_stock": stock.is_tracked(conn, slug)}


def add_programme(
    ledger: Ledger, slug: str, *, name_vi: str, name_en: str | None = None, officer: str
) -> dict:
    slug = parse_slug(slug, "programme")
    row = {"slug": slug, **_names(slug, name_en, name_vi)}
    with ledger.write() as conn:
        _ensure_new(conn, "programme", slug, "programme")
        _refuse_taken_names(conn, "programme", "programme", slug, _labelled(row))
        conn.execute(
            "INSERT INTO programme (slug, name_en, name_vi, created_at) VALUES (?, ?, ?, ?)",
            (*row.values(), utc_now()),
        )
        audit.append(conn, audit.PROGRAMME_ADD, officer=officer, target=slug, after=row)
    return row


def vietnamese_names(
    conn: sqlite3.Connection, kind: str | None, programme: str | None
) -> tuple[str | None, str | None, str | None]:
    """A kind's Vietnamese name and unit and a programme's Vietnamese name (one read), for a
    confirmation in Vietnamese; the slug itself where the catalogue has no name."""
    name, unit, fund = conn.execute(
        "SELECT (SELECT name_vi FROM kind WHERE slug = :kind),"
        " (SELECT unit_vi FROM kind WHERE slug = :kind),"
        " (SELECT name_vi FROM programme WHERE slug = :programme)",
        {"kind": kind, "programme": programme},
    ).fetchone()
    return name or kind, unit or kind, fund or programme


_NAME_LABELS = {"name_en": "English name", "name_vi": "Vietnamese name"}


def _names(slug: str, name_en: str | None, name_vi: str) -> dict[str, str]:
    """A new row's names; the English one defaults to the slug ("flood-relief": "Flood relief")."""
    return {
        "name_en": _one_line(name_en, "English name") or slug.replace("-", " ").capitalize(),
        "name_vi": require_text(name_vi, "Vietnamese name"),
    }


def _one_line(text: str | None, what: str) -> str | None:
    """An optional one-line field, blanks collapsed as require_text does; None when blank."""
    value = optional_text(text, what)
    return value and " ".join(value.split())


def _labelled(columns: dict) -> dict[str, str]:
    """The names among `columns`, by the label messages give them."""
    return {label: columns[column] for column, label in _NAME_LABELS.items() if column in columns}
