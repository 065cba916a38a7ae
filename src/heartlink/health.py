"""`heartlink check`: is the database sound, does it still match its audit log, and do its
backups still match their checksums."""

import sqlite3
from pathlib import Path

from heartlink import audit, backup, db, soundness, summaries
from heartlink.errors import DatabaseError
from heartlink.i18n import _

# Findings listed one by one; beyond that, one more says how many were left out.
MAX_FINDINGS = 200


def _check_totals(conn: sqlite3.Connection) -> tuple[bool, str]:
    """Whether the yearly totals kept for reports agree with the handouts."""
    wrong = summaries.differences(conn)
    if not wrong:
        return True, _("yearly totals agree with the handouts, donations and spending")
    return False, (
        f"{wrong} row(s) of the yearly totals disagree with the entries; reports and funds may be"
        " wrong"
        " until `heartlink db rebuild-totals` recomputes them"
    )


def _check_stock(conn: sqlite3.Connection) -> tuple[bool, str, list[dict]]:
    """Whether the stock of every tracked kind stayed at zero or above, day by day."""
    from heartlink import stock

    below = stock.below_zero(conn)
    if not below:
        return True, _("no tracked kind's stock went below zero"), []
    found = [
        {
            "kind": "stock",
            "target": line["kind"],
            "detail": _(
                "stock of {kind} went below zero on {date} ({level:,} that day; "
                "lowest {lowest:,}, now {now:,}); record what came in, or void "
                "the handout recorded by mistake"
            ).format(
                kind=line["kind"],
                date=line["date"],
                level=line["level"],
                lowest=line["lowest"],
                now=line["now"],
            ),
        }
        for line in below
    ]
    return False, _("{count} tracked kind(s) went below zero").format(count=len(below)), found


def _check_funds(conn: sqlite3.Connection) -> tuple[bool, str, list[dict]]:
    """Whether every fund held money at the end of each year (spending more than a fund holds
    is allowed, the officers may advance it, but someone should top it up). A ledger that
    records no money coming in or going out has no funds to judge: its cash handouts were paid
    from outside it."""
    from heartlink import funds

    if not conn.execute(
        "SELECT EXISTS (SELECT 1 FROM donation_year) OR EXISTS (SELECT 1 FROM spending_year)"
    ).fetchone()[0]:
        return True, _("no money recorded coming in or going out"), []
    negative = [
        {
            "kind": "fund",
            "target": row["programme"],
            "detail": _(
                "the balance of fund {programme} was {closing_vnd:,} VND at the "
                "end of {year}; it was spent or handed out beyond what it "
                "received"
            ).format(programme=row["programme"], closing_vnd=row["closing_vnd"], year=row["year"]),
        }
        for row in funds.negative_funds(conn)
    ]
    if not negative:
        return True, _("no fund below zero"), []
    # Listed, not failed: a fund may be advanced, and the ledger is still sound.
    return (
        True,
        _("{count} fund(s) went below zero; see the findings").format(count=len(negative)),
        negative,
    )


def _check_sponsorships(conn: sqlite3.Connection) -> tuple[bool, str, list[dict]]:
    """Whether every sponsorship's identities hold (heartlink.sponsorships.verify): pledged −
    received = owed, received − paid out = held, the instalments' paid amounts add up to the
    linked payments, and each linked payment is cash to its beneficiary or from its donor."""
    from heartlink import sponsorships
    from heartlink.i18n import _

    broken, warnings = sponsorships.verify(conn)
    if broken:
        return (
            False,
            _("{count} sponsorship identity(ies) broken").format(count=len(broken)),
            [
                *broken,
                *warnings,
            ],
        )
    if warnings:
        # Listed, not failed: the money was passed on and then its donation voided.
        detail = _("{count} sponsorship(s) paid out beyond what was received; see the findings")
        return True, detail.format(count=len(warnings)), warnings
    return True, _("every sponsorship's figures add up"), []


def _check_closed_years(conn: sqlite3.Connection) -> tuple[bool, str, list[dict]]:
    """Whether every closed year's records still hash as they did when it was closed."""
    from heartlink import closing
    from heartlink.i18n import _

    changed = closing.verify(conn)
    if changed:
        years = ", ".join(finding["target"] for finding in changed)
        detail = _("the records of closed year(s) {years} changed since closing")
        return False, detail.format(years=years), changed
    return True, _("every closed year's records match their hash"), []


def check(db_path: Path) -> dict:
    """Integrity, foreign keys, schema (version and every table, index and trigger), yearly
    totals, the audit chain and every record against it, and the checksum of every backup in
    the default backup folder. Reads only.

    Returns {"ok", "database", "checks": [{"check", "ok", "detail"}], "findings": [{"kind",
    "target", "detail"}], "head": the chain head ({"entry", "hash", "entries"}) or None}.
    """
    checks: list[dict] = []
    findings: list[dict] = []
    result = {"ok": True, "database": str(db_path), "checks": checks, "findings": findings}
    result["head"] = None

    def note(name: str, ok: bool, detail: str, found: list[dict] | None = None) -> None:
        """One check; a failed one is a finding (or `found` lists them)."""
        checks.append({"check": name, "ok": ok, "detail": detail})
        if found:
            findings.extend(found)
        elif not ok:
            findings.append({"kind": name, "target": name, "detail": detail})

    try:
        if not db_path.is_file():
            note("database", False, _("no database at {db_path}").format(db_path=db_path))
            return result
        conn = _open_to_check(db_path)
        # Text that is not UTF-8 (a damaged file) is read with U+FFFD in its place, so that the
        # checks go on: the content check names it, and the seals then differ where it is.
        conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
        try:
            _check_database(conn, db_path, note, result)
        finally:
            conn.close()
        folder = backup.default_folder(db_path)
        found = backup.backups_in(folder)
        if not found:
            note("backups", True, _("no backups in {folder}").format(folder=folder))
        for path in found:
            status = backup.checksum_status(path)
            note(f"backup {path.name}", status == "ok", backup.describe_checksum(status))
        note("partial files", *backup.leftovers_verdict(db_path))
        note("export files", *_export_leftovers(db_path))
        return result
    finally:
        if len(findings) > MAX_FINDINGS:
            left = len(findings) - MAX_FINDINGS
            del findings[MAX_FINDINGS:]
            findings.append(
                {
                    "kind": "more",
                    "target": None,
                    "detail": _("{left} more not listed").format(left=left),
                }
            )
        result["ok"] = all(c["ok"] for c in checks)


def _check_database(conn: sqlite3.Connection, db_path: Path, note, result: dict) -> None:
    try:
        version = db.schema_version(conn, db_path)
    except DatabaseError as exc:
        note("schema", False, str(exc))
        return
    current = version == db.SCHEMA_VERSION
    note(
        "schema",
        True,
        _("version {version}").format(version=version)
        + ("" if current else _(", upgraded on the next write")),
    )
    try:
        soundness.check_sound(conn, "the database")
        note("integrity", True, _("integrity and foreign keys ok"))
    except DatabaseError as exc:
        note("integrity", False, str(exc))
        return
    note("content", *soundness.content_verdict(conn))
    if not current:
        return
    objects = [
        {key: d[key] for key in ("kind", "target", "detail")}
        for d in soundness.schema_differences(conn)
    ]
    note(
        "schema objects",
        not objects,
        _("{count} table(s), index(es) or trigger(s) not as heartlink made them").format(
            count=len(objects)
        )
        if objects
        else _("every table, index and trigger as heartlink made them"),
        objects,
    )
    note("totals", *_check_totals(conn))
    note("stock", *_check_stock(conn))

    note("funds", *_check_funds(conn))
    note("sponsorships", *_check_sponsorships(conn))
    note("closed years", *_check_closed_years(conn))
    verified = audit.verify(conn)
    result["head"] = verified["head"]
    head = verified["head"]
    chain = [f for f in verified["findings"] if f["kind"] == "chain"]
    note(
        "audit chain",
        not chain,
        _("{count} break(s) in the chain of {entries} entries").format(
            count=len(chain), entries=head["entries"]
        )
        if chain
        else _("{entries} entries, head {hash}").format(entries=head["entries"], hash=head["hash"]),
        chain,
    )
    changed = [f for f in verified["findings"] if f["kind"] != "chain"]
    note(
        "records",
        not changed,
        _("{count} record(s) changed outside heartlink").format(count=len(changed))
        if changed
        else _("every record matches the audit log"),
        changed,
    )


def _export_leftovers(db_path: Path) -> tuple[bool, str]:
    """Temporary files of exports that were killed before they could clean up, beside the
    database and in the current folder (where an export writes by default): they may hold
    personal data."""
    from heartlink import files

    folders = dict.fromkeys((db_path.parent.resolve(), Path.cwd().resolve()))
    found = [path for folder in folders for path in files.leftover_temporary_files(folder)]
    if not found:
        return True, _("no temporary files of unfinished exports")
    names = ", ".join(path.name for path in found)
    where = " or ".join(str(folder) for folder in folders)
    return False, (
        _(
            "{count} temporary file(s) of an export that did not finish: "
            "{names} (in {where}); they may hold personal data. Delete them "
            "once no export is running"
        ).format(count=len(found), names=names, where=where)
    )


def _open_to_check(db_path: Path) -> sqlite3.Connection:
    """The database opened so that checking cannot change it. SQLite's integrity_check leaves
    CHECK constraints out on a read-only connection, so a file this user may write is opened
    read-write with every write refused (query_only); any other read-only."""
    import os

    if os.access(db_path, os.R_OK | os.W_OK) and os.access(db_path.parent, os.W_OK):
        conn = db.connect_plain(db_path, mode="rw", timeout=db.BUSY_TIMEOUT_S)
        conn.execute("PRAGMA query_only = 1")
        return conn
    return db.connect_plain(db_path, mode="ro")
