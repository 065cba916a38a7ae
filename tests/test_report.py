"""`heartlink report`: the station's 2023 year, formats, and the bundled sample."""

import csv
import datetime as dt
import io
import sqlite3

import pytest

from conftest import heartlink_process

MONDAYS_2023 = [dt.date(2023, 1, 2) + dt.timedelta(weeks=i) for i in range(52)]


def meal_counts():
    """52 Mondays adding up to the 2,950 portions of 2023."""
    counts = [56] * 52
    for i in range(2950 - sum(counts)):
        counts[i] += 1
    return counts


@pytest.fixture
def station_2023(ok):
    """The station's 2023 activity, typed in as the duty officers would."""
    for monday, count in zip(MONDAYS_2023, meal_counts(), strict=True):
        ok(
            "record",
            "meal",
            "--count",
            str(count),
            "--date",
            monday.strftime("%d/%m/%Y"),
            "--place",
            "Bệnh viện Ung bướu Đà Nẵng",
        )
    for day, count in (("14/01/2023", "240"), ("16/01/2023", "250"), ("18/01/2023", "230")):
        ok("record", "cake", "--count", count, "--date", day)
    orphan = ok("beneficiary", "add", "Trương Thị Bích Ngọc", "-c", "orphan", "--group", "39")
    ok(
        "record",
        "cash",
        "--count",
        "6.000.000",
        "--to",
        orphan.stdout.strip(),
        "--date",
        "05/09/2023",
    )
    for i in range(4):
        person = ok("beneficiary", "add", f"Người sau cai {i}", "-c", "after-rehab")
        ok(
            "record",
            "livelihood-kit",
            "-n",
            "1",
            "--to",
            person.stdout.strip(),
            "--date",
            "2023-03-20",
        )
    for i in range(6):
        student = ok("beneficiary", "add", f"Học sinh {i}", "-c", "student")
        ok("record", "exam-prep", "-n", "1", "--to", student.stdout.strip(), "--date", "2023-05-15")
    # A mistake, voided, and a handout of the next year: neither counts in 2023.
    wrong = ok("record", "meal", "-n", "300", "--date", "2023-03-06").stdout.strip()
    ok("handout", "void", wrong, "--reason", "typed 300 for 30")
    ok("record", "meal", "-n", "70", "--date", "2024-01-01")


def by_kind(report):
    return {row["kind"]: row for row in report["totals"]}


def test_station_2023_gives_exactly_its_totals(ok, station_2023):
    report = ok("report", "2023", "--format", "json").json()
    assert report["year"] == 2023
    totals = by_kind(report)
    assert set(totals) == {"meal", "cake", "cash", "livelihood-kit", "exam-prep"}
    assert totals["meal"] == {
        "kind": "meal",
        "name": "Meal",
        "name_vi": "Suất cơm",
        "unit": "portion",
        "unit_vi": "suất",
        "count": 2950,
        "handouts": 52,
        "beneficiaries": 0,
        "value_vnd": None,
    }
    assert totals["cake"]["count"] == 720
    assert (totals["cash"]["count"], totals["cash"]["value_vnd"]) == (6_000_000, 6_000_000)
    assert totals["cash"]["beneficiaries"] == 1
    assert (totals["livelihood-kit"]["count"], totals["livelihood-kit"]["beneficiaries"]) == (4, 4)
    assert (totals["exam-prep"]["count"], totals["exam-prep"]["beneficiaries"]) == (6, 6)
    programmes = {row["programme"]: row for row in report["programmes"]}
    assert programmes["meals"]["handouts"] == 52
    assert programmes["godmother"]["value_vnd"] == 6_000_000
    assert report["overall"] == {"handouts": 66, "beneficiaries": 11, "value_vnd": 6_000_000}


def test_report_table_for_people(ok, station_2023):
    table = ok("report", "2023").stdout
    assert "Totals 2023 by kind" in table
    assert "2,950" in table and "6,000,000 ₫" in table and "By programme" in table
    assert "Compassionate meals" in table


def test_report_csv(ok, station_2023):
    rows = list(csv.DictReader(io.StringIO(ok("report", "2023", "--format", "csv").stdout)))
    meal = next(r for r in rows if r["section"] == "kind" and r["key"] == "meal")
    assert (meal["count"], meal["handouts"], meal["unit"]) == ("2950", "52", "portion")
    assert {r["section"] for r in rows} == {"kind", "programme"}


def test_report_defaults_to_this_year(ok):
    ok("record", "meal", "-n", "12")
    report = ok("report", "--format", "json").json()
    assert report["year"] == dt.date.today().year
    assert by_kind(report)["meal"]["count"] == 12


def test_empty_year_says_so(ok):
    result = ok("report", "2021")
    assert result.stdout == "" and "No handouts recorded in 2021" in result.stderr
    assert ok("report", "2021", "--format", "json").json()["totals"] == []


def test_sample_report_in_memory(ok, db_path, tmp_path):
    report = ok("--sample", "report", "2023", "--format", "json", db=None).json()
    totals = by_kind(report)
    assert totals["meal"]["count"] == 2950 and totals["meal"]["handouts"] == 52
    assert totals["cake"]["count"] >= 700
    assert totals["cash"]["count"] == 6_000_000 and totals["cash"]["beneficiaries"] == 1
    assert totals["livelihood-kit"]["count"] == 4
    assert totals["exam-prep"]["count"] == 6
    assert not (tmp_path / "xdg-data").exists(), "the sample must not create a database"


def test_sample_writes_go_nowhere(ok, tmp_path):
    result = ok("--sample", "record", "meal", "-n", "5", db=None)
    assert "nothing is saved" in result.stderr
    assert not (tmp_path / "xdg-data").exists()


def test_installed_command_runs_the_sample_from_any_folder(tmp_path):
    """The quick start's first command, as a real process in an unrelated folder."""
    result = heartlink_process("--sample", "report", "2023", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "2,950" in result.stdout and "Meal" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_report_tables_come_from_one_snapshot(ok, db_path, monkeypatch):
    from heartlink import reports

    ok("record", "meal", "-n", "100", "--date", "2023-03-06")
    real_yearly = reports.yearly

    def yearly_then_someone_records(conn, year, as_of=None):
        totals = real_yearly(conn, year, as_of)
        other = sqlite3.connect(db_path)
        other.execute(
            "INSERT INTO handout (id, date, year, kind, programme, count, officer, created_at)"
            " VALUES ('01H00000000000000000000009', '2023-03-07', 2023, 'meal', 'meals', 7,"
            " 'Lan', '2023-03-07T00:00:00Z')"
        )
        other.commit()
        other.close()
        return totals

    monkeypatch.setattr(reports, "yearly", yearly_then_someone_records)
    shown = ok("report", "2023").stdout
    assert "107" not in shown and "100" in shown
    assert "Handouts: 1 (1 anonymous)" in shown and "1 handouts" not in shown
