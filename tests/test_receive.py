"""`heartlink receive`, `donation list|void`, `receipt`, `export donations` and `import
donations`: money and goods received, with the rules of `record`."""

import json
import stat

import pytest
from test_startup import FORBIDDEN, command_modules_besides, imported_modules, top_level

from heartlink import audit, db, ids
from heartlink.db import utc_now

from conftest import file_state, heartlink_process


def add_donor(db_path, name: str, kind: str = "business", *, archived: bool = False) -> str:
    """A donor registered as the donor register does (its own command is built beside this
    one): one row and its audit entry, so that `check` stays clean. Returns their code."""
    donor_id = ids.new_id()
    ledger = db.open_for_write(db_path)
    try:
        with ledger.write() as conn:
            row = {
                "id": donor_id,
                "name": name,
                "type": kind,
                "public": 0,
                "created_at": utc_now(),
                "created_by": "Officer Test",
                "archived_at": utc_now() if archived else None,
            }
            conn.execute(
                f"INSERT INTO donor ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
                tuple(row.values()),
            )
            audit.append(conn, audit.DONOR_ADD, officer="Officer Test", target=donor_id, after=row)
    finally:
        ledger.close()
    return ids.short_code(donor_id)


def donations(ok, *args: str) -> list[dict]:
    return ok("donation", "list", "--format", "json", *args).json()


def check_clean(run) -> None:
    result = run("check", "--format", "json")
    assert result.exit_code == 0, result
    assert result.json()["ok"] is True


def test_receive_money_into_the_general_fund(ok, run):
    result = ok("receive", "cash", "--count", "2.000.000", "--date", "06/03/2023")
    donation_id = result.stdout.strip()
    assert len(donation_id) == 26
    assert f"Verification code: {donation_id[-8:]}" in result.stderr
    [row] = donations(ok)
    assert row["id"] == donation_id
    assert (row["kind"], row["count"], row["value_vnd"]) == ("cash", 2_000_000, 2_000_000)
    assert (row["programme"], row["method"], row["donor"]) == ("general", "cash", None)
    assert row["date"] == "2023-03-06"
    check_clean(run)


def test_receive_money_earmarked_by_bank_from_a_donor(ok, db_path):
    ok("receive", "meal", "-n", "1")  # the database exists before the donor is added
    donor = add_donor(db_path, "Công ty Bánh Tét Xanh")
    row = ok(
        "receive",
        "cash",
        "-n",
        "6000000",
        "--programme",
        "godmother",
        "--from",
        donor,
        "--method",
        "bank",
        "--reference",
        "FT23090512",
        "--note",
        "mẹ đỡ đầu",
        "--format",
        "json",
    ).json()
    assert (row["programme"], row["method"], row["donor"]) == ("godmother", "bank", donor)
    assert (row["reference"], row["note"]) == ("FT23090512", "mẹ đỡ đầu")


def test_money_above_a_billion_dong_is_an_amount_not_a_count(ok):
    row = ok("receive", "cash", "-n", "1.500.000.000", "--format", "json").json()
    assert row["count"] == row["value_vnd"] == 1_500_000_000


def test_receive_goods_valued_by_value_or_by_the_kinds_unit_value(ok, run):
    cakes = ok("receive", "cake", "-n", "700", "--value", "35.000.000", "-f", "json").json()
    assert (cakes["method"], cakes["value_vnd"], cakes["programme"]) == (
        "in-kind",
        35_000_000,
        "general",
    )
    ok("kind", "edit", "uniform", "--unit-value", "20000")
    books = ok("receive", "uniform", "-n", "30", "-f", "json").json()
    assert books["value_vnd"] == 600_000
    meals = ok("receive", "meal", "-n", "10", "-f", "json").json()
    assert meals["value_vnd"] is None  # no unit value: not valued
    check_clean(run)


NOTHING_CHANGED_CASES = [
    (["receive", "cash", "-n", "0"], 2, "count must be at least 1"),
    (["receive", "cash", "-n", "-5"], 2, "negative"),
    (["receive", "cash", "-n", "2.5"], 2, "whole number"),
    (["receive", "cash", "-n", "2000000000000"], 2, "over a trillion"),
    (["receive", "cake", "-n", "0"], 2, "at least 1"),
    (["receive", "cake", "-n", "1.5"], 2, "whole number"),
    (["receive", "cake", "-n", "5000000000"], 2, "over one billion"),
    (["receive", "cake", "-n", "10", "--value", "-1"], 2, "negative"),
    (["receive", "cake", "-n", "10", "--method", "bank"], 2, "goods are received in kind"),
    (["receive", "cash", "-n", "10", "--method", "cheque"], 2, "cash or bank"),
    (["receive", "cash", "-n", "10", "--value", "20"], 2, "for money the count is the amount"),
    (["receive", "nothing-like-it", "-n", "1"], 2, "unknown kind"),
    (["receive", "cash", "-n", "1", "--programme", "nope"], 2, "programme"),
    (["receive", "cash", "-n", "1", "--date", "2023-02-30"], 2, "date"),
    (["receive", "cash", "-n", "1", "--date", "2099-01-01"], 2, "in the future"),
    (["receive", "cash", "-n", "1", "--from", "ZZZZZZZZ"], 1, "no donor has that id or code"),
    (["receive", "cash", "-n", "1", "--from", "Nguyễn Văn An"], 2, "not a donor id or code"),
    (["receive", "cash", "-n", "1", "--from", " "], 2, "donor (--from) is empty"),
    (["receive", "cash", "-n", "1", "--note", "a\x07b"], 2, "control character"),
    (["receive", "cash", "-n", "1", "--reference", "x" * 201], 2, "at most 200"),
    (["receive", "cash"], 2, "--count"),
]


@pytest.mark.parametrize(("args", "code", "message"), NOTHING_CHANGED_CASES)
def test_bad_input_is_one_error_line_and_nothing_changes(ok, run, db_path, args, code, message):
    ok("receive", "cash", "-n", "1000")
    before = file_state(db_path)
    result = run(*args)
    assert result.exit_code == code, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result
    assert message in lines[0]
    assert "Nguyễn" not in result.stderr
    assert "Traceback" not in result.stderr
    assert file_state(db_path) == before


def test_an_archived_donor_is_refused(ok, run, db_path):
    ok("receive", "cash", "-n", "1000")
    donor = add_donor(db_path, "Trần Thị Bình", "individual", archived=True)
    before = file_state(db_path)
    result = run("receive", "cash", "-n", "1000", "--from", donor)
    assert result.exit_code == 1, result
    assert result.stderr.startswith(f"Error: donor {donor} is archived")
    assert "Trần" not in result.stderr
    assert file_state(db_path) == before


def test_bad_input_creates_no_database(run, db_path):
    assert run("receive", "cash", "-n", "0").exit_code == 2
    assert not db_path.exists()


def test_donation_list_filters(ok, db_path):
    ok("receive", "meal", "-n", "1")
    donor = add_donor(db_path, "Cán bộ Lê Văn Cường", "officer")
    ok("receive", "cash", "-n", "500000", "--from", donor, "--date", "2023-01-05")
    ok("receive", "cash", "-n", "600000", "-p", "meals", "--date", "2023-02-05")
    ok("receive", "cash", "-n", "700000", "--date", "2022-12-31")
    assert [d["count"] for d in donations(ok, "--year", "2023")] == [500_000, 600_000]
    assert [d["count"] for d in donations(ok, "--from", donor)] == [500_000]
    assert [d["count"] for d in donations(ok, "--programme", "meals")] == [600_000]
    table = ok("donation", "list", "--year", "2023").stdout
    assert donor in table and "Cường" not in table  # donors by code, never by name
    csv_text = ok("donation", "list", "--year", "2023", "--format", "csv").stdout
    assert csv_text.splitlines()[0].startswith("id,code,date,kind,count")


def test_void_once_with_a_reason_and_totals_leave_it_out(ok, run):
    code = ok("receive", "cash", "-n", "2000000").stdout.strip()[-8:]
    ok("receive", "cash", "-n", "100")
    voided = ok("donation", "void", code, "--reason", "typed twice", "-f", "json").json()
    assert voided["voided"] and voided["void_reason"] == "typed twice"
    assert [d["count"] for d in donations(ok)] == [100]
    listed = donations(ok, "--with-voided")
    assert [d["voided"] for d in listed] == [True, False]
    again = run("donation", "void", code, "--reason", "again")
    assert again.exit_code == 1
    assert again.stderr.strip() == f"Error: donation {code} is already voided"
    blank = run("donation", "void", listed[1]["code"], "--reason", " ")
    assert blank.exit_code == 2 and "reason is empty" in blank.stderr
    unknown = run("donation", "void", "ZZZZZZZZ", "--reason", "x")
    assert unknown.exit_code == 1 and "no donation has that id or code" in unknown.stderr
    check_clean(run)


def test_receive_and_void_are_audited(ok):
    code = ok("receive", "cash", "-n", "2000000").stdout.strip()[-8:]
    ok("donation", "void", code, "--reason", "mistake")
    log = ok("log", "--format", "json").json()
    actions = [entry["action"] for entry in log]
    assert audit.DONATION_RECEIVE in actions and audit.DONATION_VOID in actions


def test_receipt_in_vietnamese_with_amount_in_words(ok, db_path):
    ok("station", "set", "--name", "Công an phường Thanh Khê Đông", "--code", "TKD")
    ok("receive", "meal", "-n", "1")
    donor = add_donor(db_path, "Nguyễn Thị Mai", "individual")
    code = ok(
        "receive",
        "cash",
        "-n",
        "2.000.000",
        "--from",
        donor,
        "--date",
        "05/09/2023",
        "--method",
        "bank",
        "--reference",
        "FT1",
    ).stdout.strip()[-8:]
    text = ok("receipt", code).stdout
    assert "CÔNG AN PHƯỜNG THANH KHÊ ĐÔNG" in text
    assert "BIÊN NHẬN" in text
    assert f"Mã xác minh: {code}" in text
    assert "05/09/2023" in text
    assert "Nguyễn Thị Mai" in text  # a receipt is for the donor: their name as registered
    assert "2.000.000 ₫" in text
    assert "Hai triệu đồng chẵn" in text
    assert "chuyển khoản" in text and "FT1" in text
    assert "ĐÃ HỦY" not in text


def test_receipt_in_english_for_goods_from_a_well_wisher(ok):
    ok("station", "set", "--name", "Công an phường Test", "--code", "T")
    code = ok("receive", "cake", "-n", "700", "--value", "35.000.000").stdout.strip()[-8:]
    text = ok("receipt", code, "--lang", "en").stdout
    assert "CÔNG AN PHƯỜNG TEST" in text
    assert f"Verification code: {code}" in text
    assert "A well-wisher" in text
    assert "700" in text and "in kind" in text
    assert "35,000,000 ₫" in text and "Thirty-five million dong" in text


def test_a_voided_donations_receipt_says_void(ok):
    code = ok("receive", "cash", "-n", "5000").stdout.strip()[-8:]
    ok("donation", "void", code, "--reason", "wrong amount")
    assert "VOID" in ok("receipt", code, "--lang", "en").stdout
    assert "ĐÃ HỦY" in ok("receipt", code).stdout


def test_receipt_as_a_printable_file(ok, run, tmp_path):
    code = ok("receive", "cash", "-n", "1000005").stdout.strip()[-8:]
    out = tmp_path / "receipt.txt"
    result = ok("receipt", code, "--output", str(out))
    assert result.stdout == ""
    text = out.read_bytes().decode("utf-8")
    assert "Một triệu không trăm linh năm đồng" in text and "\r\n" in text
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    exists = run("receipt", code, "--output", str(out))
    assert exists.exit_code == 1 and "exists" in exists.stderr
    ok("receipt", code, "--output", str(out), "--force")
    other = run("receipt", code, "--output", str(tmp_path / "receipt.docx"))
    assert other.exit_code == 2 and ".txt" in other.stderr and ".pdf" in other.stderr
    assert not (tmp_path / "receipt.docx").exists()


def test_receipt_as_an_a4_pdf(ok, tmp_path):
    """The same receipt, printable on A4 with the station's heading, owner-only."""
    from pypdf import PdfReader

    code = ok("receive", "cash", "-n", "2.000.000").stdout.strip()[-8:]
    out = tmp_path / "bien-nhan.pdf"
    ok("receipt", code, "--output", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = " ".join(PdfReader(out).pages[0].extract_text().split())
    for words in ("BIÊN NHẬN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Hai triệu đồng chẵn", code):
        assert words in text, words


def test_receipt_of_an_unknown_donation(ok, run):
    ok("receive", "cash", "-n", "1000")
    result = run("receipt", "ZZZZZZZZ")
    assert result.exit_code == 1 and "no donation has that id or code" in result.stderr


def test_export_donations_keeps_personal_data_out_by_default(ok, db_path, tmp_path):
    ok("receive", "meal", "-n", "1")
    donor = add_donor(db_path, "Phạm Văn Đức", "individual")
    ok(
        "receive",
        "cash",
        "-n",
        "2000000",
        "--from",
        donor,
        "--date",
        "2023-03-06",
        "--reference",
        "PHAM VAN DUC chuyen tien",
        "--note",
        "private note",
    )
    ok("receive", "cash", "-n", "999", "--date", "2022-01-01")
    plain = ok("export", "donations", "--year", "2023").stdout
    assert "Phạm" not in plain and "PHAM" not in plain and "private note" not in plain
    assert "Officer Test" not in plain
    header, row = plain.splitlines()
    assert header.startswith("date,kind,count,donor,programme,method,value_vnd")
    assert "2000000" in row and "999" not in row
    vi = ok("export", "donations", "--lang", "vi").stdout.splitlines()[0]
    assert vi.startswith("Ngày,Loại,Số lượng,Nhà hảo tâm,Quỹ,Hình thức")
    out = tmp_path / "donations.csv"
    ok("export", "donations", "--include-personal-data", "--output", str(out))
    personal = out.read_text("utf-8-sig")
    assert "Phạm Văn Đức" in personal and "private note" in personal
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_import_donations_all_or_nothing_idempotent_and_clean(ok, run, tmp_path, db_path):
    sheet = tmp_path / "ung-ho.csv"
    sheet.write_text(
        "Ngày,Loại,Số lượng,Hình thức,Số chứng từ,Quỹ\n"
        '06/03/2023,cash,"2.000.000",chuyển khoản,FT9,\n'
        '06/03/2023,cash,"2.000.000",tiền mặt,,\n'
        '06/03/2023,cash,"2.000.000",tiền mặt,,\n'
        "07/03/2023,cake,700,,,tet-cakes\n",
        "utf-8",
    )
    dry = ok("import", "donations", str(sheet), "--dry-run", "--format", "json").json()
    assert (dry["imported"], dry["dry_run"]) == (4, True)
    assert run("donation", "list", "--format", "json").stdout.strip() in ("", "[]")
    done = ok("import", "donations", str(sheet), "--format", "json").json()
    assert done["imported"] == 4
    rows = donations(ok)
    assert sorted(r["method"] for r in rows) == ["bank", "cash", "cash", "in-kind"]
    assert {r["kind"]: r["programme"] for r in rows} == {"cash": "general", "cake": "tet-cakes"}
    again = ok("import", "donations", str(sheet), "--format", "json").json()
    assert (again["imported"], again["already_present"]) == (0, 4)
    exported = tmp_path / "export.csv"
    ok("export", "donations", "--output", str(exported))
    back = ok("import", "donations", str(exported), "--format", "json").json()
    assert (back["imported"], back["already_present"]) == (0, 4)
    check_clean(run)


def test_import_donations_reports_every_problem_by_row_and_column(ok, run, tmp_path, db_path):
    ok("receive", "cash", "-n", "1000")
    before = file_state(db_path)
    sheet = tmp_path / "bad.csv"
    sheet.write_text(
        "date,kind,count,method,donor\n"
        "2023-01-01,cash,100,bank,\n"
        "2099-01-01,cash,0,bank,\n"
        "2023-01-02,cake,5,bank,\n"
        "2023-01-03,cash,100,,ZZZZZZZZ\n"
        ",cash,100,,\n",
        "utf-8",
    )
    result = run("import", "donations", str(sheet))
    assert result.exit_code == 1
    err = result.stderr
    assert "row 3, column date" in err and "row 3, column count" in err
    assert "row 4, column method" in err
    assert "row 5, column donor" in err
    assert "row 6, column date" in err
    assert "nothing was imported" in err
    assert file_state(db_path) == before


def test_receive_help_has_examples(ok):
    text = ok("receive", "--help").stdout
    assert "heartlink receive cash --count 2.000.000" in text
    assert "--from" in text and "--method" in text
    assert "heartlink receipt" in ok("receipt", "--help").stdout
    assert "donation void" in ok("donation", "void", "--help").stdout


def test_receive_in_a_real_process_prints_id_and_code(tmp_path):
    db_file = tmp_path / "p.db"
    result = heartlink_process("--db", str(db_file), "receive", "cash", "-n", "2.000.000")
    assert result.returncode == 0, result.stderr
    donation_id = result.stdout.strip()
    assert f"Verification code: {donation_id[-8:]}" in result.stderr
    receipt = heartlink_process("--db", str(db_file), "receipt", donation_id[-8:])
    assert "Hai triệu đồng chẵn" in receipt.stdout


def test_receive_starts_as_light_as_record(tmp_path):
    db_file = tmp_path / "current.db"
    assert heartlink_process("--db", str(db_file), "record", "meal", "-n", "1").returncode == 0
    modules = imported_modules("--db", str(db_file), "receive", "cash", "--count", "1000")
    assert "heartlink.donations" in modules, "the import list was not read"
    assert not top_level(modules) & set(FORBIDDEN)
    others = command_modules_besides("heartlink.cli.donation")
    assert not modules & others, f"`heartlink receive` imported {sorted(modules & others)}"


def test_json_of_a_receipt_is_not_offered(ok, run):
    """The receipt is for people; scripts read `donation list --format json`."""
    code = ok("receive", "cash", "-n", "1000").stdout.strip()[-8:]
    assert run("receipt", code, "--format", "json").exit_code == 2
    assert json.loads(run("donation", "list", "--format", "json").stdout)[0]["code"] == code


def test_every_exported_donation_column_imports_back_by_its_vietnamese_heading(
    ok, db_path, tmp_path
):
    from heartlink.nouns import DONATION

    ok("receive", "meal", "-n", "1", "--date", "2023-03-01")
    donor = add_donor(db_path, "Hội Phụ nữ phường", "organisation")
    ok("receive", "cash", "-n", "3000000", "--from", donor, "--reference", "R", "--note", "N")
    out = tmp_path / "d.csv"
    ok("export", "donations", "--lang", "vi", "--include-personal-data", "-o", str(out))
    header = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header == [f.vi for f in DONATION.of(DONATION.exported + DONATION.personal)]
    summary = ok("import", "donations", str(out), "--dry-run", "-f", "json").json()
    assert summary["ignored_columns"] == ["Đơn vị", "Tên nhà hảo tâm"]
    assert summary["already_present"] == 2


def test_receipt_language_follows_heartlink_lang(ok):
    code = ok("receive", "cash", "-n", "21000").stdout.strip()[-8:]
    english = ok("receipt", code, env={"HEARTLINK_LANG": "en"}).stdout
    assert "Twenty-one thousand dong" in english
    assert "Hai mươi mốt nghìn đồng chẵn" in ok("receipt", code).stdout
