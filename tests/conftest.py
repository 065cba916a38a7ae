import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from heartlink.cli.app import app


class Result:
    """What one run of the command produced."""

    def __init__(self, exit_code: int, stdout: str, stderr: str, exception: object = None):
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr
        self.exception = exception

    def json(self):
        return json.loads(self.stdout)

    def __repr__(self) -> str:
        return f"<exit {self.exit_code}\nstdout: {self.stdout}\nstderr: {self.stderr}>"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No test may reach the user's real database or depend on who runs it."""
    monkeypatch.delenv("HEARTLINK_DB", raising=False)
    monkeypatch.delenv("HEARTLINK_DEBUG", raising=False)
    monkeypatch.setenv("HEARTLINK_OFFICER", "Officer Test")
    # English whatever the machine's locale (tests/test_i18n.py sets the language it tests).
    monkeypatch.delenv("HEARTLINK_LANG", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.setattr("heartlink.i18n._windows_locale", lambda: "en-US")
    # platformdirs follows these on Linux and macOS; the default path lands in tmp_path.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "station" / "heartlink.db"


@pytest.fixture
def run(db_path):
    """Run `heartlink --db <temporary file> ARGS…` in-process through Typer's CliRunner."""
    runner = CliRunner()

    def invoke(*args: str, db: Path | None = db_path, env: dict | None = None) -> Result:
        argv = (["--db", str(db)] if db is not None else []) + list(args)
        result = runner.invoke(app, argv, env=env)
        return Result(result.exit_code, result.stdout, result.stderr, result.exception)

    return invoke


@pytest.fixture
def ok(run):
    """Like `run`, but the command must succeed."""

    def invoke(*args: str, **kwargs) -> Result:
        result = run(*args, **kwargs)
        assert result.exit_code == 0, result
        return result

    return invoke


def heartlink_process(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    """The real command in a new process: `python -m heartlink ARGS…`."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "heartlink", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=full_env,
        timeout=120,
        **kwargs,
    )


def printed_text(path: Path) -> str:
    """The text of a PDF or a workbook heartlink wrote, one line per page or cell."""
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        text = "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
        )
        book.close()
        return text
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def file_state(path: Path) -> tuple:
    """Everything about a file that a reader must leave alone."""
    if not path.exists():
        return ("missing",)
    stat = path.stat()
    return (hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_mtime_ns, stat.st_size)


@pytest.fixture
def small_disk(tmp_path):
    """A 640 KiB file system of our own (Linux, as root; a new database with its WAL takes
    about 400 KiB); remount(ro=True) makes it read-only."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("needs root on Linux to mount a small tmpfs")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=640k,mode=700", "tmpfs", str(mount_point)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")

    class Disk:
        path = mount_point

        @staticmethod
        def remount(*, ro: bool) -> None:
            option = "remount,ro" if ro else "remount,rw"
            subprocess.run(["mount", "-o", option, str(mount_point)], check=True)

    yield Disk
    subprocess.run(["umount", str(mount_point)], check=True)


DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLE_BENEFICIARIES = DATA / "sample-2023-beneficiaries.csv"
SAMPLE_HANDOUTS = DATA / "sample-2023-handouts.csv"
# The sample's handouts: every line of the file but its header.
SAMPLE_HANDOUT_ROWS = len(SAMPLE_HANDOUTS.read_text(encoding="utf-8").splitlines()) - 1


@pytest.fixture
def sample_2023(ok):
    """The bundled 2023 sample, imported into the test's database as `heartlink import` takes
    the files in data/."""
    ok("import", "beneficiaries", str(SAMPLE_BENEFICIARIES))
    ok("import", "handouts", str(SAMPLE_HANDOUTS))
