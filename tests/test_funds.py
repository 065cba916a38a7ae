"""`heartlink funds` and `heartlink statement` (sao kê): each fund's balance from the yearly
totals, a public statement that ties, refuses when a total was changed behind heartlink's back,
and never names a beneficiary or a private donor, in any format."""

import csv
import io
import sqlite3

import pytest

from heartlink import audit, db, ids

from conftest import printed_text

PRIVATE_DONOR = "Trần Văn Kín"
PUBLIC_DONOR = "Công ty Bánh Ngọt Hòa Bình"
OFFICER_DONOR = "Đại úy Lê Văn Hùng"
BENEFICIARY = "Trương Thị Bích Ngọc"
GROUP = "tổ 39"


class Money:
    """Donors, donations and spending put into a test ledger by plain SQL, each with its audit
    entry, as `receive` and `spend` (built elsewhere) will: so that `check` stays clean."""

    def __init__(self, path):
        self.path = path

    def _write(self, table: str, action: str, row: dict) -> str:
        ledger = db.open_for_write(self.path)
        try:
            with ledger.write() as conn:
                names = ", ".join(row)
                marks = ", ".join("?" * len(row))
                conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(row.values()))
                audit.append(
                    conn,
                    action,
                    officer="Officer Test",
                    target=row.get("id", row.get("kind")),
                    after=row,
                )
        finally:
            ledger.close()
        return row.get("id", "")

    def donor(self, name: str, type_: str = "individual", public: bool = False) -> str:
        row = {
            "id": ids.new_id(),
            "name": name,
            "type": type_,
            "public": int(public),
            "created_at": db.utc_now(),
            "created_by": "Officer Test",
        }
        return self._write("donor", audit.DONOR_ADD, row)

    def receive(
        self,
        date: str,
        count: int,
        kind: str = "cash",
        programme: str = "general",
        donor: str | None = None,
        value: int | None = None,
        method: str | None = None,
    ) -> str:
        row = {
            "id": ids.new_id(),
            "date": date,
            "year": int(date[:4]),
            "donor_id": donor,
            "kind": kind,
            "programme": programme,
            "count": count,
            "value_vnd": count if kind == "cash" else value,
            "method": method or ("cash" if kind == "cash" else "in-kind"),
            "officer": "Officer Test",
            "created_at": db.utc_now(),
        }
        return self._write("donation", audit.DONATION_RECEIVE, row)

    def spend(
        self,
        date: str,
        amount: int,
        programme: str,
        purpose: str = "gạo, rau, thịt",
        buys: str | None = None,
        quantity: int | None = None,
    ) -> str:
        row = {
            "id": ids.new_id(),
            "date": date,
            "year": int(date[:4]),
            "programme": programme,
            "amount_vnd": amount,
            "purpose": purpose,
            "buys_kind": buys,
            "quantity": quantity,
            "officer": "Officer Test",
            "created_at": db.utc_now(),
        }
        return self._write("spending", audit.SPENDING_RECORD, row)

    def track(self, kind: str) -> None:
        row = {"kind": kind, "tracked": 1, "changed_at": db.utc_now(), "changed_by": "Officer Test"}
        self._write("stock_kind", audit.STOCK_TRACK, row)

    def sql(self, *statements: str) -> None:
        conn = sqlite3.connect(self.path)
        for statement in statements:
            conn.execute(statement)
        conn.commit()
        conn.close()


@pytest.fixture
def money(ok, db_path):
    db_path.parent.mkdir(parents=True, exist_ok=True)
    ledger = db.open_for_write(db_path)
    with ledger.write():
        pass  # creates and migrates the file
    ledger.close()
    ok("station", "set", "--name", "Công an phường Thanh Khê Đông", "--code", "TKD")
    ok("station", "set", "--place", "Đà Nẵng", "--head", "Phạm Thanh Sơn")
    return Money(db_path)


@pytest.fixture
def year_of_money(ok, money):
    """2022 and 2023: officers' and donors' money, a business's bánh tét, a bakery bill, meals
    bought, the godmother money handed out to an orphan in tổ 39."""
    private = money.donor(PRIVATE_DONOR)
    public = money.donor(PUBLIC_DONOR, "business", public=True)
    officer = money.donor(OFFICER_DONOR, "officer")
    money.track("cake")
    money.receive("2022-11-02", 1_500_000, donor=private)
    money.spend("2022-12-05", 500_000, "meals")
    money.receive("2023-01-10", 6_000_000, programme="godmother", donor=officer)
    money.receive("2023-01-12", 2_000_000, donor=private, method="bank")
    money.receive(
        "2023-01-15", 700, kind="cake", programme="tet-cakes", donor=public, value=35_000_000
    )
    money.receive("2023-02-01", 3_000_000, programme="meals")
    money.spend("2023-01-18", 4_000_000, "tet-cakes", "bánh tét từ tiệm bánh", "cake", 100)
    money.spend("2023-03-06", 3_000_000, "meals")
    code = ok(
        "beneficiary", "add", BENEFICIARY, "-c", "orphan", "--group", "39", "--format", "json"
    ).json()["code"]
    ok(
        "record",
        "cash",
        "-n",
        "6.000.000",
        "--to",
        code,
        "-d",
        "2023-09-05",
        "--programme",
        "godmother",
    )
    ok("record", "cake", "-n", "750", "-d", "2023-01-20")
    return code


def test_funds_ties_per_fund_and_in_total(ok, year_of_money):
    result = ok("funds", "2023", "--format", "json").json()
    rows = {row["programme"]: row for row in result["programmes"]}
    assert rows["general"]["opening_vnd"] == 1_500_000
    assert rows["general"]["received_vnd"] == 2_000_000
    assert rows["meals"] == rows["meals"] | {
        "opening_vnd": -500_000,
        "received_vnd": 3_000_000,
        "spent_vnd": 3_000_000,
        "closing_vnd": -500_000,
    }
    assert rows["godmother"]["cash_out_vnd"] == 6_000_000
    assert rows["godmother"]["closing_vnd"] == 0
    assert rows["tet-cakes"]["closing_vnd"] == -4_000_000
    for row in [*result["programmes"], result["total"]]:
        assert (
            row["opening_vnd"] + row["received_vnd"] - row["spent_vnd"] - row["cash_out_vnd"]
            == row["closing_vnd"]
        )
    for figure in ("opening_vnd", "received_vnd", "spent_vnd", "cash_out_vnd", "closing_vnd"):
        assert result["total"][figure] == sum(row[figure] for row in result["programmes"])
    # The next year opens with this year's closing balances.
    following = {
        row["programme"]: row
        for row in ok("funds", "2024", "--format", "json").json()["programmes"]
    }
    assert {slug: row["opening_vnd"] for slug, row in following.items()} == {
        slug: row["closing_vnd"] for slug, row in rows.items()
    }


def test_funds_for_people_and_scripts(ok, year_of_money):
    table = ok("funds", "2023", "--lang", "vi").stdout
    assert "Số dư đầu kỳ" in table and "Tổng các quỹ" in table and "2.000.000 ₫" in table
    rows = list(csv.DictReader(io.StringIO(ok("funds", "2023", "--format", "csv").stdout)))
    assert rows[-1]["name"] == "total"
    assert int(rows[-1]["closing_vnd"]) == sum(int(r["closing_vnd"]) for r in rows[:-1])


def test_funds_of_an_empty_ledger_show_the_general_fund(ok):
    result = ok("funds", "2023", "--format", "json").json()
    assert [row["programme"] for row in result["programmes"]] == ["general"]
    assert result["total"]["closing_vnd"] == 0


@pytest.mark.parametrize("year", ["23", "abc", "0"])
def test_funds_refuses_a_bad_year(run, year):
    result = run("funds", year)
    assert result.exit_code == 2, result
    assert result.stderr.startswith("Error:") and len(result.stderr.strip().splitlines()) == 1


def test_statement_json_has_every_line_and_ties(ok, run, year_of_money):
    result = ok("statement", "2023", "--format", "json").json()
    assert {
        "year",
        "opening",
        "receipts",
        "spending",
        "handed_out",
        "closing",
        "chain_head",
    } <= set(result)
    assert result["year"] == 2023
    money = [r for r in result["receipts"] if r["kind"] == "cash"]
    assert sum(r["count"] for r in money) == 11_000_000
    for receipt in result["receipts"]:
        assert {"date", "code", "donor", "kind", "count", "value_vnd"} <= set(receipt)
        assert len(receipt["code"]) == ids.CODE_LENGTH
    for line in result["spending"]:
        assert {"date", "programme", "purpose", "amount_vnd"} <= set(line)
    assert sum(line["amount_vnd"] for line in result["spending"]) == 7_000_000
    for slug in result["closing"]:
        row = next(r for r in result["funds"] if r["programme"] == slug)
        assert (
            result["opening"][slug] + row["received_vnd"] - row["spent_vnd"] - row["cash_out_vnd"]
            == result["closing"][slug]
        )
    handed = {(r["programme"], r["kind"]): r for r in result["handed_out"]}
    assert handed[("godmother", "cash")]["count"] == 6_000_000
    assert handed[("godmother", "cash")]["people"] == 1
    # Stock of a tracked kind: 700 received + 100 bought - 750 handed out.
    assert result["stock"] == [result["stock"][0] | {"kind": "cake", "on_hand": 50}]
    check = run("check", "--format", "json").json()
    # Only the funds advanced (meals, tết cakes) are findings: every record matches its seal.
    assert {f["kind"] for f in check["findings"]} == {"fund"}
    assert result["chain_head"] == check["head"]


def test_statement_names_only_public_donors(ok, year_of_money):
    en = ok("statement", "2023", "--format", "json").json()
    donors = {r["donor"] for r in en["receipts"]}
    assert donors == {PUBLIC_DONOR, "A well-wisher", "Officers"}
    vi = ok("statement", "2023", "--format", "json", "--lang", "vi").json()
    assert {r["donor"] for r in vi["receipts"]} == {PUBLIC_DONOR, "Nhà hảo tâm", "Cán bộ, chiến sĩ"}


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "xlsx", "pdf"])
def test_no_beneficiary_and_no_private_donor_in_any_format(
    ok, tmp_path, year_of_money, fmt, lang="vi"
):
    beneficiary_code = year_of_money
    for lang in ("en", "vi"):
        if fmt in ("xlsx", "pdf"):
            path = tmp_path / f"sao-ke-{lang}.{fmt}"
            ok("statement", "2023", "--format", fmt, "--lang", lang, "--output", str(path))
            text = printed_text(path)
        else:
            text = ok("statement", "2023", "--format", fmt, "--lang", lang).stdout
        assert PUBLIC_DONOR in text, fmt  # the extraction works: what must be there is
        for secret in (
            PRIVATE_DONOR,
            OFFICER_DONOR,
            BENEFICIARY,
            beneficiary_code,
            GROUP,
            "Ngọc",
            "Kín",
        ):
            assert secret not in text, (fmt, lang, secret)


def test_pdf_statement_is_headed_as_an_administrative_report(ok, tmp_path, year_of_money):
    path = tmp_path / "sao-ke.pdf"
    ok("statement", "2023", "--lang", "vi", "--format", "pdf", "--output", str(path))
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    for expected in (
        "CÔNG AN PHƯỜNG THANH KHÊ ĐÔNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "SAO KÊ THU CHI NĂM 2023",
        "TRƯỞNG CÔNG AN PHƯỜNG",
        "Nhà hảo tâm",
        "2.000.000 ₫",
    ):
        assert expected in text, expected
    assert "Đà Nẵng, ngày" in text


def test_pdf_needs_a_file_and_never_replaces_one(run, ok, tmp_path, year_of_money, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ok("statement", "2023", "--format", "pdf")
    assert (tmp_path / "heartlink-statement-2023.pdf").read_bytes().startswith(b"%PDF")
    result = run("statement", "2023", "--format", "pdf")
    assert result.exit_code == 1 and result.stderr.startswith("Error:"), result


def test_a_pdf_statement_needs_the_station_set_and_the_table_does_not(ok, run, tmp_path):
    ok("receive", "cash", "-n", "1.000.000", "--date", "2023-03-01")
    path = tmp_path / "sao-ke.pdf"
    result = run("statement", "2023", "--format", "pdf", "--output", str(path))
    assert result.exit_code == 1 and not path.exists(), result
    assert result.stderr.startswith("Error:") and "heartlink station set" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "1,000,000" in ok("statement", "2023").stdout
    ok("station", "set", "--name", "Công an phường Hòa Khánh", "--code", "HK")
    ok("statement", "2023", "--lang", "vi", "--format", "pdf", "--output", str(path))
    text = _pdf_text(path.read_bytes())
    assert "CÔNG AN PHƯỜNG HÒA KHÁNH" in text and "Ngày" in text  # no place: the date alone


def test_statement_refuses_when_a_total_is_tampered_with(run, ok, money, tmp_path, year_of_money):
    money.sql(
        "UPDATE donation_year SET count = count + 1000, value_vnd = value_vnd + 1000"
        " WHERE year = 2023 AND kind = 'cash' AND programme = 'general'"
    )
    path = tmp_path / "sao-ke.pdf"
    for fmt in ("table", "json", "pdf"):
        result = run("statement", "2023", "--format", fmt, "--output", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error:"), result
        assert "does not tie" in lines[0] and "+1,000" in lines[0] and "general" in lines[0]
    assert not path.exists()
    assert list(tmp_path.glob(".sao-ke*")) == []


def test_statement_refuses_when_spending_totals_are_tampered_with(run, money, year_of_money):
    money.sql(
        "UPDATE spending_year SET amount_vnd = amount_vnd - 1"
        " WHERE year = 2023 AND programme = 'meals'"
    )
    result = run("statement", "2023")
    assert result.exit_code == 1 and "spending of programme meals" in result.stderr, result


def test_statement_csv_is_one_list_of_every_line(ok, year_of_money):
    rows = list(csv.DictReader(io.StringIO(ok("statement", "2023", "--format", "csv").stdout)))
    sections = {row["section"] for row in rows}
    assert {
        "receipt",
        "spending",
        "handed_out",
        "opening",
        "closing",
        "stock",
        "chain_head",
    } <= sections
    assert (
        sum(int(r["value_vnd"]) for r in rows if r["section"] == "receipt" and r["kind"] == "cash")
        == 11_000_000
    )


def test_voided_lines_leave_the_statement_and_the_funds(ok, money, year_of_money):
    before = ok("funds", "2023", "--format", "json").json()["total"]["received_vnd"]
    donation = money.receive("2023-05-05", 1_000_000)
    money.sql(
        "UPDATE donation SET voided_at = '2023-05-06T00:00:00.000Z', voided_by = 'x',"
        f" void_reason = 'r' WHERE id = '{donation}'"
    )
    assert ok("funds", "2023", "--format", "json").json()["total"]["received_vnd"] == before
    codes = {r["code"] for r in ok("statement", "2023", "--format", "json").json()["receipts"]}
    assert ids.short_code(donation) not in codes


def test_check_lists_a_negative_fund(run, year_of_money):
    result = run("check", "--format", "json")
    found = [f for f in result.json()["findings"] if f["kind"] == "fund"]
    assert {f["target"] for f in found} == {"meals", "tet-cakes"}
    assert any("2022" in f["detail"] for f in found if f["target"] == "meals")


def test_check_is_clean_when_every_fund_holds_money(ok, money):
    money.receive("2023-01-10", 5_000_000, programme="meals")
    money.spend("2023-03-06", 3_000_000, "meals")
    result = ok("check", "--format", "json").json()
    assert not [f for f in result["findings"] if f["kind"] == "fund"], result
    assert result["ok"]


def test_report_gains_received_and_spent(ok, year_of_money):
    report = ok("report", "2023", "--format", "json").json()
    money = {row["programme"]: row for row in report["received_and_spent"]}
    assert money["general"]["received_vnd"] == 2_000_000
    assert money["meals"]["spent_vnd"] == 3_000_000
    assert money["godmother"]["cash_out_vnd"] == 6_000_000
    table = ok("report", "2023").stdout
    assert "Received and spent" in table
    rows = list(csv.DictReader(io.StringIO(ok("report", "2023", "--format", "csv").stdout)))
    assert {r["section"] for r in rows} >= {"kind", "programme", "received", "spent", "cash_out"}


def test_report_of_a_year_without_money_is_unchanged(ok, money):
    ok("record", "cash", "-n", "500.000", "-d", "2023-09-05")
    report = ok("report", "2023", "--format", "json").json()
    assert "received_and_spent" not in report
    assert "Received and spent" not in ok("report", "2023").stdout


def test_no_statement_is_made_from_a_rewritten_audit_log(ok, run, db_path, tmp_path):
    """The statement quotes the chain's head: a log rewritten by hand stops it, with nothing
    written."""
    import sqlite3

    ok("receive", "cash", "--count", "1.000.000", "--date", "2023-03-06")
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER audit_log_never_updated")
    conn.execute("UPDATE audit_log SET officer = 'someone else'")
    conn.commit()
    conn.close()
    out = tmp_path / "s.json"
    result = run("statement", "2023", "--format", "json", "--output", str(out))
    assert result.exit_code == 1 and "audit log is broken" in result.stderr, result
    assert not out.exists()


def test_pdf_columns_keep_dates_codes_and_amounts_on_one_line():
    """A date or an amount broken over two lines is misread: those columns keep their width,
    the text columns share the rest of the line."""
    from fpdf import FPDF

    from heartlink.cli import pdf
    from heartlink.tables import Column, Table

    page = FPDF(format="A4", unit="mm")
    page.add_font(pdf.FAMILY, "", str(pdf.FONTS / "DejaVuSansCondensed.ttf"))
    page.add_font(pdf.FAMILY, "B", str(pdf.FONTS / "DejaVuSansCondensed-Bold.ttf"))
    page.add_page()
    columns = [
        Column("date", "Ngày"),
        Column("code", "Mã"),
        Column("donor", "Người ủng hộ"),
        Column("fund", "Quỹ"),
        Column("value_vnd", "Số tiền", "money"),
    ]
    row = ["02/01/2023", "92VYBXV1", "Cán bộ, chiến sĩ Công an phường Thanh Khê Đông " * 2]
    row += ["Bánh tét xanh — cho ngày Tết ấm", "25.000.000 ₫"]
    table = Table.of(columns, [dict(zip([c.key for c in columns], row, strict=True))], "t", "t")
    widths = pdf._widths(page, table, [c.heading for c in columns], [row])
    page.set_font(pdf.FAMILY, "", pdf.BODY_SIZE)
    for index in (0, 1, 4):
        assert widths[index] >= page.get_string_width(row[index]), columns[index].key
    assert abs(sum(widths) - page.epw) < 0.01


def test_money_totals_edited_by_hand_are_found_by_check_and_rebuilt(ok, run, db_path):
    """The funds read donation_year and spending_year: `check` compares them with the entries,
    as it does the handouts' totals, and `db rebuild-totals` puts them right."""
    import sqlite3

    ok("receive", "cash", "--count", "1.000.000", "--date", "2023-03-06")
    ok("spend", "--amount", "400.000", "--programme", "general", "--for", "gạo", "-d", "2023-03-07")
    before = ok("funds", "2023", "--format", "json").json()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE donation_year SET count = count + 5, value_vnd = value_vnd + 5")
    conn.execute("UPDATE spending_year SET amount_vnd = 1")
    conn.commit()
    conn.close()
    checked = run("check", "--format", "json")
    assert checked.exit_code == 1
    [totals] = [c for c in checked.json()["checks"] if c["check"] == "totals"]
    assert not totals["ok"] and totals["detail"].startswith("2 row(s)")
    ok("db", "rebuild-totals")
    assert ok("funds", "2023", "--format", "json").json() == before
    assert ok("check").exit_code == 0
