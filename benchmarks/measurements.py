"""The measurements of issue 5, in the order they run.

Each is a function that builds its comparisons from the context, registered with
`@measurement`; one whose command is missing from this heartlink is skipped with the reason.
The command lines under test are built by `import_argv`, `backup_argv` and `export_argv`.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from benchmarks import datagen
from benchmarks.harness import (
    MEMORY,
    RATE,
    BenchmarkError,
    Command,
    Comparison,
    Context,
    Skip,
    measurement,
    run_once,
    say,
)

MILLION = 1_000_000


def size_label(count: int) -> str:
    """1, 1k, 1M, 10M, 2.5M."""
    for unit, scale in (("M", MILLION), ("k", 1000)):
        if count >= scale:
            return f"{count / scale:g}{unit}"
    return str(count)


def _copy(source: Path, target: Path) -> None:
    """A private copy of a cached ledger, for commands that write to it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _emptied(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)


# 1. Recording one handout ------------------------------------------------------------------

# The floor: a Python process that opens the same file with the standard sqlite3 module and
# inserts one handout, as durably as heartlink does (synchronous=FULL, one transaction).
FLOOR_INSERT = """\
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA synchronous = FULL")
conn.execute("BEGIN IMMEDIATE")
conn.execute(
    "INSERT INTO handout (id, date, year, kind, programme, count, officer, created_at)"
    " VALUES (?, date('now'), strftime('%Y', 'now'), 'meal', 'meals', 120, 'floor',"
    " strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
    (os.urandom(13).hex().upper(),),
)
conn.execute("COMMIT")
"""


@measurement("record", "`heartlink record meal --count 120` against a bare sqlite3 insert")
def record(ctx: Context) -> list[Comparison]:
    """In English, then in Vietnamese (issue 15: the budget holds in both languages; the
    catalogue is read only when a message is translated), each on its own copy of one ledger."""
    comparisons = []
    for label, env in (("", {}), (" in Vietnamese (HEARTLINK_LANG=vi)", {"HEARTLINK_LANG": "vi"})):
        db = ctx.scratch(f"record{'-vi' if env else ''}.db")
        _copy(ctx.ledger(1000), db)
        comparisons.append(
            Comparison(
                f"1{'v' if env else ''}. record{label} (1k ledger)",
                Command(
                    f"heartlink record meal --count 120{label}",
                    ctx.heartlink(db, "record", "meal", "--count", "120"),
                    env=env,
                ),
                Command(
                    "python: sqlite3 insert of one row", ctx.python("-c", FLOOR_INSERT, str(db))
                ),
                limit=4.5,
            )
        )
    return comparisons


@measurement("receive", "`heartlink receive cash --count 2.000.000` against `heartlink record`")
def receive(ctx: Context) -> list[Comparison]:
    """Issue 11: `receive` starts as fast as `record` (each on its own copy of one ledger)."""
    received, recorded = ctx.scratch("receive.db"), ctx.scratch("receive-record.db")
    _copy(ctx.ledger(1000), received)
    _copy(ctx.ledger(1000), recorded)
    return [
        Comparison(
            "1b. receive (1k ledger)",
            Command(
                "heartlink receive cash --count 2.000.000",
                ctx.heartlink(received, "receive", "cash", "--count", "2.000.000"),
            ),
            Command(
                "heartlink record meal --count 120",
                ctx.heartlink(recorded, "record", "meal", "--count", "120"),
            ),
            limit=1.2,
        )
    ]


# 2. Yearly totals at every size -------------------------------------------------------------


def report_limit(count: int) -> float:
    """Issue 5: at most 1.3 times the one-handout report up to a million, 1.5 at ten million."""
    return 1.3 if count <= MILLION else 1.5


@measurement("report", "`heartlink report YEAR` on big ledgers against a one-handout ledger")
def report(ctx: Context) -> list[Comparison]:
    year = str(datagen.report_year(ctx.years))
    one = ctx.ledger(1)
    comparisons = []
    for count in ctx.sizes:
        db = ctx.ledger(count)
        in_year = datagen.per_year(count, ctx.years)[-1]
        check_report_plan(db, int(year))
        comparisons.append(
            Comparison(
                f"2. report {size_label(count)} ({size_label(in_year)} in {year})",
                Command(
                    f"heartlink report {year} on {count:,} handouts",
                    ctx.heartlink(db, "report", year),
                ),
                Command(
                    f"heartlink report {year} on 1 handout", ctx.heartlink(one, "report", year)
                ),
                limit=report_limit(count),
            )
        )
    return comparisons


# How a report statement may read one year and nothing else: the yearly summary by its
# primary key (heartlink.summaries), or the handouts through the covering index.
ONE_YEAR = (
    "SEARCH year_summary USING PRIMARY KEY (year=?",
    "USING COVERING INDEX handout_year_totals (year=?)",
)


def reads_one_year(plan: list[str]) -> bool:
    return any(way in step for step in plan for way in ONE_YEAR)


def traced_plans(
    db: Path, run: Callable[[sqlite3.Connection], object], tables: tuple[str, ...]
) -> list[list[str]]:
    """EXPLAIN QUERY PLAN of every statement `run` makes heartlink execute that reads one of
    `tables`, caught as it runs them (so the plans follow heartlink's code as it changes)."""
    from heartlink import db as heartlink_db

    statements: list[str] = []
    with heartlink_db.open_for_read(db) as ledger:
        ledger.conn.set_trace_callback(statements.append)
        run(ledger.conn)
        ledger.conn.set_trace_callback(None)
        return [
            [row[3] for row in ledger.conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
            for sql in statements
            if any(f"FROM {table}" in sql for table in tables)
        ]


def report_plans(db: Path, year: int) -> list[list[str]]:
    """EXPLAIN QUERY PLAN of every statement heartlink runs on handouts or their summary for a
    yearly report."""
    from heartlink import reports

    def yearly_report(conn: sqlite3.Connection) -> None:
        reports.yearly(conn, year)
        reports.view(conn, year, "kind")

    return traced_plans(db, yearly_report, ("handout", "year_summary"))


def check_report_plan(db: Path, year: int) -> None:
    """Say whether every report statement reads only the one year (never other years, never
    the whole table), and which temporary b-trees it builds."""
    plans = report_plans(db, year)
    for plan in plans:
        if not reads_one_year(plan):
            say(f"  WARNING: a report statement reads more than the year: {' / '.join(plan)}")
    temporary = Counter(
        step.removeprefix("USE TEMP B-TREE FOR ")
        for plan in plans
        for step in plan
        if step.startswith("USE TEMP B-TREE")
    )
    extra = ", ".join(f"{what} ×{times}" for what, times in temporary.items()) or "none"
    say(
        f"  query plan: {sum(reads_one_year(p) for p in plans)} of {len(plans)} statements"
        f" read only the one year (year_summary or handout_year_totals); temporary b-trees:"
        f" {extra}"
    )


# 2b. Funds and the statement (issue 11) ----------------------------------------------------

# The big money ledger: the million entries over ten years, 70% donations (mostly
# cash, some goods) and 30% spending lines; both money ledgers hold the same 1k handouts, so
# only the money differs between subject and baseline.
DONATION_SHARE = 0.7
MONEY_HANDOUTS = 1000
# The money tables and their yearly totals, as `funds` and `statement` read them.
MONEY_TABLES = ("donation", "spending", "donation_year", "spending_year", "year_summary")


def money_ledger(ctx: Context, entries: int) -> Path:
    """The cached ledger of MONEY_HANDOUTS handouts and `entries` donations and spending lines
    (DONATION_SHARE of them donations; a one-entry ledger holds one donation, in the last
    year), generated on first use."""
    donations = max(1, round(entries * DONATION_SHARE))
    options = {
        "years": ctx.years,
        "seed": ctx.seed,
        "donations": donations,
        "spending": entries - donations,
    }
    path = datagen.cache_path(ctx.work, MONEY_HANDOUTS, **options)
    if not path.exists():
        say(
            f"  generating a ledger of {donations:,} donations and {entries - donations:,}"
            " spending lines (kept for later runs)…"
        )
        datagen.cached(ctx.work, MONEY_HANDOUTS, **options)
    return path


def funds_plans(db: Path, year: int) -> list[list[str]]:
    """EXPLAIN QUERY PLAN of every statement `heartlink funds YEAR` runs on the money."""
    from heartlink import funds

    return traced_plans(db, lambda conn: funds.balances(conn, year), MONEY_TABLES)


ENTRY_TABLES = ("donation", "spending")
# A plan step on the entries names their table or one of its indexes (a joined table is
# named by its alias, `SEARCH d USING INDEX donation_by_year`); not donation_year.
_ENTRIES = re.compile(r"\b(donation|spending)(_by_\w+)?\b")


def reads_entries(step: str) -> bool:
    """Whether a query-plan step reads the donations or spending lines themselves."""
    return bool(_ENTRIES.search(step))


def show_money_plans(db: Path, year: int) -> None:
    """Say how `funds` and `statement` read the money: each funds statement's plan (with a
    warning for any that reads the entries rather than their yearly totals), and how many of
    the statement's reads of the entries are bounded by the year."""
    from heartlink import funds

    for plan in funds_plans(db, year):
        if any(reads_entries(step) for step in plan):
            say(f"  WARNING: funds reads the entries: {' / '.join(plan)}")
        say(f"  funds query plan: {' / '.join(plan)}")
    plans = traced_plans(db, lambda conn: funds.statement(conn, year), ENTRY_TABLES)
    entry_steps = [step for plan in plans for step in plan if reads_entries(step)]
    in_year = [step for step in entry_steps if "(year=?)" in step]
    say(
        f"  statement: {len(entry_steps)} reads of donations or spending, {len(in_year)} of"
        f" them of the one year; the others: {', '.join(sorted(set(entry_steps) - set(in_year)))}"
    )


def live_receipts(db: Path, year: int) -> int:
    """The receipts a statement of `year` lists: the donations of the year not voided."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        found = conn.execute(
            "SELECT count(*) FROM donation WHERE year = ? AND voided_at IS NULL", (year,)
        )
        return found.fetchone()[0]
    finally:
        conn.close()


def _statement_command(ctx: Context, db: Path, year: int, label: str) -> Command:
    """`heartlink statement YEAR --format json` to a scratch file, checked to list every
    receipt of the year."""
    import json

    output = ctx.scratch(f"{db.stem}.statement.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    expected = live_receipts(db, year)

    def lists_every_receipt() -> None:
        with open(output, encoding="utf-8") as f:
            _expect_rows(f"statement of {db.name}", len(json.load(f)["receipts"]), expected)

    return Command(
        f"heartlink statement {year} --format json, {label}",
        ctx.heartlink(db, "statement", str(year), "--format", "json"),
        stdout=output,
        check=lists_every_receipt,
    )


@measurement("funds", "`heartlink funds YEAR` (and `statement`) on 1M money entries vs one")
def funds(ctx: Context) -> list[Comparison]:
    """Issue 11: `funds YEAR` on a million donations and spending lines over ten years at most
    1.3 times its time on a ledger of one donation. The statement lists every line of the
    year, so it is shown for information (no target)."""
    ctx.require_heartlink("funds")
    year = datagen.report_year(ctx.years)
    entries = bulk_size(ctx)
    big, one = money_ledger(ctx, entries), money_ledger(ctx, 1)
    show_money_plans(big, year)
    label = f"{entries:,} donations and spending lines"
    comparisons = [
        Comparison(
            f"2b. funds {size_label(entries)} money entries vs 1 donation",
            Command(f"heartlink funds {year} on {label}", ctx.heartlink(big, "funds", str(year))),
            Command(
                f"heartlink funds {year} on 1 donation", ctx.heartlink(one, "funds", str(year))
            ),
            limit=1.3,
        )
    ]
    try:
        ctx.require_heartlink("statement")
    except Skip as reason:
        say(f"  statement skipped: {reason}")
        return comparisons
    in_year = live_receipts(big, year)
    comparisons.append(
        Comparison(
            f"2c. statement --format json {size_label(entries)} money entries vs 1 donation",
            _statement_command(ctx, big, year, f"{in_year:,} receipts"),
            _statement_command(ctx, one, year, "1 receipt"),
            limit=None,
        )
    )
    return comparisons


# Import, backup and export run on one ledger ------------------------------------------------


def bulk_size(ctx: Context) -> int:
    """The ledger size for import, backup and export: the issue's million, or the largest of
    --sizes when that is smaller (100k with --quick)."""
    return min(max(ctx.sizes), MILLION)


def _fresh_copy(source: Path, target: Path) -> None:
    """`target` as a new copy of `source`, without a journal left by an earlier run."""
    from heartlink.files import remove_database

    remove_database(target)
    _copy(source, target)


def _expect_rows(what: str, found: int, expected: int) -> None:
    if found != expected:
        raise BenchmarkError(f"{what}: {found:,} rows where {expected:,} were expected")


def live_handouts(db: Path) -> int:
    """The handouts an export writes: every one not voided."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM handout WHERE voided_at IS NULL").fetchone()[0]
    finally:
        conn.close()


def export_argv(ctx: Context, db: Path, fmt: str, output: Path | None = None) -> list[str]:
    """`heartlink export handouts --format csv|json|xlsx [--output FILE]`; without --output,
    csv and json go to standard output."""
    where = ["--output", str(output)] if output else []
    return ctx.heartlink(db, "export", "handouts", "--format", fmt, *where)


def exported_csv(ctx: Context, db: Path) -> tuple[Path, int]:
    """The ledger's handouts as `heartlink export handouts --format csv` writes them (the file
    the import reads back), and its rows, checked against the ledger. Written afresh by every
    invocation, so it always follows this heartlink's export."""
    path = ctx.scratch(f"{db.stem}.export.csv")
    path.parent.mkdir(parents=True, exist_ok=True)
    run_once(Command("export handouts", export_argv(ctx, db, "csv"), stdout=path), ctx.env)
    rows = datagen.csv_rows(path)
    _expect_rows(f"export of {db.name}", rows, live_handouts(db))
    return path, rows


# 3. Import ----------------------------------------------------------------------------------


def import_argv(ctx: Context, db: Path, sheet: Path) -> list[str]:
    """`heartlink import handouts FILE`."""
    return ctx.heartlink(db, "import", "handouts", str(sheet))


def _imported(db: Path, rows: int, what: str) -> Callable[[], None]:
    """A check that the run left exactly `rows` handouts in `db`."""
    return lambda: _expect_rows(what, datagen.count_rows(db), rows)


@measurement("import", "`heartlink import handouts` of 1M rows against sqlite3 `.import --csv`")
def import_handouts(ctx: Context) -> list[Comparison]:
    ctx.require_heartlink("import", "handouts")
    ctx.require_heartlink("export", "handouts")
    sqlite3_cli = ctx.require_sqlite3_cli()
    size = bulk_size(ctx)
    source = ctx.ledger(size)
    exported, exported_rows = exported_csv(ctx, source)
    typed = ctx.scratch("import-typed.csv")
    typed_rows = datagen.typed_sheet(exported, typed)
    # heartlink imports into a new ledger that holds the beneficiaries the rows name.
    template = ctx.scratch("import-template.db")
    datagen.copy_beneficiaries(source, template)
    comparisons = []
    for tag, description, sheet, rows in (
        ("export", "an export: ids, ISO dates", exported, exported_rows),
        ("typed", "typed: no ids, dd/mm/yyyy, 1.234, codes", typed, typed_rows),
    ):
        target, bare = ctx.scratch(f"import-{tag}.db"), ctx.scratch(f"import-{tag}-bare.db")
        comparisons.append(
            Comparison(
                f"3. import {size_label(size)} ({description})",
                Command(
                    f"heartlink import handouts, {rows:,} rows, into a new ledger",
                    import_argv(ctx, target, sheet),
                    prepare=lambda target=target: _fresh_copy(template, target),
                    check=_imported(target, rows, "heartlink import"),
                ),
                Command(
                    "sqlite3 .import --csv into a new bare table",
                    [sqlite3_cli, str(bare), f".import --csv {sheet} handout"],
                    prepare=lambda bare=bare: bare.unlink(missing_ok=True),
                    check=_imported(bare, rows, "sqlite3 .import"),
                ),
                limit=0.5,
                metric=RATE,
                rows=rows,
                slow=True,
            )
        )
    return comparisons


# 4. Backup ----------------------------------------------------------------------------------


def backup_argv(ctx: Context, db: Path, folder: Path) -> list[str]:
    """`heartlink backup [DIR] --quiet`: a verified copy in DIR."""
    return ctx.heartlink(db, "backup", str(folder), "--quiet")


def _one_backup_in(folder: Path) -> None:
    made = list(folder.glob("heartlink-*.db"))
    if len(made) != 1 or not made[0].with_name(made[0].name + ".sha256").exists():
        raise BenchmarkError(f"heartlink backup left {[p.name for p in made]} in {folder}")


@measurement("backup", "`heartlink backup` of the 1M ledger against sqlite3 `.backup` + check")
def backup(ctx: Context) -> list[Comparison]:
    ctx.require_heartlink("backup")
    sqlite3_cli = ctx.require_sqlite3_cli()
    size = bulk_size(ctx)
    # A copy: a backup notes itself in the ledger's log, and the cached file must not change.
    db = ctx.scratch("backup-source.db")
    _copy(ctx.ledger(size), db)
    folder, copy = ctx.scratch("backups"), ctx.scratch("backup-copy.db")
    return [
        Comparison(
            f"4. backup {size_label(size)}",
            Command(
                "heartlink backup",
                backup_argv(ctx, db, folder),
                prepare=lambda: _emptied(folder),
                check=lambda: _one_backup_in(folder),
            ),
            Command(
                "sqlite3 .backup, then PRAGMA integrity_check on the copy",
                [
                    sqlite3_cli,
                    str(db),
                    f".backup {copy}",
                    f".open {copy}",
                    "PRAGMA integrity_check;",
                ],
                prepare=lambda: copy.unlink(missing_ok=True),
            ),
            limit=1.3,
        )
    ]


# 5. Export memory ---------------------------------------------------------------------------

EXPORT_FORMATS = ("csv", "json", "xlsx")


def _export_command(ctx: Context, db: Path, fmt: str, rows: int) -> Command:
    """The export of `db` in `fmt` into a scratch file (standard output redirected for csv and
    json, --output for xlsx), checked after each run to hold every row."""
    output = ctx.scratch(f"{db.stem}.{fmt}")
    return Command(
        f"heartlink export handouts --format {fmt}, {rows:,} rows",
        export_argv(ctx, db, fmt, output if fmt == "xlsx" else None),
        prepare=lambda: output.unlink(missing_ok=True),
        stdout=None if fmt == "xlsx" else output,
        check=lambda: _expect_rows(f"export {fmt} of {db.name}", exported_rows(output), rows),
    )


def exported_rows(path: Path) -> int:
    """The rows of an exported file: CSV records; JSON lines of the array (one row a line);
    xlsx rows of the first sheet below its frozen title and heading rows (counted in the XML:
    openpyxl would take a minute to read a million)."""
    if path.suffix == ".csv":
        return datagen.csv_rows(path)
    if path.suffix == ".json":
        with open(path, encoding="utf-8") as f:
            return sum(1 for line in f if line.startswith("  {"))
    import re
    import zipfile

    with zipfile.ZipFile(path) as workbook, workbook.open("xl/worksheets/sheet1.xml") as sheet:
        rows, frozen, tail = 0, None, b""
        while chunk := sheet.read(1 << 20):
            text = tail + chunk
            rows += text.count(b"<row ") - tail.count(b"<row ")
            if frozen is None and (found := re.search(rb'ySplit="(\d+)"', text)):
                frozen = int(found[1])
            tail = text[-16:]
    return rows - (frozen or 0)


@measurement("export", "peak memory of `heartlink export handouts` (csv, json, xlsx), 1M vs 1k")
def export(ctx: Context) -> list[Comparison]:
    ctx.require_heartlink("export", "handouts")
    size = bulk_size(ctx)
    big, small = ctx.ledger(size), ctx.ledger(1000)
    big_rows, small_rows = live_handouts(big), live_handouts(small)
    return [
        Comparison(
            f"5. export {fmt} memory {size_label(size)} vs 1k",
            _export_command(ctx, big, fmt, big_rows),
            _export_command(ctx, small, fmt, small_rows),
            limit=1.5,
            metric=MEMORY,
            slow=True,
        )
        for fmt in EXPORT_FORMATS
    ]


# 6. Importing beneficiaries -----------------------------------------------------------------

# The sheet of 100,000 people, and the one a tenth of it that sets the rate to keep.
PEOPLE = 100_000
PEOPLE_BASELINE = PEOPLE // 10
PEOPLE_HEADINGS = ["Họ tên", "Nhóm đối tượng", "Năm sinh", "Tổ dân phố", "Địa chỉ"]
PEOPLE_HEADINGS += ["Điện thoại", "Trường", "Đồng ý lưu dữ liệu", "Hộ gia đình"]


def people_sheet(path: Path, count: int, seed: int) -> int:
    """A sheet of `count` people as a station types one (Vietnamese headings, no ids, a
    category or two each), drawn as the generated ledgers draw their beneficiaries, each with
    a name, birth year and group of their own (a sheet repeating someone is refused)."""
    import csv
    import random

    from heartlink.text import fold

    rng = random.Random(seed)
    people = datagen.beneficiaries(rng, count * 2, list(range(datagen.FIRST_YEAR, 2026)))
    seen: set[tuple] = set()
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(PEOPLE_HEADINGS)
        for _id, name, household, born, group, address, phone, school, *_rest in people:
            if (fold(name), born, group) in seen:
                continue
            seen.add((fold(name), born, group))
            categories = sorted(set(rng.choices(datagen.CATEGORY_SLUGS, k=rng.choice((1, 2)))))
            consent = "có" if rng.random() < 0.8 else ""
            row = [name, "; ".join(categories), born, group, address, phone, school, consent]
            writer.writerow([*row, "có" if household else "không"])
            if len(seen) == count:
                return count
    raise BenchmarkError(f"drew fewer than {count:,} distinct people")


# Runs each `heartlink import` command given as one JSON list of argv lists, in turn.
IMPORTS_IN_TURN = """\
import json, subprocess, sys
for argv in json.loads(sys.argv[1]):
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
"""


@measurement(
    "people", "`heartlink import beneficiaries` of 100k people against 10k of them ten times"
)
def import_people(ctx: Context) -> list[Comparison]:
    """Every row is checked against everyone already there (same name, birth year and group):
    one file of 100k rows must take about as long as ten files of 10k, as it does when that
    check costs the same for every row (it once grew with the people imported: 30,000 rows
    took over 11 minutes)."""
    import json

    ctx.require_heartlink("import", "beneficiaries")
    sheets = {}
    for count in (PEOPLE, PEOPLE_BASELINE):
        sheets[count] = ctx.scratch(f"people-{count}.csv")
        sheets[count].parent.mkdir(parents=True, exist_ok=True)
        people_sheet(sheets[count], count, ctx.seed)
    whole = ctx.scratch("people-whole.db")
    parts = [ctx.scratch(f"people-part-{n}.db") for n in range(PEOPLE // PEOPLE_BASELINE)]
    in_turn = [
        ctx.heartlink(part, "import", "beneficiaries", str(sheets[PEOPLE_BASELINE]))
        for part in parts
    ]
    return [
        Comparison(
            f"6. import beneficiaries {size_label(PEOPLE)} at once vs"
            f" {size_label(PEOPLE_BASELINE)} {len(parts)} times",
            Command(
                f"heartlink import beneficiaries, {PEOPLE:,} rows, into a new ledger",
                ctx.heartlink(whole, "import", "beneficiaries", str(sheets[PEOPLE])),
                prepare=lambda: _fresh_ledgers([whole]),
                check=lambda: _people_in([whole], PEOPLE),
            ),
            Command(
                f"heartlink import beneficiaries, {PEOPLE_BASELINE:,} rows, into {len(parts)}"
                " new ledgers in turn",
                ctx.python("-c", IMPORTS_IN_TURN, json.dumps(in_turn)),
                prepare=lambda: _fresh_ledgers(parts),
                check=lambda: _people_in(parts, PEOPLE_BASELINE),
            ),
            limit=1.3,
            slow=True,
        )
    ]


def _fresh_ledgers(paths: list[Path]) -> None:
    from heartlink.files import remove_database

    for path in paths:
        remove_database(path)


def _people_in(paths: list[Path], count: int) -> None:
    for path in paths:
        _expect_rows(
            f"import beneficiaries into {path.name}", datagen.count_rows(path, "beneficiary"), count
        )


# 7. Check: the audit chain and every record ------------------------------------------------


@measurement("check", "`heartlink log --verify` (chain + records) of 1M against integrity_check")
def check(ctx: Context) -> list[Comparison]:
    ctx.require_heartlink("log", "--verify")
    sqlite3_cli = ctx.require_sqlite3_cli()
    size = bulk_size(ctx)
    db = ctx.ledger(size)
    return [
        Comparison(
            f"7. check chain + records {size_label(size)}",
            Command("heartlink log --verify", ctx.heartlink(db, "log", "--verify")),
            Command(
                "sqlite3 PRAGMA integrity_check", [sqlite3_cli, str(db), "PRAGMA integrity_check;"]
            ),
            limit=1.5,
        )
    ]


# 8. Lists of people in Vietnamese order ------------------------------------------------------

PEOPLE_LISTED = 100_000


def _list_command(ctx: Context, db: Path, sort: str, rows: int) -> Command:
    """`beneficiary list --sort SORT --format csv` of `db` into a scratch file, checked after
    each run to hold everyone listed."""
    output = ctx.scratch(f"people-by-{sort}.csv")
    output.parent.mkdir(parents=True, exist_ok=True)
    return Command(
        f"heartlink beneficiary list --sort {sort} --format csv, {rows:,} people",
        ctx.heartlink(db, "beneficiary", "list", "--sort", sort, "--format", "csv"),
        prepare=lambda: output.unlink(missing_ok=True),
        stdout=output,
        check=lambda: _expect_rows(f"list by {sort}", datagen.csv_rows(output), rows),
    )


@measurement("sort", "`heartlink beneficiary list` of 100k people by name against by code")
def sort_people(ctx: Context) -> list[Comparison]:
    """Names sort by a key stored with each (heartlink.name_order, migration 0011), read from
    its index: listing everyone by name costs about what listing them by code does (an index
    of the codes), not a key computed per name and a sort (issue 15: at most 1.2 times)."""
    import subprocess

    listing = [*ctx.heartlink(ctx.scratch("none.db"), "beneficiary", "list", "--help")]
    if "--sort" not in subprocess.run(listing, capture_output=True, text=True, env=ctx.env).stdout:
        raise Skip("needs `heartlink beneficiary list --sort`")
    db = datagen.cached(ctx.work, 1000, years=ctx.years, seed=ctx.seed, people=PEOPLE_LISTED)
    listed = datagen.count_rows(db, "beneficiary") - _archived(db)
    return [
        Comparison(
            f"8. list {size_label(PEOPLE_LISTED)} people by name vs by code",
            _list_command(ctx, db, "name", listed),
            _list_command(ctx, db, "code", listed),
            limit=1.2,
        )
    ]


def _archived(db: Path) -> int:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT count(*) FROM beneficiary WHERE archived_at IS NOT NULL"
        ).fetchone()[0]
    finally:
        conn.close()
