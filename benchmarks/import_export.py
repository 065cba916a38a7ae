"""Import speed and export memory, measured on generated data (not part of the test suite).

    python benchmarks/import_export.py                  # 100,000 rows to import, 1k/100k export
    python benchmarks/import_export.py --rows 1000000   # the export memory check at 1M rows

Import: seconds and rows per second for `heartlink import handouts` of ROWS anonymous and
named handout rows into a fresh database (the issue asks for seconds, not minutes).
Export: peak resident memory of `heartlink export handouts` (csv and xlsx) of 1,000 rows and
of ROWS rows, each in a process of its own; streaming keeps the two close (the budget is
1.5 times).
"""

import argparse
import csv
import datetime as dt
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KINDS = ["meal", "cake", "lemonade", "school-supplies", "uniform", "gift"]


def write_handouts(path: Path, rows: int, beneficiary: str) -> None:
    rng = random.Random(2023)
    start = dt.date(2020, 1, 1)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["date", "kind", "count", "beneficiary", "programme", "place", "value_vnd", "note"]
        )
        for i in range(rows):
            day = start + dt.timedelta(days=rng.randrange(1400))
            named = i % 10 == 0
            writer.writerow(
                [
                    day.strftime("%d/%m/%Y") if i % 2 else day.isoformat(),
                    rng.choice(KINDS),
                    f"{rng.randrange(1, 3000):,}".replace(",", "."),
                    beneficiary if named else "",
                    "",
                    "Bệnh viện Ung bướu Đà Nẵng" if not named else "",
                    rng.choice(["", "150.000", "1200000"]),
                    "",
                ]
            )


def heartlink(*args: str) -> tuple[float, int]:
    """Seconds and peak resident memory (KiB) of one `heartlink` process."""
    begin = time.perf_counter()
    script = (
        "import resource, sys; from heartlink.cli.app import main; sys.argv = ['heartlink', *"
        f"{list(args)!r}]\ntry:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(code)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(result.stderr)
    return time.perf_counter() - begin, int(result.stderr.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        db = str(work / "bench.db")
        added = subprocess.run(
            [sys.executable, "-m", "heartlink", "--db", db, "beneficiary", "add", "Bench Person"],
            capture_output=True,
            text=True,
            check=True,
        )
        write_handouts(work / "handouts.csv", rows, added.stdout.strip())
        seconds, _ = heartlink("--db", db, "import", "handouts", str(work / "handouts.csv"))
        print(f"import {rows:,} handout rows: {seconds:.1f} s ({rows / seconds:,.0f} rows/s)")
        small_db = str(work / "small.db")
        write_handouts(work / "small.csv", 1000, "")
        heartlink("--db", small_db, "import", "handouts", str(work / "small.csv"))
        for fmt in ("csv", "xlsx"):
            _, small = heartlink(
                "--db", small_db, "export", "handouts", "-o", str(work / f"s.{fmt}")
            )
            seconds, large = heartlink(
                "--db", db, "export", "handouts", "-o", str(work / f"l.{fmt}")
            )
            print(
                f"export {fmt}: peak memory {small / 1024:.0f} MiB for 1,000 rows, "
                f"{large / 1024:.0f} MiB for {rows:,} rows ({large / small:.2f}x; "
                f"{seconds:.1f} s)"
            )


if __name__ == "__main__":
    main()
