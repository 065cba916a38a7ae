"""The money side of the bundled 2023 sample: donors, donations, spending and tracked stock,
so that `heartlink --sample statement 2023` is a real statement that ties."""

import csv
import json
import re

import pytest

from conftest import DATA, heartlink_process

SAMPLE_DONORS = DATA / "sample-2023-donors.csv"
OFFICERS = "Cán bộ, chiến sĩ Công an phường Thanh Khê Đông"
BUSINESS = "Công ty TNHH Bánh tét Hương Quê"
PUBLIC_INDIVIDUAL = "Đặng Minh Quân"
GODMOTHER = "Võ Thị Hạnh"


def sample(ok, *args: str):
    return ok("--sample", *args, db=None)


@pytest.fixture(scope="module")
def statement_json() -> dict:
    """`--sample statement 2023 --format json`, once for the module: a real process."""
    done = heartlink_process("--sample", "statement", "2023", "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _beneficiary_words() -> set[str]:
    """Every name, code and residential group of the sample's beneficiaries."""
    with open(DATA / "sample-2023-beneficiaries.csv", encoding="utf-8") as file:
        people = list(csv.DictReader(file))
    words = set()
    for person in people:
        words.update({person["name"], person["id"], person["id"][-8:]})
        if person["group"]:
            words.add(person["group"])
    return words


def test_the_statement_ties_with_every_fund_at_or_above_zero(statement_json):
    statement = statement_json
    assert statement["year"] == 2023
    cash_in = sum(line["value_vnd"] for line in statement["receipts"] if line["kind"] == "cash")
    spent = sum(line["amount_vnd"] for line in statement["spending"])
    handed_out = statement["handed_out"]
    cash_out = sum(line["value_vnd"] or 0 for line in handed_out if line["kind"] == "cash")
    opening = sum(statement["opening"].values())
    closing = statement["closing"]
    assert opening == 0
    assert opening + cash_in - spent - cash_out == sum(closing.values())
    assert cash_in == 60_000_000 + 37_000_000 + 6_000_000 + 3_500_000
    assert min(closing.values()) >= 0
    assert closing["godmother"] == 0  # the godmother's 6.000.000 ₫ went to the orphan
    assert statement["chain_head"]


def test_the_cakes_handed_out_are_those_given_and_bought(statement_json):
    receipts = statement_json["receipts"]
    given = sum(line["count"] for line in receipts if line["kind"] == "cake")
    bought = sum(line.get("quantity") or 0 for line in statement_json["spending"])
    handed = {line["kind"]: line["count"] for line in statement_json["handed_out"]}
    assert (given, handed["cake"], handed["voucher"]) == (300, 720, 10)
    assert bought == 420 + 10
    stock = json.dumps(statement_json["stock"], ensure_ascii=False)
    assert "cake" in stock and "voucher" in stock


def test_stock_on_hand_of_the_tracked_kinds_is_zero(ok):
    levels = sample(ok, "stock", "--as-of", "2023-12-31", "--format", "json").json()
    on_hand = {row["kind"]: row["on_hand"] for row in levels["kinds"]}
    assert on_hand == {"cake": 0, "voucher": 0}


def test_the_statement_names_public_donors_only_and_nobody_helped(statement_json):
    text = json.dumps(statement_json, ensure_ascii=False)
    donors = {line["donor"] for line in statement_json["receipts"]}
    assert {OFFICERS, BUSINESS, PUBLIC_INDIVIDUAL} <= donors
    assert "Nhà hảo tâm" in donors or "A well-wisher" in donors
    assert GODMOTHER not in text
    for word in _beneficiary_words():
        assert word not in text, "a beneficiary's name, code or group in the statement"


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_no_private_or_beneficiary_data_in_other_formats(ok, fmt):
    for lang in ("en", "vi"):
        text = sample(ok, "statement", "2023", "--format", fmt, "--lang", lang).stdout
        assert GODMOTHER not in text
        assert BUSINESS in text
        for word in _beneficiary_words():
            assert word not in text


def test_funds_2023_has_no_negative_fund(ok):
    funds = sample(ok, "funds", "2023", "--format", "json").json()
    closing = {row["programme"]: row["closing_vnd"] for row in funds["programmes"]}
    assert min(closing.values()) >= 0
    assert closing["meals"] == 60_000_000 - 2950 * 20_000
    assert funds["total"]["received_vnd"] == 106_500_000


def test_the_donors_sheet_is_checked_as_donor_add_checks_it(ok):
    listed = sample(ok, "donor", "list", "--format", "json").json()
    by_name = {donor["name"]: donor for donor in listed}
    assert by_name[OFFICERS]["type"] == "officer" and by_name[OFFICERS]["public"]
    assert by_name[BUSINESS]["type"] == "business" and by_name[BUSINESS]["public"]
    assert by_name[GODMOTHER]["type"] == "individual" and not by_name[GODMOTHER]["public"]
    with open(SAMPLE_DONORS, encoding="utf-8") as file:
        assert len(listed) == len(list(csv.DictReader(file)))


def test_a_bad_donors_sheet_names_its_row_and_field(tmp_path, monkeypatch):
    from heartlink import db
    from heartlink import sample as bundled
    from heartlink.errors import HeartlinkError

    for name in ("beneficiaries", "handouts", "donations", "spending"):
        (tmp_path / f"sample-2023-{name}.csv").write_bytes(
            (DATA / f"sample-2023-{name}.csv").read_bytes()
        )
    lines = SAMPLE_DONORS.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",business,", ",shop,")
    (tmp_path / "sample-2023-donors.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(bundled, "data_dir", lambda: tmp_path)
    with pytest.raises(HeartlinkError) as caught:
        bundled.load(db.open_memory())
    message = str(caught.value)
    assert "row 3" in message and "type" in message and "shop" not in message


def test_check_is_still_refused_on_the_sample(run):
    refused = run("--sample", "check", db=None)
    assert refused.exit_code == 2
    assert refused.stderr.startswith("Error: ")


def test_the_report_keeps_the_handout_figures(ok):
    report = sample(ok, "report", "2023", "--format", "json").json()
    totals = {row["kind"]: row for row in report["totals"]}
    assert totals["meal"]["count"] == 2950 and totals["meal"]["handouts"] == 52
    assert totals["cake"]["count"] == 720
    assert totals["cash"]["count"] == 6_000_000


def test_the_vietnamese_statement_names_the_officers_and_the_funds(ok):
    text = sample(ok, "statement", "2023", "--lang", "vi").stdout
    assert "Cán bộ, chiến sĩ" in text and "Nhà hảo tâm" in text
    assert "Bữa cơm nhân ái" in text


def test_the_readme_shows_the_sample_statement_as_it_is(ok):
    """README's Vietnamese sample statement is today's output (but for the chain's hash, which
    differs on every load)."""
    readme = (DATA.parent / "README.md").read_text(encoding="utf-8")
    shown = readme.split("heartlink --sample statement 2023 --lang vi`", 1)[1]
    shown = shown.split("```\n", 2)[1]
    output = ok("--sample", "statement", "2023", "--lang", "vi", db=None, env={"COLUMNS": "170"})

    def without_hash(text: str) -> list[str]:
        return [line.rstrip() for line in text.splitlines() if not re.search("[0-9a-f]{64}", line)]

    assert without_hash(output.stdout) == without_hash(shown)
