"""Registers: the records of people and organisations that are kept up to date (beneficiaries,
donors), unlike append-only entries (heartlink.entries).

A register adds a record with its audit entry, refuses a likely duplicate unless forced,
changes only the fields given (audited before and after), archives and brings back (an
archived record stays, but takes no new entries), resolves an id or short code, and finds
records by the words of their name and other fields, ignoring case and accents. What differs
between nouns is said once, in the Register: its description (heartlink.nouns), what makes two
records alike, and the fields searched.
"""

import sqlite3
from collections.abc import Callable, Iterator
from enum import StrEnum
from typing import NamedTuple

from heartlink import audit, ids
from heartlink.db import Ledger, utc_now
from heartlink.entries import counts
from heartlink.errors import HeartlinkError, InputError, NotFoundError
from heartlink.i18n import _
from heartlink.name_order import vietnamese_sort_key
from heartlink.nouns import Noun
from heartlink.text import fold


class Sort(StrEnum):
    """The orders of a list of records: `name` as a Vietnamese list (heartlink.name_order),
    `code` (random bits: an order that tells nothing about anyone), `added` (when each was
    registered in this ledger)."""

    name = "name"
    code = "code"
    added = "added"


# Each order, ending with the id so that records that tie keep one order. `name` walks the
# index of the stored keys (migration 0011), `code` that of the codes (0005, 0008).
_ORDER_BY = {
    Sort.name: "{a}.name_sort_key, {a}.id",
    Sort.code: "substr({a}.id, 19), {a}.id",
    Sort.added: "{a}.created_at, {a}.id",
}


class Actions(NamedTuple):
    """The audit actions of a register's four changes."""

    add: str
    edit: str
    archive: str
    unarchive: str


class Register(NamedTuple):
    """One register (see the module's docstring).

    `select` reads the table under `alias` (with whatever `profile` needs besides its row);
    `likeness` is what makes two records (dicts of the noun's fields) likely the same, from the
    fields `alike_by`; `alike` and `someone_else` word the duplicate refusal.
    """

    noun: Noun
    table: str
    alias: str
    select: str
    profile: Callable[[sqlite3.Row], dict]
    actions: Actions
    likeness: Callable[[dict], tuple]
    alike_by: tuple[str, ...]
    alike: str  # "the same name and type"
    someone_else: str  # "a different donor"
    searched: tuple[str, ...]  # the columns whose words `search` finds; the first is the name
    entries: tuple[str, str]  # the table of the record's entries, and its column naming them
    # Checks that need the database (a beneficiary's categories against the catalogue).
    checks_with: Callable[[sqlite3.Connection], dict] | None = None
    # Rows of their own for some fields (a beneficiary's categories), after insert or edit.
    write_rows: Callable[[sqlite3.Connection, str, dict], None] | None = None
    # An id another file gave someone matched to a record here, when no record has it.
    resolve_alias: Callable[[sqlite3.Connection, str], str | None] | None = None

    @property
    def name(self) -> str:
        return self.noun.name

    @property
    def find_hint(self) -> str:
        return _("find it with `heartlink {noun} list --search NAME`").format(noun=self.name)

    def check_fields(
        self, conn: sqlite3.Connection | None, given: dict
    ) -> tuple[dict, list[tuple[str, Exception]]]:
        """Validated column values for the fields present in `given` (None means not given),
        and the problems found, per field. An empty string clears an optional field. Without
        a connection, checks that need the database are skipped (so that input can be checked
        before the database is opened).

        The one set of checks for `add`, `edit` and import.
        """
        cleaners = {field.name: field.check for field in self.noun.settable}
        if conn and self.checks_with:
            cleaners.update(self.checks_with(conn))
        values, problems = {}, []
        for field, value in given.items():
            if value is None:
                continue
            try:
                values[field] = cleaners[field](value)
            except HeartlinkError as exc:
                problems.append((field, exc))
        return values, problems

    def clean_fields(self, conn: sqlite3.Connection | None, given: dict) -> dict:
        values, problems = self.check_fields(conn, given)
        if problems:
            raise problems[0][1]
        return values

    def columns(self, values: dict) -> dict:
        """The checked values of the fields stored in the register's table, by their column,
        with the name's sort key when the name is among them: the one place it is kept."""
        noun = self.noun
        columns = {noun[f].column: v for f, v in values.items() if noun[f].column}
        if "name" in values:
            columns["name_sort_key"] = vietnamese_sort_key(values["name"])
        return columns

    def insert(
        self,
        conn: sqlite3.Connection,
        values: dict,
        *,
        record_id: str,
        officer: str,
        created_at: str,
    ) -> None:
        """Insert a checked record (see check_fields), and its rows of their own."""
        columns = self.columns(values)
        columns.update(id=record_id, created_at=created_at, created_by=officer)
        marks = ", ".join("?" for _column in columns)
        conn.execute(
            f"INSERT INTO {self.table} ({', '.join(columns)}) VALUES ({marks})",
            tuple(columns.values()),
        )
        if self.write_rows:
            self.write_rows(conn, record_id, values)

    def _refuse_missing(self, fields: dict) -> None:
        for field in self.noun.fields:
            if not field.required or field.check is None or fields.get(field.name) is not None:
                continue
            if field.name == "name":
                raise InputError(_("name is empty; give a name"))
            flag = field.option.flags[0] if field.option else field.name
            hint = field.option.help.rstrip(".") if field.option else ""
            raise InputError(
                _("{field} is missing; give {flag} ({hint})").format(
                    field=field.name, flag=flag, hint=hint
                )
            )

    def add(
        self,
        ledger: Ledger,
        *,
        officer: str,
        force: bool = False,
        record_id: str | None = None,
        **fields: object,
    ) -> dict:
        """Register a record from its settable fields; returns the new profile.

        `record_id` keeps an id made elsewhere (another station's file, an export).
        """
        self._refuse_missing(fields)
        new_id = ids.check_id(record_id) if record_id else ids.new_id()
        self.clean_fields(None, fields)  # refuse bad input before the database is opened
        with ledger.write() as conn:
            values = self.clean_fields(conn, fields)
            if not force:
                self._refuse_duplicate(conn, values, except_id=None)
            self.insert(conn, values, record_id=new_id, officer=officer, created_at=utc_now())
            profile = self.get(conn, new_id)
            audit.append(conn, self.actions.add, officer=officer, target=new_id, after=profile)
            return profile

    def edit(
        self, ledger: Ledger, ref: str, *, officer: str, force: bool = False, **fields: object
    ) -> dict:
        """Change the given fields of a record; returns the profile after the change."""
        if all(value is None for value in fields.values()):
            raise InputError(_("nothing to change; give at least one option, see --help"))
        self.clean_fields(None, fields)
        with ledger.write() as conn:
            record_id = self.resolve(conn, ref)
            values = self.clean_fields(conn, fields)
            current = self.get(conn, record_id)
            if not force and set(self.alike_by) & values.keys():
                merged = {key: values.get(key, current[key]) for key in self.alike_by}
                self._refuse_duplicate(conn, merged, except_id=record_id)
            columns = self.columns(values)
            columns["updated_at"] = utc_now()
            assignments = ", ".join(f"{column} = ?" for column in columns)
            conn.execute(
                f"UPDATE {self.table} SET {assignments} WHERE id = ?",
                (*columns.values(), record_id),
            )
            if self.write_rows:
                self.write_rows(conn, record_id, values)
            after = self.get(conn, record_id)
            audit.append(
                conn,
                self.actions.edit,
                officer=officer,
                target=record_id,
                before=current,
                after=after,
            )
            return after

    def set_archived(self, ledger: Ledger, ref: str, archived: bool, *, officer: str) -> dict:
        """Archive (hide from lists, refuse new entries) or bring back a record."""
        with ledger.write() as conn:
            record_id = self.resolve(conn, ref)
            before = self.get(conn, record_id)
            if before["archived"] == archived:
                state = "already archived" if archived else "not archived"
                raise HeartlinkError(
                    _("{noun} {code} is {state}").format(
                        noun=self.name, code=ids.short_code(record_id), state=state
                    )
                )
            now = utc_now()
            conn.execute(
                f"UPDATE {self.table} SET archived_at = ?, updated_at = ? WHERE id = ?",
                (now if archived else None, now, record_id),
            )
            after = self.get(conn, record_id)
            action = self.actions.archive if archived else self.actions.unarchive
            audit.append(
                conn, action, officer=officer, target=record_id, before=before, after=after
            )
            return after

    def find_same(
        self, conn: sqlite3.Connection, values: dict, except_id: str | None = None
    ) -> list[dict]:
        """Records alike (see likeness) to `values`, apart from `except_id`, in id order."""
        key = self.likeness(values)
        a = self.alias
        rows = conn.execute(
            self.select
            + f" WHERE heartlink_fold({a}.name) = ? AND {a}.id IS NOT ? ORDER BY {a}.id",
            (fold(values["name"]), except_id),
        )
        return [profile for profile in map(self.profile, rows) if self.likeness(profile) == key]

    def _refuse_duplicate(
        self, conn: sqlite3.Connection, values: dict, except_id: str | None
    ) -> None:
        for same in self.find_same(conn, values, except_id)[:1]:
            archived = " (archived)" if same["archived_at"] else ""
            raise HeartlinkError(
                _(
                    "a {noun} with {alike} already exists{archived}: code {code}. "
                    "Use that record, or add --force if this is {someone_else}"
                ).format(
                    noun=self.name,
                    alike=self.alike,
                    archived=archived,
                    code=ids.short_code(same["id"]),
                    someone_else=self.someone_else,
                )
            )

    def resolve(self, conn: sqlite3.Connection, ref: str) -> str:
        """The full id for an id or short code. Text that cannot be an id or code is an
        InputError (a usage error); an id or code that matches nobody, NotFoundError."""
        try:
            return ids.resolve(conn, self.table, ref, self.name, self.find_hint)
        except NotFoundError:
            found = self.resolve_alias(conn, ref) if self.resolve_alias else None
            if found is None:
                raise
            return found

    def resolve_active(self, conn: sqlite3.Connection, ref: str) -> str:
        """The full id of a record that may take new entries (exists and is not archived)."""
        record_id = self.resolve(conn, ref)
        row = conn.execute(f"SELECT archived_at FROM {self.table} WHERE id = ?", (record_id,))
        if row.fetchone()["archived_at"]:
            code = ids.short_code(record_id)
            raise HeartlinkError(
                _(
                    "{noun} {code} is archived; bring them back with `heartlink "
                    "{noun} unarchive {code}` first"
                ).format(noun=self.name, code=code)
            )
        return record_id

    def get(self, conn: sqlite3.Connection, record_id: str) -> dict:
        row = conn.execute(self.select + f" WHERE {self.alias}.id = ?", (record_id,)).fetchone()
        return self.profile(row)

    def search(
        self,
        conn: sqlite3.Connection,
        *,
        text: str | None = None,
        with_archived: bool = False,
        where: tuple[str, ...] = (),
        params: tuple = (),
        entries_in: int | None = None,
        sort: Sort = Sort.name,
    ) -> Iterator[dict]:
        """Records whose searched fields hold every word of `text`, ignoring case and accents
        ("pham thanh son" finds "Phạm Thanh Sơn"), or whose code is `text`; that meet the
        conditions `where` (with their `params`); and with `entries_in`, that have an entry
        that counts (heartlink.entries) in that year; in the order `sort`."""
        a = self.alias
        conditions, values = list(where), list(params)
        if not with_archived:
            conditions.insert(0, f"{a}.archived_at IS NULL")
        if entries_in is not None:
            table, column = self.entries
            conditions.append(
                f"EXISTS (SELECT 1 FROM {table} e WHERE e.{column} = {a}.id AND e.year = ?"
                f" AND {counts('e')})"
            )
            values.append(entries_in)
        if text and text.strip():
            first, *others = self.searched
            joined = " || ' ' || ".join(
                [f"{a}.{first}", *(f"coalesce({a}.{column}, '')" for column in others)]
            )
            haystack = f"heartlink_fold({joined})"
            words = fold(text).split()
            by_words = " AND ".join(f"instr({haystack}, ?) > 0" for _word in words)
            if ids.looks_like_reference(text):
                conditions.append(f"(({by_words}) OR {a}.id LIKE '%' || ?)")
                values.extend([*words, ids.normalize_reference(text)])
            else:
                conditions.append(f"({by_words})")
                values.extend(words)
        sql = self.select + (" WHERE " + " AND ".join(conditions) if conditions else "")
        sql += " ORDER BY " + _ORDER_BY[Sort(sort)].format(a=a)
        for row in conn.execute(sql, values):
            yield self.profile(row)
