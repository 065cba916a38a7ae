"""No record lost: importers and recorders at once, and an import killed half-way."""

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import heartlink_process

HEADER = ["date", "kind", "count", "beneficiary", "programme", "place", "value_vnd", "note"]


def write_handouts(path: Path, rows: int, tag: str) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for i in range(rows):
            writer.writerow(
                [
                    f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}",
                    "meal",
                    1 + i % 90,
                    "",
                    "",
                    "",
                    "",
                    f"{tag}-{i}",
                ]
            )
    return path


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "heartlink", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def handout_count(db: Path) -> int:
    listed = heartlink_process("--db", str(db), "report", "2023", "--format", "json")
    totals = json.loads(listed.stdout)["totals"]
    return sum(t["handouts"] for t in totals)


def test_recording_and_importing_at_once_lose_nothing(tmp_path):
    db = tmp_path / "busy.db"
    files = [write_handouts(tmp_path / f"import-{n}.csv", 3000, f"file{n}") for n in range(2)]
    recorders = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys\nfrom heartlink.cli.app import app\n"
                "for i in range(40):\n"
                "    app(['--db', sys.argv[1], 'record', 'gift', '-n', '1', '-d', '2023-06-01'],"
                " standalone_mode=False)\n",
                str(db),
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    importers = [start("--db", str(db), "import", "handouts", str(f)) for f in files]
    outcomes = [p.communicate(timeout=300) for p in recorders + importers]
    codes = [p.returncode for p in recorders + importers]
    assert codes == [0] * 5, outcomes
    assert not any("locked" in (err or "") for _, err in outcomes)
    assert handout_count(db) == 2 * 3000 + 3 * 40


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_an_import_killed_half_way_leaves_all_or_nothing(tmp_path):
    db = tmp_path / "station.db"
    assert (
        heartlink_process(
            "--db", str(db), "record", "meal", "-n", "7", "-d", "2023-01-02"
        ).returncode
        == 0
    )
    big = write_handouts(tmp_path / "big.csv", 60_000, "big")
    importer = start("--db", str(db), "import", "handouts", str(big))
    wal = Path(str(db) + "-wal")
    deadline = time.monotonic() + 120
    # Wait until the import is writing its transaction (the WAL grows), then kill it.
    while importer.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > 512 * 1024:
            break
        time.sleep(0.01)
    assert importer.poll() is None, "the import finished before it could be killed"
    os.kill(importer.pid, signal.SIGKILL)
    importer.wait(timeout=30)
    assert importer.returncode == -signal.SIGKILL
    check = heartlink_process("--db", str(db), "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert handout_count(db) == 1, "killed before its commit: nothing of it is there"
    # And the same file imports whole afterwards.
    again = heartlink_process("--db", str(db), "import", "handouts", str(big))
    assert again.returncode == 0, again.stderr
    assert handout_count(db) == 60_001
