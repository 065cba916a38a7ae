"""The benchmark suite's generated ledgers: the sizes, years and variety asked for, in a file
heartlink itself opens. Small sizes only; the timings live in benchmarks/, never here."""

import sqlite3
from pathlib import Path

import pytest

from benchmarks import datagen, measurements
from heartlink import db, ids, reports

COUNT, YEARS = 2000, 3


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "ledger.db"
    datagen.generate(path, COUNT, years=YEARS, seed=1)
    conn = sqlite3.connect(path)
    yield conn
    conn.close()


def values(conn, sql):
    return [row[0] for row in conn.execute(sql)]


def test_the_requested_handouts_spread_over_the_requested_years(ledger):
    per_year = dict(ledger.execute("SELECT year, count(*) FROM handout GROUP BY year"))
    expected = range(datagen.FIRST_YEAR, datagen.FIRST_YEAR + YEARS)
    assert per_year == dict(zip(expected, datagen.per_year(COUNT, YEARS), strict=True))
    assert sum(per_year.values()) == COUNT
    assert values(ledger, "SELECT count(*) FROM handout WHERE substr(date, 1, 4) != year") == [0]


def test_handouts_are_varied_like_a_station_s(ledger):
    assert len(values(ledger, "SELECT DISTINCT kind FROM handout")) >= 8
    assert len(values(ledger, "SELECT DISTINCT programme FROM handout")) >= 6
    named, anonymous, voided = ledger.execute(
        "SELECT count(beneficiary_id), count(*) - count(beneficiary_id), count(voided_at)"
        " FROM handout"
    ).fetchone()
    assert named > COUNT / 4 and anonymous > COUNT / 4
    assert 0 < voided < COUNT / 20
    assert values(ledger, "SELECT count(*) FROM beneficiary") == [datagen.beneficiary_count(COUNT)]
    no_category = (
        "SELECT count(*) FROM beneficiary"
        " WHERE id NOT IN (SELECT beneficiary_id FROM beneficiary_category)"
    )
    assert values(ledger, no_category) == [0]


def test_the_file_is_a_consistent_current_heartlink_ledger(ledger):
    assert values(ledger, "PRAGMA integrity_check") == ["ok"]
    assert ledger.execute("PRAGMA foreign_key_check").fetchall() == []
    assert values(ledger, "PRAGMA user_version") == [db.SCHEMA_VERSION]
    assert values(ledger, "PRAGMA journal_mode") == ["wal"]
    for handout_id in values(ledger, "SELECT id FROM handout LIMIT 50"):
        assert ids.check_id(handout_id) == handout_id


def test_ids_are_ulids_of_their_creation_time():
    millis = 1_700_000_000_123
    made = datagen.ulid(millis, 2**80 - 1)
    assert ids.check_id(made) == made
    assert ids.id_time_ms(made) == millis
    assert datagen.ulid(millis, 0) < datagen.ulid(millis + 1, 0)


def test_a_one_handout_ledger_has_it_in_the_report_year(tmp_path):
    path = datagen.cached(tmp_path, 1)
    with db.open_for_read(path) as one:
        totals = reports.yearly(one.conn, datagen.report_year())
    assert totals["overall"]["handouts"] == 1


def test_generated_ledgers_are_cached(tmp_path):
    first = datagen.cached(tmp_path, 10, years=2)
    stamp = first.stat().st_mtime_ns
    assert datagen.cached(tmp_path, 10, years=2) == first
    assert first.stat().st_mtime_ns == stamp
    assert datagen.cached(tmp_path, 11, years=2) != first


def test_every_report_statement_reads_only_the_one_year(tmp_path):
    path = datagen.cached(tmp_path, 300)
    plans = measurements.report_plans(path, datagen.report_year())
    assert plans
    for plan in plans:
        assert measurements.reads_one_year(plan), plan
        assert not any(step.startswith("USE TEMP B-TREE") for step in plan), plan


def test_the_generated_ledger_is_sealed_and_checks_clean(ledger):
    from heartlink import audit

    verified = audit.verify(ledger)
    assert verified["ok"], verified["findings"][:3]
    assert verified["head"]["entries"] == 1


DONATIONS, SPENDING = 1400, 600


@pytest.fixture(scope="module")
def money(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench-money") / "money.db"
    datagen.generate(path, 100, years=YEARS, seed=1, donations=DONATIONS, spending=SPENDING)
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def test_money_spreads_over_the_years_and_is_varied_like_a_station_s(money):
    expected = dict(
        zip(
            range(datagen.FIRST_YEAR, datagen.FIRST_YEAR + YEARS),
            datagen.per_year(DONATIONS, YEARS),
            strict=True,
        )
    )
    assert (
        dict(money.execute("SELECT year, count(*) FROM donation GROUP BY year").fetchall())
        == expected
    )
    assert values(money, "SELECT count(*) FROM spending") == [SPENDING]
    cash, goods, named, voided = money.execute(
        "SELECT sum(kind = 'cash'), sum(kind != 'cash'), count(donor_id), count(voided_at)"
        " FROM donation"
    ).fetchone()
    assert cash > DONATIONS * 0.7 and goods > DONATIONS * 0.05
    assert DONATIONS * 0.5 < named < DONATIONS * 0.9 and 0 < voided < DONATIONS / 20
    assert set(values(money, "SELECT DISTINCT method FROM donation")) == {"cash", "bank", "in-kind"}
    assert values(
        money, "SELECT count(*) FROM donation WHERE kind = 'cash' AND count != value_vnd"
    ) == [0]
    assert len(values(money, "SELECT DISTINCT programme FROM spending")) >= 6
    assert values(money, "SELECT count(*) FROM spending WHERE buys_kind IS NOT NULL") != [0]
    assert values(money, "SELECT count(*) FROM donor") == [datagen.donor_count(DONATIONS)]


def test_the_money_totals_are_those_of_the_rows(money):
    kept = "SELECT year, programme, kind, donations, count, value_vnd FROM donation_year"
    counted = (
        "SELECT year, programme, kind, count(*), sum(count), coalesce(sum(value_vnd), 0)"
        " FROM donation WHERE voided_at IS NULL GROUP BY 1, 2, 3"
    )
    assert sorted(map(tuple, money.execute(kept))) == sorted(map(tuple, money.execute(counted)))
    kept = "SELECT year, programme, buys_kind, lines, amount_vnd, quantity FROM spending_year"
    counted = (
        "SELECT year, programme, coalesce(buys_kind, ''), count(*), sum(amount_vnd),"
        " coalesce(sum(quantity), 0) FROM spending WHERE voided_at IS NULL GROUP BY 1, 2, 3"
    )
    assert sorted(map(tuple, money.execute(kept))) == sorted(map(tuple, money.execute(counted)))


def test_the_money_ledger_is_sealed_and_its_statement_ties(money):
    from heartlink import audit, funds

    verified = audit.verify(money)
    assert verified["ok"], verified["findings"][:3]
    assert verified["head"]["entries"] == 1
    year = datagen.report_year(YEARS)
    content = funds.statement(money, year)  # raises StatementDoesNotTie if it does not
    assert len(content["receipts"]) == measurements.live_receipts(
        Path(money.execute("PRAGMA database_list").fetchone()[2]), year
    )


def test_money_ledgers_are_cached_apart_from_handout_ledgers(tmp_path):
    plain = datagen.cache_path(tmp_path, 1000)
    assert "money" not in plain.name  # the handout ledgers' names, and caches, are unchanged
    with_money = datagen.cache_path(tmp_path, 1000, donations=7, spending=3)
    assert with_money != plain and "money7+3" in with_money.name


def test_funds_reads_only_the_yearly_totals(tmp_path):
    path = datagen.cached(tmp_path, 10, years=2, donations=300, spending=100)
    plans = measurements.funds_plans(path, datagen.report_year(2))
    assert plans
    for plan in plans:
        assert not any(measurements.reads_entries(step) for step in plan), plan


def test_a_plan_step_on_the_entries_is_told_from_one_on_their_totals():
    assert measurements.reads_entries("SEARCH d USING INDEX donation_by_year (year=?)")
    assert measurements.reads_entries("SCAN spending")
    assert not measurements.reads_entries("SEARCH donation_year USING PRIMARY KEY (year<?)")
    assert not measurements.reads_entries("SEARCH spending_year USING PRIMARY KEY (year=?)")
