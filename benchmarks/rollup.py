"""Issue 14's scale: a city of 100 stations, ten years each, about 1M handouts in all.

The station files are generated straight into heartlink's schema (datagen.generate, a station
set on each), not through the command line, and kept for later runs. Three measurements:

- merging all of them into a new database against a bare ATTACH + INSERT … SELECT of the same
  rows into the same (empty, heartlink) schema, in the same run: at most 3 times its time;
- merging one new station-year (one station's file with a year more) into the merged 1M
  database: at most 2 s (the baseline is a process that sleeps 2 s, so the ratio is ≤ 1);
- `report YEAR --by station` against `report YEAR --station CODE` on the merged database
  (both as JSON: drawn for people, the station view's 1,100 rows cost rich about 1 s).
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

from benchmarks import datagen
from benchmarks.harness import BenchmarkError, Command, Comparison, Context, measurement, say

STATIONS = 100
PER_STATION = 10_000  # over datagen.YEARS years: 1M handouts in the city
NEW_YEAR_HANDOUTS = 1_000

# The floor: the same rows copied with plain SQL, file after file, into an empty heartlink
# database (its indexes and triggers included, as they would be for any insert).
BARE_MERGE = """\
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
for path in sys.argv[2:]:
    conn.execute("ATTACH DATABASE ? AS incoming", (path,))
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT OR IGNORE INTO station SELECT id, code, name, place, head, 0,"
                 " created_at, updated_at FROM incoming.station")
    conn.execute("INSERT INTO beneficiary SELECT * FROM incoming.beneficiary")
    conn.execute("INSERT INTO beneficiary_category SELECT * FROM incoming.beneficiary_category")
    for table in ("handout", "donation", "spending"):
        conn.execute(f"INSERT INTO {table} SELECT * FROM incoming.{table}")
    conn.execute("COMMIT")
    conn.execute("DETACH DATABASE incoming")
"""


def station_files(ctx: Context) -> list[Path]:
    """The city's station files, generated once (with executemany, see datagen)."""
    from heartlink import db, stations

    folder = ctx.work / "cache" / f"stations-{STATIONS}x{PER_STATION}-{ctx.years}y"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"s{number:03d}.db" for number in range(STATIONS)]
    missing = [path for path in paths if not path.exists()]
    if missing:
        say(f"  generating {len(missing)} station files of {PER_STATION:,} handouts…")
    for path in missing:
        number = int(path.stem[1:])
        partial = path.with_suffix(".partial")
        datagen.generate(partial, PER_STATION, years=ctx.years, seed=1000 + number)
        with db.open_for_write(partial) as ledger, ledger.write() as conn:
            stations.set_own(
                conn,
                officer=datagen.OFFICER,
                name=f"Công an phường {number}",
                code=f"S{number:03d}",
            )
        _single_file(partial)
        partial.rename(path)
    return paths


def _single_file(path: Path) -> None:
    """A station's file as it travels: one file, no journal beside it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


def _next_year_file(ctx: Context, first: Path) -> Path:
    """The first station's file with one year more (NEW_YEAR_HANDOUTS handouts)."""
    path = first.with_name(f"{first.stem}-next.db")
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    shutil.copyfile(first, partial)
    conn = sqlite3.connect(partial, isolation_level=None)
    people = [row[0] for row in conn.execute("SELECT id FROM beneficiary")]
    year = datagen.FIRST_YEAR + ctx.years
    rows = datagen.handouts(random.Random(f"next-{year}"), [NEW_YEAR_HANDOUTS], [year], people)
    conn.execute("BEGIN")
    conn.executemany(
        f"INSERT INTO handout ({datagen.HANDOUT_COLUMNS})"
        f" VALUES ({', '.join('?' for _ in datagen.HANDOUT_COLUMNS.split(','))})",
        rows,
    )
    conn.execute("COMMIT")
    conn.close()
    partial.rename(path)
    return path


def _empty_ledger(ctx: Context) -> Path:
    from heartlink import db

    path = ctx.work / "cache" / "empty-heartlink.db"
    if not path.exists():
        with db.open_for_write(path) as ledger:
            ledger.conn.execute("PRAGMA journal_mode = DELETE")
    return path


def _fresh(template: Path | None, target: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    if template is not None:
        shutil.copyfile(template, target)


def _merged_city(ctx: Context, files: list[Path]) -> Path:
    """The 100 stations merged once by heartlink (kept for later runs)."""
    import subprocess

    city = ctx.work / "cache" / f"city-{STATIONS}x{PER_STATION}-{ctx.years}y.db"
    if not city.exists():
        partial = city.with_suffix(".partial")
        _fresh(None, partial)
        say(f"  merging {len(files)} station files into the city database…")
        done = subprocess.run(
            ctx.heartlink(partial, "merge", *map(str, files)), env=ctx.env, capture_output=True
        )
        if done.returncode != 0:
            raise BenchmarkError(done.stderr.decode(errors="replace"))
        _single_file(partial)
        partial.rename(city)
    return city


def _handouts_in(path: Path, expected: int) -> None:
    found = datagen.count_rows(path)
    if found != expected:
        raise BenchmarkError(f"{path.name} holds {found:,} handouts, not {expected:,}")


@measurement("rollup", "issue 14: merging 100 stations' files (1M handouts) and the station view")
def rollup(ctx: Context) -> list[Comparison]:
    files = station_files(ctx)
    empty = _empty_ledger(ctx)
    total = STATIONS * PER_STATION
    merged, bare = ctx.scratch("rollup-merged.db"), ctx.scratch("rollup-bare.db")
    city = _merged_city(ctx, files)
    next_year = _next_year_file(ctx, files[0])
    grown = ctx.scratch("rollup-grown.db")
    year = str(datagen.report_year(ctx.years))
    return [
        Comparison(
            f"14a. merge {STATIONS} station files ({total:,} handouts) into a new database",
            Command(
                f"heartlink merge of {STATIONS} files",
                ctx.heartlink(merged, "merge", *map(str, files)),
                prepare=lambda: _fresh(None, merged),
                check=lambda: _handouts_in(merged, total),
            ),
            Command(
                "python: ATTACH + INSERT … SELECT of each file",
                ctx.python("-c", BARE_MERGE, str(bare), *map(str, files)),
                prepare=lambda: _fresh(empty, bare),
                check=lambda: _handouts_in(bare, total),
            ),
            limit=3.0,
            slow=True,
        ),
        Comparison(
            f"14b. merge one new station-year ({NEW_YEAR_HANDOUTS:,} handouts) into the 1M city",
            Command(
                "heartlink merge of one station's newer file",
                ctx.heartlink(grown, "merge", str(next_year)),
                prepare=lambda: _fresh(city, grown),
                check=lambda: _handouts_in(grown, total + NEW_YEAR_HANDOUTS),
            ),
            Command("2 s (the target)", ctx.python("-c", "import time; time.sleep(2)")),
            limit=1.0,
            slow=True,
        ),
        # The data, as scripts read it: drawn as a table for people, the 1,100 rows of the
        # station view cost rich about a second more than the one station's dozen.
        Comparison(
            f"14c. report {year} --by station --format json on the 1M city",
            Command(
                f"heartlink report {year} --by station --format json",
                ctx.heartlink(city, "report", year, "--by", "station", "--format", "json"),
            ),
            Command(
                f"heartlink report {year} --station S000 --format json",
                ctx.heartlink(city, "report", year, "--station", "S000", "--format", "json"),
            ),
            limit=1.5,
        ),
    ]
