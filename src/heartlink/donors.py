"""Donors: the officers, individuals, organisations and businesses who give money and goods.

A register like the beneficiaries' (heartlink.registers). A donor is named in public only
when they agreed to be (`public`); otherwise a statement says "Nhà hảo tâm" (a well-wisher),
or for the station's own officers "Cán bộ, chiến sĩ".
"""

import sqlite3
from collections.abc import Iterator, Mapping

from heartlink import audit
from heartlink.db import Ledger
from heartlink.entries import counts
from heartlink.i18n import Lang
from heartlink.nouns import DONOR, donor_profile
from heartlink.registers import Actions, Register, Sort
from heartlink.text import fold

REGISTER = Register(
    noun=DONOR,
    table="donor",
    alias="d",
    select="SELECT d.* FROM donor d",
    profile=donor_profile,
    actions=Actions(audit.DONOR_ADD, audit.DONOR_EDIT, audit.DONOR_ARCHIVE, audit.DONOR_UNARCHIVE),
    likeness=lambda values: (fold(values["name"]), values.get("type")),
    alike_by=("name", "type"),
    alike="the same name and type",
    someone_else="a different donor",
    searched=("name", "phone", "address"),
    entries=("donation", "donor_id"),
)
FIND_HINT = REGISTER.find_hint

# How a statement names a donor who did not agree to be named, and the station's officers.
WELL_WISHER = {Lang.vi: "Nhà hảo tâm", Lang.en: "A well-wisher"}
OFFICERS = {Lang.vi: "Cán bộ, chiến sĩ", Lang.en: "Officers"}


def add(ledger: Ledger, *, officer: str, force: bool = False, **fields: object) -> dict:
    """Register a donor; `fields` are DONOR's settable fields. Returns the new profile."""
    return REGISTER.add(ledger, officer=officer, force=force, **fields)


def edit(ledger: Ledger, ref: str, *, officer: str, force: bool = False, **fields: object) -> dict:
    """Change the given fields of a donor; returns the profile after the change."""
    return REGISTER.edit(ledger, ref, officer=officer, force=force, **fields)


def set_archived(ledger: Ledger, ref: str, archived: bool, *, officer: str) -> dict:
    """Archive (hide from lists, refuse new donations) or bring back a donor."""
    return REGISTER.set_archived(ledger, ref, archived, officer=officer)


def resolve(conn: sqlite3.Connection, ref: str) -> str:
    """The full id of a donor for an id or short code (archived donors too)."""
    return REGISTER.resolve(conn, ref)


def resolve_active(conn: sqlite3.Connection, ref: str) -> str:
    """The full id of a donor who may give (exists and is not archived), for a new donation:
    InputError for text that is no id or code, NotFoundError for nobody, HeartlinkError
    for an archived donor."""
    return REGISTER.resolve_active(conn, ref)


def get(conn: sqlite3.Connection, donor_id: str) -> dict:
    return REGISTER.get(conn, donor_id)


def search(
    conn: sqlite3.Connection,
    *,
    text: str | None = None,
    with_archived: bool = False,
    gave_in: int | None = None,
    sort: Sort = Sort.name,
) -> Iterator[dict]:
    """Donors whose name, phone or address hold every word of `text`, ignoring case and
    accents, or whose code is `text`; with `gave_in`, only those who gave that year."""
    return REGISTER.search(
        conn, text=text, with_archived=with_archived, entries_in=gave_in, sort=sort
    )


def show(conn: sqlite3.Connection, ref: str) -> dict:
    """A profile with every donation (voided ones left out), oldest first, and what was given
    each year, per kind (money is the kind `cash`, its count the amount in đồng)."""
    profile = get(conn, resolve(conn, ref))
    rows = conn.execute(
        "SELECT g.id, substr(g.id, 19) AS code, g.date, g.kind, g.count, k.unit_en AS unit,"
        " g.programme, g.method, g.value_vnd, g.reference, g.note"
        " FROM donation g JOIN kind k ON k.slug = g.kind"
        f" WHERE g.donor_id = ? AND {counts('g')} ORDER BY g.date, g.id",
        (profile["id"],),
    )
    profile["donations"] = [dict(row) for row in rows]
    by_year = conn.execute(
        "SELECT g.year, g.kind, k.unit_en AS unit, SUM(g.count) AS count,"
        " COUNT(*) AS donations, SUM(g.value_vnd) AS value_vnd"
        " FROM donation g JOIN kind k ON k.slug = g.kind"
        f" WHERE g.donor_id = ? AND {counts('g')}"
        " GROUP BY g.year, g.kind ORDER BY g.year, k.rowid",
        (profile["id"],),
    )
    profile["given_by_year"] = [dict(row) for row in by_year]
    return profile


def public_name(
    donor: Mapping | str | None, lang: Lang | str = Lang.vi, conn: sqlite3.Connection | None = None
) -> str:
    """How a public statement names a donor: their name when they agreed to be named
    (`public`), else "Cán bộ, chiến sĩ" / "Officers" for an officer and "Nhà hảo tâm" /
    "A well-wisher" for anyone else, or for a donation with no donor (None).

    `donor` is a donor's row or profile (with name, type, public), or their id (read with
    `conn`).
    """
    lang = Lang(lang)
    if isinstance(donor, str):
        if conn is None:
            raise TypeError("public_name of a donor id needs the connection")
        donor = conn.execute(
            "SELECT name, type, public FROM donor WHERE id = ?", (donor,)
        ).fetchone()
    if donor is None:
        return WELL_WISHER[lang]
    if donor["public"]:
        return donor["name"]
    if donor["type"] == "officer":
        return OFFICERS[lang]
    return WELL_WISHER[lang]
