"""`heartlink report` views: --by, --compare, --as-of, --lang vi, and `beneficiary show` by year."""

import csv
import io
from collections import defaultdict

import pytest

from heartlink.reports import VIEWS

FIGURES = ("count", "handouts", "value_vnd")


def legacy_totals(ok, year="2023", *extra):
    report = ok("report", year, "--format", "json", *extra).json()
    return {row["kind"]: row for row in report["totals"]}


@pytest.mark.parametrize("by", VIEWS)
def test_each_view_adds_up_to_the_year(ok, sample_2023, by):
    rows = ok("report", "2023", "--by", by, "--format", "json").json()
    assert rows, "a list of row objects"
    for row in rows:
        assert row["year"] == 2023 and "kind" in row and "count" in row
        assert by in row
        assert row["anonymous_handouts"] <= row["handouts"]
    summed = defaultdict(lambda: defaultdict(int))
    for row in rows:
        for figure in FIGURES:
            summed[row["kind"]][figure] += row[figure] or 0
    totals = legacy_totals(ok)
    assert set(summed) == set(totals)
    for kind, row in totals.items():
        for figure in FIGURES:
            assert summed[kind][figure] == (row[figure] or 0), (kind, figure)


def test_month_rows_and_chart(ok, sample_2023):
    rows = ok("report", "2023", "--by", "month", "--format", "json").json()
    meals = {row["month"]: row["count"] for row in rows if row["kind"] == "meal"}
    assert sorted(meals) == list(range(1, 13)) and sum(meals.values()) == 2950
    assert set(rows[0]) >= {"month", "kind", "count"}
    table = ok("report", "2023", "--by", "month").stdout
    assert "Totals 2023 by month" in table
    assert "█" in table and "Meal (portion)" in table and "Jan" in table and "Dec" in table


def test_anonymous_and_named_are_counted_apart(ok, sample_2023):
    kinds = {r["kind"]: r for r in ok("report", "2023", "--by", "kind", "-f", "json").json()}
    assert (kinds["meal"]["handouts"], kinds["meal"]["anonymous_handouts"]) == (52, 52)
    assert kinds["meal"]["beneficiaries"] == 0
    # 700 cakes handed out at the station, 20 to ten named households.
    assert (kinds["cake"]["anonymous_handouts"], kinds["cake"]["beneficiaries"]) == (3, 10)
    table = ok("report", "2023").stdout
    assert "Anonymous" in table and "71 anonymous" in table


def test_category_view_counts_someone_once_under_their_first_category(ok, sample_2023):
    rows = ok("report", "2023", "--by", "category", "--format", "json").json()
    cash = [row for row in rows if row["kind"] == "cash"]
    # The orphan is also a student: counted once, under orphan (first in catalogue order).
    assert [(row["category"], row["count"]) for row in cash] == [("orphan", 6_000_000)]
    meals = [row for row in rows if row["kind"] == "meal"]
    assert [row["category"] for row in meals] == [None]  # anonymous handouts
    assert rows[-1]["category"] is None, "anonymous handouts come last"


def test_group_view_orders_groups_by_number(ok, sample_2023):
    rows = ok("report", "2023", "--by", "group", "--format", "json").json()
    groups = list(dict.fromkeys(row["group"] for row in rows))
    assert groups[:3] == ["tổ 4", "tổ 8", "tổ 9"] and groups[-1] is None
    assert groups.index("tổ 12") < groups.index("tổ 39")
    text = ok("report", "2023", "--by", "group").stdout
    assert "Anonymous handouts" in text and "tổ 39" in text


def test_view_csv_has_a_fixed_header(ok, sample_2023):
    out = ok("report", "2023", "--by", "programme", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert out.splitlines()[0] == (
        "year,programme,kind,unit,count,handouts,anonymous_handouts,beneficiaries,value_vnd"
    )
    assert {"meals", "godmother"} <= {row["programme"] for row in rows}


def test_compare_two_years(ok, sample_2023):
    ok("record", "meal", "-n", "2.000", "--date", "2022-06-06")
    ok("record", "gift", "-n", "3", "--date", "2022-06-07")
    rows = ok("report", "2023", "--compare", "2022", "--format", "json").json()
    by_kind = {row["kind"]: row for row in rows}
    meal = by_kind["meal"]
    assert (meal["year"], meal["compare_year"]) == (2023, 2022)
    assert (meal["count"], meal["compare_count"], meal["count_change"]) == (2950, 2000, 950)
    assert meal["change_pct"] == 47.5
    assert (by_kind["gift"]["count"], by_kind["gift"]["count_change"]) == (0, -3)
    assert by_kind["gift"]["change_pct"] == -100.0
    assert by_kind["cash"]["change_pct"] is None  # nothing in 2022 to compare with
    table = ok("report", "2023", "--compare", "2022").stdout
    assert "2023 compared with 2022" in table
    assert "+950" in table and "+47.5%" in table and "-100.0%" in table
    by_month = ok("report", "2023", "--compare", "2022", "--by", "month", "-f", "json").json()
    june_meals = next(r for r in by_month if r["month"] == 6 and r["kind"] == "meal")
    assert june_meals["compare_count"] == 2000


def test_compare_with_the_same_year_is_refused(run, sample_2023):
    result = run("report", "2023", "--compare", "2023")
    assert result.exit_code == 2 and result.stderr.startswith("Error: --compare 2023")


def test_as_of_leaves_out_later_records_and_later_voids(ok, run, monkeypatch):
    from heartlink import entries

    def at(moment):
        monkeypatch.setattr(entries, "utc_now", lambda: moment)  # a record's and a void's time

    at("2024-01-10T03:00:00.000Z")
    first = ok("record", "meal", "-n", "100", "--date", "2023-12-25").stdout.strip()
    at("2024-02-10T03:00:00.000Z")
    ok("record", "meal", "-n", "50", "--date", "2023-12-26")
    at("2024-03-01T03:00:00.000Z")
    ok("handout", "void", first, "--reason", "counted twice")

    def meals(*as_of):
        totals = legacy_totals(ok, "2023", *as_of)
        return totals["meal"]["count"] if "meal" in totals else 0

    assert meals("--as-of", "2024-01-05") == 0
    assert meals("--as-of", "31/01/2024") == 100  # voided later: it still counted then
    assert meals("--as-of", "2024-02-15") == 150
    assert meals("--as-of", "2024-03-02") == 50
    assert meals() == 50
    rows = ok("report", "2023", "--by", "month", "--as-of", "31/01/2024", "-f", "json").json()
    assert [(r["month"], r["count"]) for r in rows] == [(12, 100)]
    table = ok("report", "2023", "--as-of", "31/01/2024").stdout
    assert "as of 2024-01-31" in table
    assert run("report", "2023", "--as-of", "someday").exit_code == 2


def test_lang_vi_formats_numbers_money_dates_and_names(ok, sample_2023):
    table = ok("report", "2023", "--lang", "vi").stdout
    assert "Tổng kết năm 2023 theo loại" in table
    assert "Suất cơm" in table and "suất" in table and "Bữa cơm nhân ái" in table
    assert "2.950" in table and "6.000.000 ₫" in table and "9.000.000 ₫" in table
    assert "2,950" not in table
    as_of = ok("report", "2023", "--lang", "vi", "--as-of", "2099-03-06").stdout
    assert "tính đến ngày 06/03/2099" in as_of
    month = ok("report", "2023", "--by", "month", "--lang", "vi").stdout
    assert "thg 1" in month and "Tháng" in month


def test_lang_from_the_environment_and_json_unchanged(ok, run, sample_2023):
    by_env = ok("report", "2023", env={"HEARTLINK_LANG": "vi"}).stdout
    assert "Tổng kết năm 2023" in by_env and "2.950" in by_env
    assert ok("report", "2023", "--lang", "en", env={"HEARTLINK_LANG": "vi"}).stdout.count("2,950")
    json_vi = ok("report", "2023", "--format", "json", "--lang", "vi").json()
    assert json_vi == ok("report", "2023", "--format", "json").json()
    bad = run("report", "2023", env={"HEARTLINK_LANG": "fr"})
    assert bad.exit_code == 2 and bad.stderr.startswith("Error: ") and "--lang" in bad.stderr


def test_beneficiary_show_lists_what_was_received_by_year(ok, sample_2023):
    code = "S8R04262"  # the orphan of the sample, sponsored by a godmother
    ok("record", "cash", "-n", "6.000.000", "--to", code, "--date", "2024-09-05")
    ok("record", "school-supplies", "-n", "2", "--to", code, "--date", "2024-09-06")
    profile = ok("beneficiary", "show", code, "--format", "json").json()
    # Years in order; kinds in catalogue order (school supplies come before cash).
    assert [(r["year"], r["kind"], r["count"]) for r in profile["received_by_year"]] == [
        (2023, "cash", 6_000_000),
        (2024, "school-supplies", 2),
        (2024, "cash", 6_000_000),
    ]
    table = ok("beneficiary", "show", code).stdout
    assert "Received by year" in table and "2024" in table
