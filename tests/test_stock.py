"""Stock: `kind edit --track-stock`, `heartlink stock [--as-of]`, the warning of `record`
beyond the stock on hand, and `check` listing a tracked kind whose stock went below zero."""

import datetime as dt
import sqlite3

import pytest

THIS_YEAR = dt.date.today().year


def buy(ok, kind: str, quantity: int, date: str, amount: int = 35_000_000) -> dict:
    return ok(
        "spend",
        "--amount",
        str(amount),
        "--programme",
        "tet-cakes",
        "--for",
        "bánh tét",
        "--buys",
        kind,
        "--quantity",
        str(quantity),
        "--date",
        date,
        "--format",
        "json",
    ).json()


def hand_out(ok, kind: str, count: int, date: str):
    return ok("record", kind, "--count", str(count), "--date", date)


def stock(ok, *args: str) -> dict:
    return {line["kind"]: line for line in ok("stock", *args, "--format", "json").json()["kinds"]}


def check_findings(run) -> list[dict]:
    return run("check", "--format", "json").json()["findings"]


def test_tracking_a_kind_is_audited_shown_and_checks_clean(ok):
    result = ok("kind", "edit", "cake", "--track-stock", "--format", "json")
    assert result.json()["track_stock"] is True
    kinds = {k["slug"]: k for k in ok("kind", "list", "--format", "json").json()}
    assert kinds["cake"]["track_stock"] is True and kinds["meal"]["track_stock"] is False
    assert "Stock tracked" in ok("kind", "list").stdout
    ok("kind", "edit", "cake", "--no-track-stock")
    assert ok("stock", "--format", "json").json()["kinds"] == []
    actions = [(e["action"], e["target"]) for e in ok("log", "--format", "json").json()]
    assert actions[-2:] == [("kind.track-stock", "cake"), ("kind.untrack-stock", "cake")]
    assert ok("check", "--format", "json").json()["ok"] is True


def test_tracking_again_changes_nothing_and_logs_nothing(ok):
    ok("kind", "edit", "cake", "--track-stock")
    entries = len(ok("log", "--format", "json").json())
    ok("kind", "edit", "cake", "--track-stock")
    assert len(ok("log", "--format", "json").json()) == entries


def test_tracking_and_another_change_in_one_command(ok):
    ok("kind", "edit", "cake", "--track-stock", "--unit-value", "50.000")
    actions = [e["action"] for e in ok("log", "--format", "json").json()]
    assert actions[-2:] == ["kind.track-stock", "kind.edit"]
    assert stock(ok)["cake"]["valued_at"] == "unit value"
    assert ok("check", "--format", "json").json()["ok"] is True


def test_money_is_not_stock(ok, run):
    result = run("kind", "edit", "cash", "--track-stock")
    assert result.exit_code == 2 and "cash is money, not goods" in result.stderr
    assert run("kind", "edit", "caek", "--track-stock").exit_code == 2


def test_stock_is_bought_plus_received_minus_handed_out_none_voided(ok, db_path):
    ok("kind", "edit", "cake", "--track-stock")
    buy(ok, "cake", 700, f"{THIS_YEAR}-01-05")
    wrong = buy(ok, "cake", 50, f"{THIS_YEAR}-01-05")
    ok("spending", "void", wrong["code"], "--reason", "typed twice")
    hand_out(ok, "cake", 120, f"{THIS_YEAR}-01-06")
    voided = hand_out(ok, "cake", 30, f"{THIS_YEAR}-01-06").stdout.strip()
    ok("handout", "void", voided, "--reason", "x")
    # Goods received in kind (`heartlink receive`, built beside this) count in as well.
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO donation (id, date, year, kind, programme, count, value_vnd, method, officer,"
        " created_at) VALUES ('01HZZZZZZZZZZZZZZZZZZZZZZZ', ?, ?, 'cake', 'tet-cakes', 100,"
        " 5000000, 'in-kind', 'x', 'x')",
        (f"{THIS_YEAR}-01-07", THIS_YEAR),
    )
    conn.commit()
    conn.close()
    line = stock(ok)["cake"]
    assert (line["opening"], line["in"], line["out"], line["on_hand"]) == (0, 800, 120, 680)
    # No unit value: the average of what came in (35,000,000 + 5,000,000 for 800 cakes).
    assert (line["value_vnd"], line["valued_at"]) == (680 * 50_000, "average of what came in")
    assert stock(ok, "--as-of", f"{THIS_YEAR}-12-31")["cake"] == line


def test_opening_is_carried_over_and_as_of_scans_by_date(ok):
    ok("kind", "edit", "cake", "--track-stock", "--unit-value", "40.000")
    buy(ok, "cake", 700, "2023-01-05")
    hand_out(ok, "cake", 650, "2023-01-20")
    buy(ok, "cake", 100, "2024-01-03")
    hand_out(ok, "cake", 30, "2024-02-01")
    line = stock(ok, "--as-of", "2024-01-31")["cake"]
    assert (line["opening"], line["in"], line["out"], line["on_hand"]) == (50, 100, 0, 150)
    assert (line["value_vnd"], line["valued_at"]) == (150 * 40_000, "unit value")
    line = stock(ok, "--as-of", "31/12/2023")["cake"]
    assert (line["opening"], line["in"], line["out"], line["on_hand"]) == (0, 700, 650, 50)
    now = stock(ok)["cake"]
    assert (now["opening"], now["on_hand"]) == (120, 120)
    report = ok("stock", "--as-of", "2023-12-31", "--format", "json").json()
    assert (report["year"], report["as_of"]) == (2023, "2023-12-31")
    assert "150" in ok("stock", "--as-of", "2024-01-31").stdout


def test_stock_without_tracked_kinds_says_how_to_track_one(ok):
    assert "kind edit KIND --track-stock" in ok("stock").stderr + ok("stock").stdout


def test_bad_as_of_is_refused(run):
    result = run("stock", "--as-of", "31/02/2023")
    assert result.exit_code == 2 and result.stderr.startswith("Error: date does not exist")


def test_record_beyond_the_stock_records_and_warns(ok):
    ok("kind", "edit", "cake", "--track-stock")
    buy(ok, "cake", 700, "2023-01-05")
    assert "stock" not in hand_out(ok, "cake", 700, "2023-01-06").stderr
    result = hand_out(ok, "cake", 20, "2023-01-07")
    assert "Warning: stock of cake is now -20;" in result.stderr
    assert len(ok("handout", "list", "--kind", "cake", "--format", "json").json()) == 2
    # Not tracked: no warning however much is handed out.
    assert "stock" not in hand_out(ok, "meal", 10_000, "2023-01-07").stderr


def test_check_lists_a_kind_that_went_below_zero_with_the_date(ok, run):
    ok("kind", "edit", "cake", "--track-stock")
    hand_out(ok, "cake", 20, "2023-01-04")  # handed out before the bakery's bill was typed
    buy(ok, "cake", 700, "2023-01-05")
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    [found] = [f for f in result.json()["findings"] if f["kind"] == "stock"]
    assert found["target"] == "cake"
    assert "went below zero on 2023-01-04 (-20 that day; lowest -20, now 680)" in found["detail"]
    # Moving the handout to after the purchase (void and record again) clears the finding.
    [handout] = ok("handout", "list", "--kind", "cake", "--format", "json").json()
    ok("handout", "void", handout["code"], "--reason", "wrong date")
    hand_out(ok, "cake", 20, "2023-01-06")
    assert ok("check", "--format", "json").json()["ok"] is True


def test_an_untracked_kind_below_zero_is_no_finding(ok):
    hand_out(ok, "cake", 20, "2023-01-04")
    assert ok("check", "--format", "json").json()["ok"] is True


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_stock_in_every_format(ok, fmt):
    ok("kind", "edit", "cake", "--track-stock")
    buy(ok, "cake", 700, "2023-01-05")
    out = ok("stock", "--format", fmt).stdout
    assert "cake" in out and "700" in out
