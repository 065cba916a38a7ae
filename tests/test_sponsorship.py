"""Sponsorships: the schedule and its allocation (pure functions), every case of "the arithmetic
must hold" through the command line with the identities checked after each, bad input, the
sample's godmother, the report and statement sections, and `check` finding a broken identity."""

import datetime as dt
import shutil
import sqlite3

import pytest

from heartlink import sponsorships as core
from heartlink.sponsorships import Payment, Terms

from conftest import SAMPLE_BENEFICIARIES

ORPHAN = "S8R04262"  # the sample's orphan in tổ 39
OTHER = "8QW1VEYT"  # another sample beneficiary (Hộ Nguyễn Thị Lan)
D = dt.date


def pay(day: str, amount: int, entry: str = "x") -> Payment:
    return Payment(D.fromisoformat(day), amount, entry + day)


# --- the pure arithmetic ------------------------------------------------------------------------


def test_an_amount_per_year_paid_monthly_puts_the_remainder_in_the_periods_last_instalment():
    even = list(
        core.instalments(Terms(6_000_000, "year", "monthly", D(2023, 1, 1), D(2023, 12, 31)))
    )
    assert [i.amount_vnd for i in even] == [500_000] * 12
    assert even[0].due == D(2023, 1, 1) and even[-1].due == D(2023, 12, 1)
    uneven = list(
        core.instalments(Terms(1_000_000, "year", "monthly", D(2023, 1, 1), D(2024, 12, 31)))
    )
    assert [i.amount_vnd for i in uneven] == ([83_333] * 11 + [83_337]) * 2
    assert sum(i.amount_vnd for i in uneven) == 2_000_000


def test_a_pay_out_spanning_several_periods_pays_them_together():
    quarterly = core.instalments(
        Terms(500_000, "month", "quarterly", D(2023, 2, 1), D(2023, 12, 31))
    )
    assert [(i.due, i.amount_vnd) for i in quarterly] == [
        (D(2023, 2, 1), 1_500_000),
        (D(2023, 5, 1), 1_500_000),
        (D(2023, 8, 1), 1_500_000),
        (D(2023, 11, 1), 1_500_000),
    ]


def test_a_change_applies_from_its_date_and_leaves_what_fell_due_before():
    terms = Terms(
        1_200_000, "year", "monthly", D(2023, 1, 1), D(2023, 12, 31), ((D(2023, 7, 1), 2_400_000),)
    )
    assert [i.amount_vnd for i in core.instalments(terms)] == [100_000] * 6 + [200_000] * 6


def test_allocation_oldest_first_partial_several_and_credit_after_the_end():
    schedule = core.instalments(Terms(300, "month", "monthly", D(2023, 1, 1), D(2023, 4, 30)))
    payments = [pay("2023-01-10", 700), pay("2023-03-02", 200), pay("2023-06-01", 350)]
    allocation = core.allocate(schedule, payments, until=D(2023, 5, 1))
    assert [(r["paid_vnd"], r["paid_on"]) for r in allocation.instalments] == [
        (300, D(2023, 1, 10)),
        (300, D(2023, 1, 10)),
        (300, D(2023, 3, 2)),  # 100 left of the first payment, then 200 of the second
        (300, D(2023, 6, 1)),  # paid after the end: the arrears first
    ]
    assert allocation.credit_vnd == 50  # beyond the last instalment: unallocated, not lost
    assert sum(r["paid_vnd"] for r in allocation.instalments) + allocation.credit_vnd == 1250


def test_an_overpayment_on_an_open_sponsorship_is_credited_to_future_instalments():
    schedule = core.instalments(Terms(100, "month", "monthly", D(2023, 1, 1)))
    allocation = core.allocate(schedule, [pay("2023-01-01", 450)], until=D(2023, 1, 15))
    assert [r["paid_vnd"] for r in allocation.instalments] == [100, 100, 100, 100, 50]
    assert allocation.credit_vnd == 0
    figures = core.side_figures(allocation, [pay("2023-01-01", 450)], D(2023, 1, 15))
    assert figures["owed_vnd"] == 100 - 450 and figures["overdue_vnd"] == 0
    assert figures["next_due"] == D(2023, 5, 1) and figures["next_due_vnd"] == 50


# --- through the command line ---------------------------------------------------------------


@pytest.fixture
def people(ok):
    ok("import", "beneficiaries", str(SAMPLE_BENEFICIARIES))
    return ok


def add(ok, *args: str) -> str:
    return ok("sponsorship", "add", "--format", "json", *args).json()["code"]


def listed(ok, code: str) -> dict:
    return next(r for r in ok("sponsorship", "list", "-f", "json").json() if r["code"] == code)


def assert_identities(ok, code: str) -> dict:
    """The issue's identities on `list` and `show`, and `check` agreeing."""
    row = listed(ok, code)
    assert row["pledged_vnd"] - row["received_vnd"] == row["owed_vnd"]
    assert row["received_vnd"] - row["paid_out_vnd"] == row["held_vnd"]
    shown = ok("sponsorship", "show", code, "-f", "json").json()
    linked = [p for p in shown["payments"] if not p["voided"]]
    paid_out = sum(p["amount_vnd"] for p in linked if p["entry"] == "handout")
    assert sum(r["paid_out_vnd"] for r in shown["schedule"]) + shown["credit_vnd"] == paid_out
    assert paid_out == row["paid_out_vnd"]
    if row["sponsor"] != core.STATION:
        received = sum(p["amount_vnd"] for p in linked if p["entry"] == "donation")
        got = sum(r["received_vnd"] for r in shown["schedule"]) + shown["received_credit_vnd"]
        assert got == received == row["received_vnd"]
    checked = ok("check", "--format", "json").json()
    (sponsorship_check,) = [c for c in checked["checks"] if c["check"] == "sponsorships"]
    assert sponsorship_check["ok"], checked
    return row


def station_monthly(ok, **extra: str) -> str:
    args = ["--to", ORPHAN, "--amount", "500.000", "--per", "month", "--start", "2023-01"]
    return add(ok, *args, "--end", extra.get("end", "2023-06"))


def test_one_payment_covering_several_instalments(people):
    code = station_monthly(people)
    people(
        "record",
        "cash",
        "--to",
        ORPHAN,
        "-n",
        "1.500.000",
        "--sponsorship",
        code,
        "--date",
        "2023-01-03",
    )
    row = assert_identities(people, code)
    schedule = people("sponsorship", "show", code, "-f", "json").json()["schedule"]
    assert [r["paid_out_vnd"] for r in schedule] == [500_000] * 3 + [0] * 3
    assert (row["pledged_vnd"], row["paid_out_vnd"], row["overdue_vnd"]) == (
        3_000_000,
        1_500_000,
        1_500_000,
    )
    assert row["status"] == "overdue" and row["next_due"] == "2023-04-01"


def test_a_partial_payment_leaves_the_rest_of_its_instalment_due(people):
    code = station_monthly(people)
    people("record", "cash", "--to", ORPHAN, "-n", "200.000", "--date", "2023-01-03")
    row = assert_identities(people, code)
    assert (row["next_due"], row["next_due_vnd"]) == ("2023-01-01", 300_000)


def test_an_overpayment_is_credited_to_the_next_instalments(people):
    code = station_monthly(people)
    result = people("record", "cash", "--to", ORPHAN, "-n", "3.200.000", "--date", "2023-01-03")
    assert (
        f"Linked to sponsorship {code}, the beneficiary's one running sponsorship." in result.stderr
    )
    row = assert_identities(people, code)
    # Six instalments of 500.000 take 3.000.000; the other 200.000 is credit, not lost.
    assert (row["paid_out_vnd"], row["credit_vnd"], row["overdue_vnd"]) == (3_200_000, 200_000, 0)


def test_a_payment_after_the_end_is_unallocated_credit(people):
    code = station_monthly(people, end="2023-02")
    people(
        "record",
        "cash",
        "--to",
        ORPHAN,
        "-n",
        "1.000.000",
        "--sponsorship",
        code,
        "--date",
        "2023-02-01",
    )
    people(
        "record",
        "cash",
        "--to",
        ORPHAN,
        "-n",
        "400.000",
        "--sponsorship",
        code,
        "--date",
        "2023-05-01",
    )
    row = assert_identities(people, code)
    assert (row["paid_out_vnd"], row["credit_vnd"], row["status"]) == (1_400_000, 400_000, "ended")


def test_arrears_paid_after_the_end_settle_the_instalments_still_owed(people):
    # Ended with February unpaid: paying it late must settle it, not sit beside it as credit
    # while `due` lists it as overdue for ever.
    code = station_monthly(people, end="2023-02")
    for day, amount in (("2023-01-05", "500.000"), ("2023-04-01", "700.000")):
        people("record", "cash", "--to", ORPHAN, "-n", amount, "--sponsorship", code, "--date", day)
    row = assert_identities(people, code)
    assert (row["paid_out_vnd"], row["overdue_vnd"], row["credit_vnd"]) == (1_200_000, 0, 200_000)
    assert (row["next_due"], row["status"]) == (None, "ended")
    assert people("sponsorship", "due", "--until", "2023-12-31", "-f", "json").json() == []


def test_a_change_of_amount_mid_way(people):
    code = station_monthly(people)
    people("sponsorship", "change", code, "--amount", "800.000", "--from-date", "2023-04-01")
    people(
        "record",
        "cash",
        "--to",
        ORPHAN,
        "-n",
        "3.900.000",
        "--sponsorship",
        code,
        "--date",
        "2023-06-10",
    )
    row = assert_identities(people, code)
    schedule = people("sponsorship", "show", code, "-f", "json").json()["schedule"]
    assert [r["amount_vnd"] for r in schedule] == [500_000] * 3 + [800_000] * 3
    assert row["pledged_vnd"] == 3_900_000 and row["overdue_vnd"] == 0
    assert any(
        entry["action"] == "sponsorship.change" for entry in people("log", "-f", "json").json()
    )


def test_a_voided_payment_makes_its_instalment_due_again(people):
    code = station_monthly(people)
    first = people(
        "record", "cash", "--to", ORPHAN, "-n", "500.000", "--date", "2023-01-03"
    ).stdout.strip()
    people("record", "cash", "--to", ORPHAN, "-n", "500.000", "--date", "2023-02-03")
    people("handout", "void", first, "--reason", "paid twice")
    row = assert_identities(people, code)
    schedule = people("sponsorship", "show", code, "-f", "json").json()["schedule"]
    assert [r["paid_out_vnd"] for r in schedule[:2]] == [500_000, 0]  # January took February's
    assert row["paid_out_vnd"] == 500_000


def test_a_donors_sponsorship_received_held_and_advanced(people):
    donor = people("donor", "add", "Chị Hoa", "--type", "individual").stdout.strip()[-8:]
    code = add(
        people,
        "--to",
        ORPHAN,
        "--from",
        donor,
        "--amount",
        "1.200.000",
        "--per",
        "quarter",
        "--pay-out",
        "monthly",
        "--start",
        "2023-01",
        "--end",
        "2023-03",
        "--programme",
        "school-support",
    )
    people(
        "receive",
        "cash",
        "--from",
        donor,
        "-n",
        "800.000",
        "--sponsorship",
        code,
        "--date",
        "2023-01-02",
    )
    people(
        "record",
        "cash",
        "--to",
        ORPHAN,
        "-n",
        "400.000",
        "--sponsorship",
        code,
        "--date",
        "2023-01-05",
    )
    row = assert_identities(people, code)
    assert (row["received_vnd"], row["paid_out_vnd"], row["held_vnd"]) == (
        800_000,
        400_000,
        400_000,
    )
    donation = people("donation", "list", "-f", "json").json()[-1]
    assert donation["programme"] == "school-support"  # the sponsorship's fund
    advanced = people(
        "record",
        "cash",
        "--to",
        ORPHAN,
        "-n",
        "600.000",
        "--sponsorship",
        code,
        "--advance",
        "--date",
        "2023-02-05",
    )
    assert "advanced 200,000 VND" in advanced.stderr
    row = assert_identities(people, code)
    assert (row["held_vnd"], row["advanced_vnd"]) == (-200_000, 200_000)
    due = people("sponsorship", "due", "--until", "2023-12-31", "-f", "json").json()
    assert {(d["side"], d["amount_vnd"]) for d in due} == {
        ("pay out", 200_000),
        ("sponsor owes", 400_000),
    }
    assert all(d["overdue"] for d in due)


def test_paying_out_more_than_a_donor_paid_is_refused_without_advance(people, run, db_path):
    donor = people("donor", "add", "Chị Hoa", "--type", "individual").stdout.strip()[-8:]
    code = add(
        people,
        "--to",
        ORPHAN,
        "--from",
        donor,
        "--amount",
        "500.000",
        "--per",
        "month",
        "--start",
        "2023-01",
    )
    before = sqlite3.connect(db_path).execute("SELECT count(*) FROM handout").fetchone()
    result = run("record", "cash", "--to", ORPHAN, "-n", "500.000", "--date", "2023-01-05")
    assert result.exit_code == 1 and result.stderr.startswith("Error: paying out more than")
    assert len(result.stderr.splitlines()) == 1 and "--advance" in result.stderr
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM handout").fetchone() == before
    assert listed(people, code)["paid_out_vnd"] == 0


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["--to", "ZZZZZZZZ", "--amount", "1", "--per", "year"], 1, "no beneficiary"),
        (["--to", ORPHAN, "--amount", "0", "--per", "year"], 2, "amount must be at least 1"),
        (["--to", ORPHAN, "--amount", "-5", "--per", "year"], 2, "amount must be positive"),
        (["--to", ORPHAN, "--amount", "1", "--per", "week"], 2, "Invalid value for --per"),
        (
            [
                "--to",
                ORPHAN,
                "--amount",
                "1",
                "--per",
                "year",
                "--start",
                "2024-01",
                "--end",
                "2023-12",
            ],
            2,
            "--end is before --start",
        ),
        (
            ["--to", ORPHAN, "--amount", "1", "--per", "year", "--start", "Tháng Giêng"],
            2,
            "--start is not a month",
        ),
        (["--to", ORPHAN, "--amount", "1", "--per", "year", "--from", "ZZZZZZZZ"], 1, "no donor"),
    ],
)
def test_bad_input_to_add(people, run, db_path, args, code, says):
    before = sqlite3.connect(db_path).execute("SELECT count(*) FROM audit_log").fetchone()
    result = run("sponsorship", "add", *args)
    assert result.exit_code == code, result
    assert result.stderr.startswith("Error: ") and says in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Tháng" not in result.stderr
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM audit_log").fetchone() == before


def test_an_archived_beneficiary_takes_no_sponsorship(people, run):
    people("beneficiary", "archive", ORPHAN)
    result = run("sponsorship", "add", "--to", ORPHAN, "--amount", "1", "--per", "year")
    assert result.exit_code == 1 and "is archived" in result.stderr


def test_a_sponsorship_of_another_beneficiary_is_refused(people, run):
    code = station_monthly(people)
    result = run("record", "cash", "--to", OTHER, "-n", "500.000", "--sponsorship", code)
    assert result.exit_code == 2 and "is for another beneficiary" in result.stderr
    assert listed(people, code)["paid_out_vnd"] == 0


def test_ending_before_the_start_is_refused_and_an_end_cancels_what_follows(people, run):
    code = station_monthly(people)
    result = run("sponsorship", "end", code, "--date", "2022-12-31", "--reason", "x")
    assert result.exit_code == 2 and "before the sponsorship starts" in result.stderr
    people("sponsorship", "end", code, "--date", "2023-02-15", "--reason", "moved away")
    row = assert_identities(people, code)
    assert row["pledged_vnd"] == 1_000_000 and row["end"] == "2023-02-15"
    again = run("sponsorship", "end", code, "--date", "2023-03-01", "--reason", "again")
    assert again.exit_code == 1 and "has ended" in again.stderr
    # Ended: a cash handout is no longer linked by itself.
    result = people("record", "cash", "--to", ORPHAN, "-n", "1.000", "--date", "2023-04-01")
    assert "Linked" not in result.stderr


def test_a_change_from_after_the_end_is_refused_and_nothing_is_written(people, run):
    code = station_monthly(people)  # ends 2023-06
    log = len(people("log", "-f", "json").json())
    result = run("sponsorship", "change", code, "--amount", "900.000", "--from-date", "2023-07-01")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: --from-date is after the sponsorship ends (2023-06-30)")
    assert len(result.stderr.strip().splitlines()) == 1
    assert len(people("log", "-f", "json").json()) == log


def test_a_closed_years_sponsorship_figures_cannot_move(people, run):
    people("station", "set", "--name", "Công an phường Thanh Khê Đông", "--code", "TKD")
    code = add(
        people, "--to", ORPHAN, "--amount", "500.000", "--per", "month", "--start", "2023-01"
    )
    people("close", "2023")

    def figures() -> dict:
        return people("report", "2023", "-f", "json").json()["sponsorships"]

    closed = figures()
    for args in (
        ("add", "--to", OTHER, "--amount", "100.000", "--per", "month", "--start", "2023-12"),
        ("change", code, "--amount", "900.000", "--from-date", "2023-07-01"),
        ("end", code, "--date", "2023-10-31", "--reason", "moved away"),
    ):
        result = run("sponsorship", *args)
        assert result.exit_code == 1, args
        assert result.stderr.startswith("Error: 2023 is closed"), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert figures() == closed
    # From the next open year on, a sponsorship goes on as usual.
    people("sponsorship", "change", code, "--amount", "900.000", "--from-date", "2024-01-01")
    people("sponsorship", "end", code, "--date", "2024-03-31", "--reason", "moved away")
    add(people, "--to", OTHER, "--amount", "100.000", "--per", "month", "--start", "2024-01")
    assert figures() == closed


# --- the sample, reports, statement, check ------------------------------------------------------


def test_the_samples_orphan_is_a_godmother_sponsorship_paid_in_full(ok):
    (row,) = ok("--sample", "sponsorship", "list", "--format", "json", db=None).json()
    assert row["beneficiary"] == ORPHAN and row["sponsor"] == "station"
    assert (row["pledged_vnd"], row["paid_out_vnd"], row["overdue_vnd"]) == (
        6_000_000,
        6_000_000,
        0,
    )
    for key in ("code", "amount_vnd", "per", "received_vnd", "held_vnd", "next_due", "status"):
        assert key in row
    report = ok("--sample", "report", "2023", "--format", "json", db=None).json()
    godmother = next(p for p in report["programmes"] if p["programme"] == "godmother")
    assert godmother["value_vnd"] == 6_000_000  # the 2023 godmother total stays 6.000.000
    (section,) = report["sponsorships"]
    assert section == {
        "programme": "godmother",
        "sponsorships": 1,
        "committed_vnd": 6_000_000,
        "received_vnd": 6_000_000,
        "paid_out_vnd": 6_000_000,
        "held_vnd": 0,
        "overdue_vnd": 0,
    }


def test_the_statement_shows_sponsorships_per_programme_naming_no_beneficiary(ok):
    statement = ok("--sample", "statement", "2023", "--format", "json", db=None).json()
    assert statement["sponsorships"][0]["paid_out_vnd"] == 6_000_000
    text = ok("--sample", "statement", "2023", db=None).stdout
    assert "Sponsorships" in text and ORPHAN not in text and "Ngọc" not in text
    assert "sponsorships" not in ok("--sample", "statement", "2022", "-f", "json", db=None).json()


def test_check_finds_a_payment_moved_to_another_sponsorship(people, run, tmp_path, db_path):
    first = station_monthly(people)
    people("record", "cash", "--to", ORPHAN, "-n", "500.000", "--date", "2023-01-03")
    other = add(
        people, "--to", OTHER, "--amount", "100.000", "--per", "month", "--start", "2023-01"
    )
    copy = tmp_path / "tampered.db"
    shutil.copy(db_path, copy)
    conn = sqlite3.connect(copy)
    conn.execute("DROP TRIGGER sponsorship_payment_never_changed")
    conn.execute(
        "UPDATE sponsorship_payment SET sponsorship_id = (SELECT id FROM sponsorship"
        " WHERE substr(id, 19) = ?)",
        (other,),
    )
    conn.commit()
    conn.close()
    checked = run("check", "--format", "json", db=copy)
    assert checked.exit_code == 1
    result = checked.json()
    (sponsorship_check,) = [c for c in result["checks"] if c["check"] == "sponsorships"]
    assert not sponsorship_check["ok"]
    found = [f for f in result["findings"] if f["kind"] == "sponsorship"]
    assert found[0]["target"] == other and "not cash to its beneficiary" in found[0]["detail"]
    assert first not in {f["target"] for f in found}


def test_cash_to_someone_with_two_running_sponsorships_is_recorded_unlinked_and_said(people):
    ok = people
    first = station_monthly(ok)
    second = add(ok, "--to", ORPHAN, "--amount", "100.000", "--per", "month", "--start", "2023-01")
    result = ok("record", "cash", "--to", ORPHAN, "-n", "500.000", "--date", "2023-02-05")
    assert "Not linked to a sponsorship" in result.stderr, result
    assert first in result.stderr and second in result.stderr
    assert listed(ok, first)["paid_out_vnd"] == listed(ok, second)["paid_out_vnd"] == 0
    vi = ok("--lang", "vi", "record", "cash", "--to", ORPHAN, "-n", "1", "--date", "2023-02-06")
    assert "Not linked" not in vi.stderr and "--sponsorship" in vi.stderr
