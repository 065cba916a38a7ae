"""The measurements of issue 5, in the order they run.

Each is a function that builds its comparisons from the context, registered with
`@measurement`. The ones waiting for a command that does not exist yet (import, backup,
export) are complete except for that command: once it lands, check the command line built
by `import_argv`, `backup_argv` or `export_argv` against its --help and they run.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

from benchmarks import datagen
from benchmarks.harness import (
    MEMORY,
    RATE,
    Command,
    Comparison,
    Context,
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
    db = ctx.scratch("record.db")
    _copy(ctx.ledger(1000), db)
    return [
        Comparison(
            "1. record (1k ledger)",
            Command(
                "heartlink record meal --count 120",
                ctx.heartlink(db, "record", "meal", "--count", "120"),
            ),
            Command("python: sqlite3 insert of one row", ctx.python("-c", FLOOR_INSERT, str(db))),
            limit=4.5,
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


COVERED = "USING COVERING INDEX handout_year_totals (year=?)"


def report_plans(db: Path, year: int) -> list[list[str]]:
    """EXPLAIN QUERY PLAN of every statement heartlink runs on handouts for a yearly report,
    caught as it runs them (so the check follows heartlink.reports as it changes)."""
    from heartlink import db as heartlink_db
    from heartlink import reports

    statements: list[str] = []
    with heartlink_db.open_for_read(db) as ledger:
        ledger.conn.set_trace_callback(statements.append)
        reports.yearly(ledger.conn, year)
        ledger.conn.set_trace_callback(None)
        return [
            [row[3] for row in ledger.conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
            for sql in statements
            if "FROM handout" in sql
        ]


def check_report_plan(db: Path, year: int) -> None:
    """Say whether every report statement reads only the covering index for the one year
    (never the table, never other years), and which temporary b-trees it builds."""
    plans = report_plans(db, year)
    for plan in plans:
        if not any(COVERED in step for step in plan):
            say(f"  WARNING: a report statement misses the covering index: {' / '.join(plan)}")
    temporary = Counter(
        step.removeprefix("USE TEMP B-TREE FOR ")
        for plan in plans
        for step in plan
        if step.startswith("USE TEMP B-TREE")
    )
    extra = ", ".join(f"{what} ×{times}" for what, times in temporary.items()) or "none"
    say(
        f"  query plan: {sum(any(COVERED in s for s in p) for p in plans)} of {len(plans)}"
        f" statements read only the index handout_year_totals, for the one year; temporary"
        f" b-trees: {extra}"
    )


# 3. Import (waiting for `heartlink import`) -------------------------------------------------


def import_argv(ctx: Context, db: Path, csv_file: Path) -> list[str]:
    """Adjust to `heartlink import --help` once it exists."""
    return ctx.heartlink(db, "import", "handouts", str(csv_file))


def handouts_csv(ctx: Context, db: Path) -> Path:
    """The ledger's handouts as heartlink itself writes them (cached beside the ledger)."""
    path = db.with_suffix(".handouts.csv")
    if not path.exists():
        building = path.with_suffix(".building")
        run_once(
            Command(
                "handout list",
                ctx.heartlink(db, "handout", "list", "--with-voided", "--format", "csv"),
                stdout=building,
            ),
            ctx.env,
        )
        building.replace(path)
    return path


@measurement("import", "`heartlink import handouts` of 1M rows against sqlite3 `.import --csv`")
def import_handouts(ctx: Context) -> list[Comparison]:
    ctx.require_heartlink("import")
    sqlite3_cli = ctx.require_sqlite3_cli()
    source = ctx.ledger(MILLION)
    csv_file = handouts_csv(ctx, source)
    # heartlink imports into a ledger that already holds the beneficiaries the rows name.
    template = ctx.scratch("import-template.db")
    datagen.copy_beneficiaries(source, template)
    target, bare = ctx.scratch("import.db"), ctx.scratch("import-bare.db")
    return [
        Comparison(
            "3. import 1M",
            Command(
                "heartlink import handouts",
                import_argv(ctx, target, csv_file),
                prepare=lambda: _copy(template, target),
            ),
            Command(
                "sqlite3 .import --csv into a bare table",
                [sqlite3_cli, str(bare), f".import --csv {csv_file} handout"],
                prepare=lambda: bare.unlink(missing_ok=True),
            ),
            limit=0.5,
            metric=RATE,
            rows=MILLION,
        )
    ]


# 4. Backup (waiting for `heartlink backup`) -------------------------------------------------


def backup_argv(ctx: Context, db: Path, folder: Path) -> list[str]:
    """`heartlink backup [DIR]` writes a verified copy into DIR (as built for issue 3)."""
    return ctx.heartlink(db, "backup", str(folder), "--quiet")


@measurement("backup", "`heartlink backup` of the 1M ledger against sqlite3 `.backup` + check")
def backup(ctx: Context) -> list[Comparison]:
    ctx.require_heartlink("backup")
    sqlite3_cli = ctx.require_sqlite3_cli()
    # A copy: a backup may note itself in the ledger, and the cached file must not change.
    db = ctx.scratch("backup-source.db")
    _copy(ctx.ledger(MILLION), db)
    folder, copy = ctx.scratch("backups"), ctx.scratch("backup-copy.db")
    return [
        Comparison(
            "4. backup 1M",
            Command(
                "heartlink backup", backup_argv(ctx, db, folder), prepare=lambda: _emptied(folder)
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


# 5. Export memory (waiting for `heartlink export`) ------------------------------------------


def export_argv(ctx: Context, db: Path) -> list[str]:
    """Adjust to `heartlink export --help` once it exists; the output goes to /dev/null."""
    return ctx.heartlink(db, "export", "handouts")


@measurement("export", "peak memory of `heartlink export handouts` at 1M against 1k")
def export(ctx: Context) -> list[Comparison]:
    ctx.require_heartlink("export", "handouts")
    big, small = ctx.ledger(MILLION), ctx.ledger(1000)
    return [
        Comparison(
            "5. export memory 1M vs 1k",
            Command("heartlink export handouts, 1M handouts", export_argv(ctx, big)),
            Command("heartlink export handouts, 1k handouts", export_argv(ctx, small)),
            limit=1.5,
            metric=MEMORY,
        )
    ]
