"""One way out: every format from one registry, and exports that never fail on old data, never
leak temporary files, and write standard output for `-`."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from heartlink.cli.app import app

from conftest import SAMPLE_HANDOUT_ROWS

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def stdout_bytes(db_path, *args: str, env: dict | None = None) -> bytes:
    result = CliRunner().invoke(app, ["--db", str(db_path), *args], env=env)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_report_csv_and_export_totals_csv_are_the_same_bytes(sample_2023, db_path, lang):
    report = stdout_bytes(db_path, "report", "2023", "--format", "csv", "--lang", lang)
    export = stdout_bytes(
        db_path, "export", "totals", "--year", "2023", "--format", "csv", "--lang", lang
    )
    dash = stdout_bytes(
        db_path, "export", "totals", "-y", "2023", "-f", "csv", "-o", "-", "--lang", lang
    )
    assert report == export == dash
    assert not report.startswith(b"\xef\xbb\xbf"), "standard output is for scripts: no BOM"
    heading = "Phần,Mã,Tên" if lang == "vi" else "section,key,name"
    assert report.decode("utf-8").startswith(heading)


def test_stdout_csv_is_guarded_and_numbers_stay_numbers(ok, sample_2023):
    ok("record", "gift", "-n", "3", "--date", "2022-06-07", "--place", "=cmd|' /C calc'!A0")
    listed = ok("handout", "list", "--year", "2022", "--format", "csv").stdout
    assert "'=cmd|" in listed and ",=cmd" not in listed
    compared = ok("report", "2023", "--compare", "2022", "--format", "csv").stdout
    gift = next(line for line in compared.splitlines() if ",gift," in line)
    assert ",-3," in gift and "'-" not in gift, "a negative number is a number, not a formula"


def _set_note(db_path, beneficiary_id: str, note: str) -> str:
    """A note as an old database may hold it, written past today's checks."""
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE beneficiary SET note = ? WHERE id = ?", (note, beneficiary_id))
    conn.close()
    return beneficiary_id


@pytest.fixture
def someone(ok):
    return ok("beneficiary", "add", "Trần Văn Bình", "--format", "json").json()["id"]


def test_control_characters_of_old_databases_are_replaced_in_workbooks(
    ok, db_path, someone, tmp_path
):
    _set_note(db_path, someone, "đau\x01 lưng\x1b")
    out = tmp_path / "people.xlsx"
    result = ok("export", "beneficiaries", "--include-personal-data", "-o", str(out))
    assert "1 cells held control characters" in result.stderr
    notes = [row[7] for row in load_workbook(out).active.iter_rows(min_row=3, values_only=True)]
    assert notes == ["đau\ufffd lưng\ufffd"]


def test_text_longer_than_an_excel_cell_is_refused_by_column_and_record(
    run, db_path, someone, tmp_path
):
    beneficiary_id = _set_note(db_path, someone, "bệnh án " * 5000)
    out = tmp_path / "people.xlsx"
    result = run("export", "beneficiaries", "--include-personal-data", "-o", str(out))
    assert result.exit_code == 1, result
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert f"record {beneficiary_id}, column note" in result.stderr and "32,767" in result.stderr
    assert "bệnh án" not in result.stderr
    assert list(tmp_path.iterdir()) == [tmp_path / "station"]


def test_dash_means_standard_output(ok, run, sample_2023, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = ok("export", "handouts", "--year", "2023", "--output", "-").stdout
    assert out.startswith("date,kind,count") and len(out.splitlines()) == SAMPLE_HANDOUT_ROWS + 1
    assert ok("export", "handouts", "-o", "-", "-f", "json").json()[0]["kind"] == "meal"
    personal = run("export", "beneficiaries", "--include-personal-data", "-o", "-")
    assert personal.exit_code == 2 and "needs --output FILE" in personal.stderr
    workbook = run("export", "totals", "-y", "2023", "-f", "xlsx", "-o", "-")
    assert workbook.exit_code == 2 and "a workbook is a file" in workbook.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["station"], "no file called -"


def test_a_narrow_terminal_keeps_the_kind_and_unit_labels(ok, sample_2023):
    shown = ANSI.sub("", ok("report", "2023", env={"COLUMNS": "60", "TTY_COMPATIBLE": "1"}).stdout)
    assert max(len(line) for line in shown.splitlines()) <= 60
    words = set(re.findall(r"\w+", shown))
    for label in ("Meal", "portion", "Shopping", "voucher", "Livelihood", "kit", "Lemonade", "cup"):
        assert label in words, label
    assert "Left out to fit the terminal" in shown
    wide = ok("report", "2023").stdout
    assert "Left out" not in wide and "Anonymous" in wide


# --- exports on a full disk and exports killed half-way: real processes ---------------------


@pytest.fixture(scope="module")
def big_ledger(tmp_path_factory):
    """A generated ledger of 30,000 handouts in one year (2016), with names and notes."""
    from benchmarks.datagen import generate

    path = tmp_path_factory.mktemp("big") / "big.db"
    generate(path, 30_000, years=1)
    return path


def _export_process(db, out, temp_folder, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(temp_folder), "HEARTLINK_OFFICER": "Test"}
    args = ["--db", str(db), "export", "handouts", "--include-personal-data", "-o", str(out)]
    return subprocess.Popen(
        [sys.executable, "-m", "heartlink", *args, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
    )


def test_a_full_disk_gives_one_error_line_and_no_file(big_ledger, small_disk, tmp_path):
    temp_folder = tmp_path / "system-temp"
    temp_folder.mkdir()
    out = small_disk.path / "handouts.xlsx"
    process = _export_process(big_ledger, out, temp_folder)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1, stderr
    assert stderr.startswith("Error: No space left on device") and stderr.count("\n") == 1, stderr
    assert list(small_disk.path.iterdir()) == []
    assert list(temp_folder.iterdir()) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_export_leaves_nothing_behind(big_ledger, tmp_path, signal_number):
    temp_folder, folder = tmp_path / "system-temp", tmp_path / "out"
    temp_folder.mkdir()
    folder.mkdir()
    process = _export_process(big_ledger, folder / "handouts.xlsx", temp_folder)
    deadline = time.monotonic() + 60
    # Killed while the sheet is being written: its temporary file exists, wherever it is.
    while not any([*temp_folder.glob("openpyxl.*"), *folder.glob(".*.part.d/openpyxl.*")]):
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.005)
    process.send_signal(signal_number)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    assert list(folder.iterdir()) == [] and list(temp_folder.iterdir()) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_leftovers_of_a_killed_export_are_listed(big_ledger, tmp_path):
    from heartlink import files

    temp_folder, folder = tmp_path / "system-temp", tmp_path / "out"
    temp_folder.mkdir()
    folder.mkdir()
    (folder / "notes.part").write_text("not ours", encoding="utf-8")
    process = _export_process(big_ledger, folder / "handouts.xlsx", temp_folder)
    while not list(folder.glob(".*.part.d/openpyxl.*")):
        assert process.poll() is None, process.communicate()
        time.sleep(0.005)
    process.kill()  # SIGKILL: nothing can clean up
    process.communicate(timeout=60)
    left = files.leftover_temporary_files(folder)
    assert [p.name.startswith(".handouts.xlsx.") for p in left] == [True, True]
    assert {p.suffix for p in left} == {".part", ".d"}
    assert list(temp_folder.iterdir()) == []


def test_every_word_heartlink_shows_in_vietnamese_has_its_translation():
    """Each text given to i18n.word (headings, titles, captions of reports, funds and the
    statement) has a Vietnamese entry, with the same placeholders."""
    import re
    from pathlib import Path

    from heartlink import i18n

    source = Path(i18n.__file__).parent
    texts = {
        match.group(1)
        for path in source.rglob("*.py")
        for match in re.finditer(r'word\(\s*"((?:[^"\\]|\\.)*)"', path.read_text(encoding="utf-8"))
    }
    assert len(texts) > 20
    vietnamese = {text: i18n.word(text, i18n.Lang.vi) for text in texts}
    missing = sorted(text for text in texts if vietnamese[text] == text)
    assert missing == []
    for text in texts:
        assert set(re.findall(r"{\w+}", text)) == set(re.findall(r"{\w+}", vietnamese[text]))
