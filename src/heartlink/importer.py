"""`heartlink import`: beneficiaries, handouts and spending from CSV or .xlsx sheets, all or
nothing.

A file is read row by row and every row is checked with the rules of `heartlink record` and
`heartlink beneficiary add` (heartlink.handouts.HandoutRules, heartlink.beneficiaries
.check_fields). Every problem is collected, with its row and column; if there is any, nothing
is imported. The import is one transaction, so a failure halfway leaves nothing behind.

Importing a file twice imports nothing the second time:
- a row with an `id` (an export of heartlink) is skipped when that id is already here;
- a handout row without one gets a key (`handout.import_key`) from its content (date, kind,
  count, beneficiary, programme, place, value and note, after checking, so "06/03/2023" and
  "2023-03-06" are the same date) and its occurrence number: the first of two identical rows
  in a file is occurrence 0, the second 1, so two Mondays with the same count stay two
  handouts, and a row whose key is already here is skipped;
- a beneficiary row without an id that matches someone already here (same name ignoring
  accents and case, birth year and residential group) is linked to them, not added again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import NamedTuple

from heartlink import (
    audit,
    beneficiaries,
    closing,
    db,
    donations,
    handouts,
    ids,
    seals,
    sheets,
    spending,
    stations,
    summaries,
)
from heartlink.db import Ledger, utc_now
from heartlink.errors import HeartlinkError, InputError
from heartlink.i18n import _, figure
from heartlink.nouns import BENEFICIARY, DONATION, HANDOUT, SPENDING, Field, Noun
from heartlink.sheets import InputTable
from heartlink.text import clean_name, restored_phone

# Rows checked against the ledger (ids and keys already present) and inserted at a time.
BATCH = 1000
# The page cache of a handout import, in KiB (SQLite's default is 2 MiB): the handout indexes
# that rows go into all over (by beneficiary, by import key) stay in memory, up to about a
# million handouts; more made no difference at that size. SQLite takes only what it uses.
IMPORT_CACHE_KIB = 64 * 1024
# Problems listed in full; beyond that only their number is given.
MAX_LISTED = 200

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Problem:
    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("row {row}, column {column}: {message}").format(
                row=self.row, column=self.column, message=self.message
            )
        return _("row {row}: {message}").format(row=self.row, message=self.message)


class ImportProblems(HeartlinkError):
    """A file with problems in its rows. Nothing was imported; `problems` lists them, and
    `summary` says what was read (the rows left out, a total that disagrees)."""

    def __init__(self, name: str, problems: list[Problem], total: int, summary: dict):
        self.problems = problems
        self.total = total
        self.summary = summary
        # One sentence for each number, not an English plural 's' glued on: a translation
        # puts the file's name where its language does.
        message = (
            _(
                "1 problem in {name}; nothing was imported. Fix the file and import it "
                "again (`--dry-run` checks it without importing)"
            )
            if total == 1
            else _(
                "{total} problems in {name}; nothing was imported. Fix the file and "
                "import it again (`--dry-run` checks it without importing)"
            )
        )
        super().__init__(message.format(total=figure(total), name=name))


@dataclass
class SheetImport:
    """What one import found: counts for the summary, and the problems."""

    sheet: InputTable
    dry_run: bool
    progress: Progress | None
    summary: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    ids_in_file: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.summary = {
            "file": self.sheet.name,
            "dry_run": self.dry_run,
            "rows": 0,
            "imported": 0,
            "already_present": 0,
            "ignored_columns": self.sheet.ignored,
            "left_out": [],
            "total_mismatches": [],
        }

    def problem(self, row: int, column: str | None, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(Problem(row, column, message))

    def records(
        self, required: list[str], rows: Iterable[sheets.Record] | None = None
    ) -> Iterator[tuple[int, dict[str, str], set[str]]]:
        """(row number, {field: text}, the required fields it lacks) of `rows` (by default the
        sheet's records), counted as they go; the missing fields, and what is wrong with a row
        as a whole, are reported here."""
        for number, given, wrong in self.sheet.records() if rows is None else rows:
            self.summary["rows"] += 1
            if self.progress and self.summary["rows"] % 500 == 0:
                self.progress(self.summary["rows"], self.sheet.size)
            if wrong:
                self.problem(number, None, wrong)
            missing = {name for name in required if not given[name].strip()}
            for name in sorted(missing, key=self.sheet.columns.__getitem__):
                self.problem(
                    number, name, _("{field} is empty; every row needs one").format(field=name)
                )
            yield number, given, missing

    def row_problems(self, number: int, found: list[tuple[str, Exception]], skip: set[str]):
        """Problems of one row, in the order of the file's columns; those of `skip` (missing
        fields, already reported) left out."""
        position = self.sheet.columns.get
        for column, exc in sorted(found, key=lambda item: position(item[0], 0)):
            if column not in skip:
                self.problem(number, column, str(exc))

    def file_id(self, number: int, given: dict[str, str]) -> tuple[bool, str | None]:
        """The row's own id, if it has one: (valid, id)."""
        text = given.get("id", "").strip()
        if not text:
            return True, None
        try:
            row_id = ids.check_id(text)
        except InputError as exc:
            self.problem(number, "id", str(exc))
            return False, None
        if row_id in self.ids_in_file:
            self.problem(
                number,
                "id",
                _("the same id as row {ids_in_file}").format(ids_in_file=self.ids_in_file[row_id]),
            )
            return False, None
        self.ids_in_file[row_id] = number
        return True, row_id

    def finish(self) -> dict:
        if self.progress:
            self.progress(self.summary["rows"], self.summary["rows"])
        self.summary["left_out"] = [rows.as_dict() for rows in self.sheet.left_out]
        self.summary["total_mismatches"] = [found.as_dict() for found in self.sheet.mismatches]
        if self.problem_count:
            raise ImportProblems(self.sheet.name, self.problems, self.problem_count, self.summary)
        return self.summary


def _importing(
    ledger: Ledger,
    path: Path | str,
    columns: tuple[Field, ...],
    body: Callable[[sqlite3.Connection, SheetImport], dict],
    *,
    officer: str,
    dry_run: bool,
    progress: Progress | None,
    **summary: object,
) -> dict:
    """Open the file's sheet and run `body` over it: in one write transaction, logged as one
    audit entry with its summary, or, for a dry run, on the ledger as it is (a reader's
    connection, which cannot change it)."""
    if not dry_run and ledger.path is not None and not ledger.path.exists():
        # Into a database not made yet: check the file on an empty ledger first, so that a file
        # with problems does not leave a new, empty database behind.
        with db.open_memory() as empty:
            _importing(
                empty, path, columns, body, officer=officer, dry_run=True, progress=None, **summary
            )
    summed = tuple(column.name for column in columns if column.kind in ("number", "money"))
    with sheets.open_sheet(Path(path), columns, summed) as sheet:
        run = SheetImport(sheet, dry_run, progress)
        run.summary.update(summary)
        if dry_run:
            return body(ledger.conn, run)
        with ledger.write() as conn:
            stations.check_recording(conn)
            before = seals.mark(conn)
            done = body(conn, run)
            audit.append(
                conn,
                audit.IMPORT,
                officer=officer,
                target=sheet.name,
                after=done,
                added_since=before,  # the rows it added are sealed by this one entry
            )
            return done


@contextmanager
def _page_cache(conn: sqlite3.Connection, kib: int) -> Iterator[None]:
    """The connection's page cache set to `kib` KiB, and back to what it was afterwards."""
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = {-kib}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {before}")


def _check_and_add(
    conn: sqlite3.Connection,
    run: SheetImport,
    entry_rows: _EntryRows,
    required: list[str],
    table: str,
    insert: Callable[[sqlite3.Connection, list[dict]], None],
    upkeep: summaries.DeferredTotals | None = None,
) -> None:
    """Check the sheet's rows of entries and insert them into `table`, BATCH at a time."""
    batch: list[dict] = []
    records = run.sheet.records()
    while chunk := list(islice(records, BATCH)):
        # The ids already in the ledger, looked up for BATCH rows at once: no row inserted
        # meanwhile can be one of them (an id is inserted from its first row in the file, and
        # any later row with that id is refused as a repeat before this look-up matters).
        here = _present(conn, "id", _file_ids(chunk), table)
        for number, given, missing in run.records(required, chunk):
            id_ok, row_id = run.file_id(number, given)
            if row_id in here:
                # Already in the ledger: history, skipped unchecked (its beneficiary or donor
                # may have been archived since, which would refuse a new entry).
                run.summary["already_present"] += 1
                continue
            row = entry_rows.checked(number, given, missing, id_ok, row_id)
            if row is None:
                continue
            batch.append(row)
            if len(batch) >= BATCH:
                _add_batch(conn, batch, run, table, insert, upkeep)
    _add_batch(conn, batch, run, table, insert, upkeep)


class _EntryRows:
    """Checks the rows of a sheet of entries (handouts, donations) with their rules, and gives
    each its id, import key (`key`, from its content), officer and time of recording."""

    def __init__(
        self,
        run: SheetImport,
        rules: handouts.HandoutRules,
        officer: str,
        key: Callable[[dict, dict[str, str], Counter[bytes]], str],
    ):
        self.run, self.rules, self.officer, self.key = run, rules, officer, key
        self.created_at = utc_now()
        # Refused by the closed-year triggers too; found here, the refusal names the row.
        self.closed_years = closing.closed_years(rules.conn)
        self.occurrences: Counter[bytes] = Counter()
        self.fresh_ids = _fresh_ids()

    def checked(
        self, number: int, given: dict[str, str], missing: set[str], id_ok: bool, row_id: str | None
    ) -> dict | None:
        """The row ready to insert, or None with its problems reported."""
        run = self.run
        row, found = self.rules.check(given)
        run.row_problems(number, found, missing)
        by = _row_officer(given, self.officer, found)
        kept = _kept_history(run, number, given)
        if row is not None and row["year"] in self.closed_years and "date" not in missing:
            run.problem(number, "date", closing.refusal(row["year"]))
            return None
        if row is None or not id_ok or missing or kept is None or by is None:
            return None
        if row_id is None:
            row["id"] = next(self.fresh_ids)
            row["import_key"] = self.key(row, given, self.occurrences)
        else:  # an export: the same entry, with the key and time it first came in with
            row["id"], row["import_key"] = row_id, kept.get("import_key")
        row.update(officer=by, created_at=kept.get("created_at") or self.created_at)
        return row


def _fresh_ids() -> Iterator[str]:
    """New ids for rows without one, made BATCH at a time."""
    while True:
        yield from ids.new_ids(BATCH)


def _file_ids(records: list[sheets.Record]) -> list[str]:
    """The valid ids the records carry, in canonical form (the others are reported when their
    row is checked)."""
    found = []
    for _number, given, _wrong in records:
        text = given.get("id", "").strip()
        if text:
            with suppress(InputError):
                found.append(ids.check_id(text))
    return found


def _row_officer(
    given: dict[str, str], importing: str, found: list[tuple[str, Exception]]
) -> str | None:
    """Who recorded the row: its officer cell (checked with the row, as `--by` is, by
    HandoutRules), else the officer importing; None when the rules refused the cell."""
    if any(field == "officer" for field, _value in found):
        return None
    text = given.get("officer", "")
    return clean_name(text) if text.strip() else importing


_IMPORT_KEY = re.compile(r"^[0-9a-f]{32}$")
_CREATED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def _kept_history(run: SheetImport, number: int, given: dict[str, str]) -> dict | None:
    """The import key and time of recording an export carries, checked; None if malformed."""
    kept = {}
    for column, form in (("import_key", _IMPORT_KEY), ("created_at", _CREATED_AT)):
        text = given.get(column, "").strip()
        if text and not form.match(text):
            run.problem(
                number,
                column,
                _("{column} is not as heartlink exports write it").format(column=column),
            )
            return None
        kept[column] = text or None
    return kept


# json.dumps(content, ensure_ascii=False), set up once: stored keys depend on these exact bytes.
_KEY_JSON = json.JSONEncoder(ensure_ascii=False)


def row_key(row: dict, given: dict[str, str], occurrences: Counter[bytes]) -> str:
    """The stable key of an imported handout row: its checked content with the number of
    identical rows before it in the file. Programme and value enter as given (not as defaulted
    from the catalogue), so a later change to a kind's programme or unit value keeps keys."""
    content = [
        row["date"],
        row["kind"],
        row["count"],
        row["beneficiary_id"],
        row["programme"] if given.get("programme", "").strip() else None,
        row["value_vnd"] if given.get("value_vnd", "").strip() else None,
        row["place"],
        row["note"],
    ]
    return _content_key(content, occurrences)


def _content_key(content: list, occurrences: Counter[bytes]) -> str:
    """The key of a row's checked content and the number of rows with the same content before
    it in the file."""
    digest = hashlib.sha256(_KEY_JSON.encode(content).encode()).digest()
    occurrence = occurrences[digest]
    occurrences[digest] += 1
    return hashlib.sha256(digest + occurrence.to_bytes(8, "big")).hexdigest()[:32]


def _add_batch(
    conn: sqlite3.Connection,
    batch: list[dict],
    run: SheetImport,
    table: str,
    insert: Callable[[sqlite3.Connection, list[dict]], None],
    upkeep: summaries.DeferredTotals | None,
) -> None:
    """Insert the rows of the batch whose key is not already in `table`, unless only checking
    (rows with an id already here were skipped as they were read); `upkeep`, if any, keeps
    the yearly totals."""
    if not batch:
        return
    present = _present(conn, "import_key", [row["import_key"] for row in batch], table)
    new = [row for row in batch if row["import_key"] not in present]
    run.summary["already_present"] += len(batch) - len(new)
    run.summary["imported"] += len(new)
    if not run.dry_run and not run.problem_count:
        if upkeep is not None:
            upkeep.adding(len(new))
        insert(conn, new)
    batch.clear()


def _present(conn: sqlite3.Connection, column: str, values: list, table: str) -> set:
    values = [value for value in values if value is not None]
    if not values:
        return set()
    marks = ", ".join("?" * len(values))
    rows = conn.execute(f"SELECT {column} FROM {table} WHERE {column} IN ({marks})", values)
    return {row[0] for row in rows}


def spending_key(row: dict, given: dict[str, str], occurrences: Counter[bytes]) -> str:
    """The stable key of an imported spending line: its checked content (spending.KEYED_COLUMNS)
    and occurrence number."""
    return _content_key(["spending", *(row[name] for name in spending.KEYED_COLUMNS)], occurrences)


def donation_key(row: dict, given: dict[str, str], occurrences: Counter[bytes]) -> str:
    """The stable key of an imported donation row, as row_key is of a handout's: programme,
    method and value enter as given, not as defaulted."""
    content = [
        "donation",
        row["date"],
        row["kind"],
        row["count"],
        row["donor_id"],
        row["programme"] if given.get("programme", "").strip() else None,
        row["method"] if given.get("method", "").strip() else None,
        row["value_vnd"] if given.get("value_vnd", "").strip() else None,
        row["reference"],
        row["note"],
    ]
    return _content_key(content, occurrences)


class EntrySheet(NamedTuple):
    """How a sheet of one append-only noun (handouts, donations, spending) is imported: its
    noun (the columns read), table, rules (those of the noun's command), import key, insert,
    and whether its yearly totals are recomputed after a large import instead of kept row by
    row (handouts; the money totals' triggers are cheap enough to run)."""

    noun: Noun
    table: str
    rules: Callable[[sqlite3.Connection, dt.date | None], handouts.HandoutRules]
    key: Callable[[dict, dict[str, str], Counter[bytes]], str]
    insert: Callable[[sqlite3.Connection, list[dict]], None]
    deferred_totals: bool = False

    @property
    def columns(self) -> tuple[Field, ...]:
        return self.noun.of(self.noun.imported)


def import_entries(
    sheet: EntrySheet,
    ledger: Ledger,
    path: Path | str,
    *,
    officer: str,
    dry_run: bool = False,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> dict:
    """Import a sheet of `sheet`'s entries, every row checked with the rules of its command;
    returns a summary: rows, imported, already_present.

    All or nothing: with any problem, ImportProblems lists them and nothing is imported.
    `dry_run` checks everything against the ledger and changes nothing. Idempotent: a row is
    skipped when its id, or its import key (its content and occurrence), is already here.
    """
    return _importing(
        ledger,
        path,
        sheet.columns,
        lambda conn, run: _import_entries(conn, run, sheet, officer, today),
        officer=officer,
        dry_run=dry_run,
        progress=progress,
    )


def _import_entries(
    conn: sqlite3.Connection,
    run: SheetImport,
    sheet: EntrySheet,
    officer: str,
    today: dt.date | None,
) -> dict:
    entry_rows = _EntryRows(run, sheet.rules(conn, today), officer, sheet.key)
    required = [column.name for column in sheet.columns if column.required]
    upkeep = summaries.DeferredTotals(conn) if sheet.deferred_totals else None
    with _page_cache(conn, IMPORT_CACHE_KIB):
        _check_and_add(conn, run, entry_rows, required, sheet.table, sheet.insert, upkeep)
        if upkeep is not None:
            upkeep.finish()
    return run.finish()


HANDOUTS = EntrySheet(
    HANDOUT, "handout", handouts.HandoutRules, row_key, handouts.insert, deferred_totals=True
)
DONATIONS = EntrySheet(
    DONATION, "donation", donations.DonationRules, donation_key, donations.insert
)
SPENDING_LINES = EntrySheet(
    SPENDING, "spending", spending.SpendingRules, spending_key, spending.insert
)
HANDOUT_COLUMNS = HANDOUTS.columns
import_handouts = partial(import_entries, HANDOUTS)
import_donations = partial(import_entries, DONATIONS)
import_spending = partial(import_entries, SPENDING_LINES)


BENEFICIARY_COLUMNS = BENEFICIARY.of(BENEFICIARY.imported)
_REQUIRED_BENEFICIARY = [f.name for f in BENEFICIARY_COLUMNS if f.required]
# The columns read as the fields of `beneficiary add`.
_BENEFICIARY_FIELDS = [f.name for f in BENEFICIARY_COLUMNS if f.check is not None]


def import_beneficiaries(
    ledger: Ledger,
    path: Path | str,
    *,
    officer: str,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> dict:
    """Import a sheet of beneficiaries; returns a summary: rows, imported, already_present
    (their id is here), matched (the same person was already here: linked, not added).

    Someone matching two or more records here is reported, not guessed. All or nothing, as
    import_handouts.
    """
    return _importing(
        ledger,
        path,
        BENEFICIARY_COLUMNS,
        lambda conn, run: _import_beneficiaries(conn, run, officer),
        officer=officer,
        dry_run=dry_run,
        progress=progress,
        matched=0,
        phones_restored=0,
    )


def _import_beneficiaries(conn: sqlite3.Connection, run: SheetImport, officer: str) -> dict:
    created_at = utc_now()
    people_in_file: dict[tuple, int] = {}
    # Rows are linked to people already in the ledger, never to a row of this same file: the
    # ledger's people as they were before the first row went in.
    people_here = _people_by_likeness(conn)
    for number, given, missing in run.records(_REQUIRED_BENEFICIARY):
        raw: dict[str, object] = {
            name: given[name] if given.get(name, "").strip() else None
            for name in _BENEFICIARY_FIELDS
            if name in given
        }
        if raw.get("phone") and (phone := restored_phone(str(raw["phone"]))):
            raw["phone"] = phone
            run.summary["phones_restored"] += 1
        if raw.get("categories"):
            raw["categories"] = [c for c in str(raw["categories"]).replace(",", ";").split(";")]
            raw["categories"] = [c for c in raw["categories"] if c.strip()]
        values, found = beneficiaries.check_fields(conn, raw)
        run.row_problems(number, found, missing)
        id_ok, row_id = run.file_id(number, given)
        if row_id and given["name"].strip().upper() == ids.short_code(row_id):
            raise HeartlinkError(
                _(
                    "{sheet} is the export without personal data: names are codes "
                    "(row {number}, for one); export with --include-personal-data to "
                    "move people to another database"
                ).format(sheet=run.sheet.name, number=number)
            )
        if found or not id_ok or missing:
            continue
        if row_id and _beneficiary_here(conn, row_id):
            run.summary["already_present"] += 1
            continue
        person = beneficiaries.likeness(values)
        # Rows with ids of their own are distinct records, however alike (added with --force).
        if person in people_in_file and not row_id:
            run.problem(
                number,
                "name",
                _(
                    "the same name, birth year and group as row {people_in_file}; "
                    "remove one of the two rows, or tell them apart by birth year or "
                    "group"
                ).format(people_in_file=people_in_file[person]),
            )
            continue
        people_in_file.setdefault(person, number)
        same = people_here.get(person, [])
        if len(same) > 1:
            codes = ", ".join(ids.short_code(same_id) for same_id in same)
            run.problem(
                number,
                "name",
                _(
                    "matches {count} beneficiaries already here (codes {codes}) by "
                    "name, birth year and group; put the right one's code in an id "
                    "column"
                ).format(count=len(same), codes=codes),
            )
        elif same:
            run.summary["matched"] += 1
            if row_id and not run.dry_run:
                conn.execute(
                    "INSERT INTO beneficiary_alias (alias_id, beneficiary_id) VALUES (?, ?)",
                    (row_id, same[0]),
                )
        else:
            run.summary["imported"] += 1
            new_id = row_id or ids.new_id()
            if not run.dry_run:
                beneficiaries.insert(
                    conn, values, beneficiary_id=new_id, officer=officer, created_at=created_at
                )
    return run.finish()


def _people_by_likeness(conn: sqlite3.Connection) -> dict[tuple, list[str]]:
    """The ids of everyone in the ledger by their likeness (beneficiaries.likeness), in id
    order: what beneficiaries.find_same answers for one person, for every row of an import
    from one reading of the table instead of one scan of it per row."""
    people: dict[tuple, list[str]] = {}
    rows = conn.execute("SELECT id, name, born, residential_group FROM beneficiary ORDER BY id")
    for beneficiary_id, name, born, group in rows:
        key = beneficiaries.likeness({"name": name, "born": born, "group": group})
        people.setdefault(key, []).append(beneficiary_id)
    return people


def _beneficiary_here(conn: sqlite3.Connection, beneficiary_id: str) -> bool:
    return bool(
        conn.execute(
            "SELECT 1 FROM beneficiary WHERE id = ?1"
            " UNION ALL SELECT 1 FROM beneficiary_alias WHERE alias_id = ?1",
            (beneficiary_id,),
        ).fetchone()
    )
