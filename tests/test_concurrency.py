"""Several processes recording at once: every record lands, none sees "database is locked"."""

import json
import subprocess
import sys
import textwrap

from conftest import heartlink_process

WORKER = textwrap.dedent(
    """
    import sys
    from heartlink.cli.app import app

    db, worker, records = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for i in range(records):
        # The same code path as `heartlink record`, without paying for a new interpreter.
        code = app(
            ["--db", db, "record", "gift", "--count", str(i + 1), "--note", f"{worker}-{i}"],
            standalone_mode=False,
        )
        assert code in (None, 0), code
    """
)


def test_eight_processes_recording_at_once_lose_nothing(tmp_path):
    db = tmp_path / "shared.db"  # not created yet: the processes race to create it too
    workers, records = 8, 200
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(db), f"w{w}", str(records)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(workers)
    ]
    errors = [p.communicate(timeout=300)[1] for p in processes]
    assert [p.returncode for p in processes] == [0] * workers, errors
    assert not any("locked" in e for e in errors)
    listed = heartlink_process("--db", str(db), "handout", "list", "--format", "json")
    notes = sorted(row["note"] for row in json.loads(listed.stdout))
    expected = sorted(f"w{w}-{i}" for w in range(workers) for i in range(records))
    assert notes == expected


def test_real_commands_started_together_all_succeed(tmp_path):
    db = tmp_path / "fresh.db"
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "heartlink", "--db", str(db), "record", "meal", "-n", str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(1, 11)
    ]
    results = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0] * 10, results
    report = heartlink_process("--db", str(db), "report", "--format", "json")
    [meal] = json.loads(report.stdout)["totals"]
    assert (meal["count"], meal["handouts"]) == (55, 10)
