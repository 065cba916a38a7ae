"""Tables and cards for people in Vietnamese name the catalogue's values (kinds, their units,
programmes, categories) by their Vietnamese names; English tables, JSON and CSV keep the slugs."""

import pytest

# The sample's godmother orphan, and the donor of the meals fund.
ORPHAN, DONOR = "S8R04262", "ZJPCYFAR"

# Per command: what a Vietnamese officer reads in its table, and the slugs it no longer shows.
SHOWN_IN_VIETNAMESE = {
    ("beneficiary", "list"): (["Trẻ mồ côi, Học sinh có hoàn cảnh khó khăn"], ["orphan"]),
    ("beneficiary", "show", ORPHAN): (
        ["Trẻ mồ côi, Học sinh có hoàn cảnh khó khăn", "Tiền mặt", "đồng", "Mẹ đỡ đầu"],
        ["orphan", "cash", "VND", "godmother"],
    ),
    ("handout", "list"): (["Suất cơm", "suất", "Bữa cơm nhân ái"], [" meal ", "portion"]),
    ("donation", "list"): (["Tiền mặt", "Bữa cơm nhân ái"], [" meals "]),
    ("spending", "list"): (["Bánh tét", "Phiếu mua hàng", "Bữa cơm nhân ái"], ["voucher"]),
    ("stock",): (["Bánh tét", "đòn", "Phiếu mua hàng", "phiếu"], ["cake", "voucher"]),
    ("donor", "show", DONOR): (["Tiền mặt", "Bữa cơm nhân ái"], ["VND", " meals "]),
}
COMMANDS = list(SHOWN_IN_VIETNAMESE)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_vietnamese_tables_name_catalogue_values_in_vietnamese(ok, command):
    shown = ok("--sample", "--lang", "vi", *command, db=None).stdout
    names, slugs = SHOWN_IN_VIETNAMESE[command]
    for name in names:
        assert name in shown, name
    for slug in slugs:
        assert slug not in shown, slug


def test_heartlink_lang_chooses_the_names_as_well(ok):
    shown = ok("--sample", "handout", "list", db=None, env={"HEARTLINK_LANG": "vi"}).stdout
    assert "Suất cơm" in shown and "Bữa cơm nhân ái" in shown


@pytest.mark.parametrize(
    ("command", "slugs"),
    [
        (("beneficiary", "list"), ["orphan, student"]),
        (("handout", "list"), ["meal", "portion", "meals"]),
        (("stock",), ["cake", "voucher"]),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else "",
)
def test_english_tables_keep_the_slugs(ok, command, slugs):
    shown = ok("--sample", *command, db=None).stdout
    for slug in slugs:
        assert slug in shown
    assert "Suất cơm" not in shown and "Trẻ mồ côi" not in shown


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory):
    """The sample as a file, so that two runs read the same records (each --sample run
    stamps its records with the time it loads them)."""
    from heartlink import db, sample

    path = tmp_path_factory.mktemp("sample") / "sample.db"
    ledger = sample.load(db.open_for_write(path))
    ledger.close()
    return path


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_json_and_csv_are_the_same_in_both_languages(ok, sample_file, command, fmt):
    english = ok(*command, "--format", fmt, db=sample_file).stdout
    vietnamese = ok("--lang", "vi", *command, "--format", fmt, db=sample_file).stdout
    assert vietnamese == english
    assert "Suất cơm" not in vietnamese


def test_a_kind_added_later_is_named_from_the_file(ok):
    """The names come from the ledger's own catalogue, not from the seeded one."""
    ok("kind", "add", "blanket", "--unit", "blanket", "--unit-vi", "tấm", "--name-vi", "Chăn ấm")
    ok("record", "blanket", "--count", "3")
    shown = ok("--lang", "vi", "handout", "list").stdout
    assert "Chăn ấm" in shown and "tấm" in shown and "Hỗ trợ khác" in shown


def test_a_donations_method_is_a_word_of_the_table_s_language(ok):
    ok("receive", "cash", "-n", "2.000.000", "--method", "bank", "--date", "2023-03-01")
    vietnamese = ok("--lang", "vi", "donation", "list").stdout
    assert "chuyển khoản" in vietnamese and "bank" not in vietnamese
    assert "bank" in ok("donation", "list").stdout
    assert ok("--lang", "vi", "donation", "list", "--format", "json").json()[0]["method"] == "bank"


def test_an_unknown_kind_in_vietnamese_says_it_is_not_in_the_catalogue(run):
    # What was typed is not repeated (it may be a name): the sentence must still say that
    # the kind typed is unknown, not that "there is no kind".
    result = run("--lang", "vi", "record", "hoc sinh", "--count", "3")
    assert result.exit_code == 2
    assert result.stderr == "Lỗi: loại đã nhập không có trong danh mục; xem `heartlink kind list`\n"
    typed = run("--lang", "vi", "record", "xyz", "--count", "3").stderr
    assert typed.startswith("Lỗi: loại đã nhập 'xyz' không có trong danh mục; ")


def test_records_confirmation_in_vietnamese_names_the_kind_unit_programme_and_day(ok):
    said = ok("--lang", "vi", "record", "meal", "-n", "120", "--date", "2023-03-06").stderr
    assert "Suất cơm: 120 × suất ngày 06/03/2023 (chương trình Bữa cơm nhân ái)" in said, said
    english = ok("record", "meal", "-n", "120", "--date", "2023-03-06").stderr
    assert "meal: 120 × portion on 2023-03-06 (programme meals)" in english, english


def test_receive_and_spend_confirmations_in_vietnamese_name_what_the_catalogue_names(ok):
    got = ok("--lang", "vi", "receive", "cake", "-n", "10", "--date", "2023-03-01").stderr
    assert "Đã nhận Bánh tét: 10 × đòn" in got and "ngày 01/03/2023" in got, got
    money = ok("--lang", "vi", "receive", "cash", "-n", "2.000.000", "--method", "bank").stderr
    assert "2.000.000 đồng (chuyển khoản)" in money, money
    spent = ok(
        "--lang",
        "vi",
        "spend",
        "--amount",
        "500.000",
        "--for",
        "Gạo",
        "--programme",
        "meals",
        "--buys",
        "cake",
        "--quantity",
        "5",
        "--date",
        "2023-03-02",
    ).stderr
    assert "từ Bữa cơm nhân ái ngày 02/03/2023, mua 5 Bánh tét" in spent, spent
    english = ok("receive", "cake", "-n", "1", "--date", "2023-03-01").stderr
    assert "Received cake: 1 × cake" in english and "on 2023-03-01" in english, english
