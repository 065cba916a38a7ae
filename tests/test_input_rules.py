"""Input refused at the door: control characters, over-long text, undocumented number forms,
residential groups in one form, catalogue names that name one thing, and messages that name
the field instead of echoing what was typed. The command line and `heartlink import` refuse
the same things, the import per row and column."""

import datetime as dt
import sqlite3

import pytest

from heartlink import text
from heartlink.errors import InputError

from conftest import file_state

PRIVATE = "Trần Thị Bí Mật"
HANDOUT_HEADER = "date,kind,count,beneficiary,programme,place,value_vnd,note,officer\n"


def write(path, content):
    path.write_text(content, encoding="utf-8")
    return str(path)


def refused(run, db_path, *args, code=2, **kwargs):
    """Run a command that must be refused: one Error line, the exit code, nothing changed."""
    before = file_state(db_path)
    result = run(*args, **kwargs)
    assert result.exit_code == code, result
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result
    assert "Traceback" not in result.stderr
    assert file_state(db_path) == before
    return result.stderr.removeprefix("Error: ").strip()


def import_problems(run, tmp_path, what, content):
    """The problem lines of an import that must fail, without their leading blanks."""
    result = run("import", what, write(tmp_path / f"{what}.csv", content))
    assert result.exit_code == 1, result
    return [line.strip() for line in result.stderr.splitlines() if line.startswith("  ")]


# --- 1. control characters --------------------------------------------------------------

# (a command ending in an option that takes free text, the field as messages name it)
TEXT_OPTIONS = [
    (["beneficiary", "add"], "name"),
    (["beneficiary", "add", "Lê Văn Tám", "--address"], "address"),
    (["beneficiary", "add", "Lê Văn Tám", "--school"], "school"),
    (["beneficiary", "add", "Lê Văn Tám", "--note"], "note"),
    (["beneficiary", "add", "Lê Văn Tám", "--group"], "group"),
    (["record", "meal", "-n", "1", "--place"], "place"),
    (["record", "meal", "-n", "1", "--note"], "note"),
    (["record", "meal", "-n", "1", "--by"], "officer name"),
    (["kind", "add", "rice", "--unit", "kg", "--name-vi"], "Vietnamese name"),
    (["kind", "add", "rice", "--name-vi", "Gạo", "--unit"], "unit"),
    (["kind", "add", "rice", "--name-vi", "Gạo", "--unit", "kg", "--unit-vi"], "Vietnamese unit"),
    (["kind", "add", "rice", "--name-vi", "Gạo", "--unit", "kg", "--name-en"], "English name"),
    (["kind", "edit", "meal", "--name-vi"], "Vietnamese name"),
    (["programme", "add", "flood", "--name-vi"], "Vietnamese name"),
    (["handout", "void", "HANDOUT", "--reason"], "reason"),
]


@pytest.fixture
def ledger_with_a_handout(ok):
    """A database holding one handout; returns its code."""
    return ok("record", "meal", "-n", "5", "-d", "2023-01-02", "-f", "json").json()["code"]


def _with_value(args, value, handout):
    return [handout if a == "HANDOUT" else a for a in args] + [value]


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\x1f"])
@pytest.mark.parametrize(("args", "field"), TEXT_OPTIONS, ids=lambda v: str(v)[-30:])
def test_control_characters_are_refused_naming_the_field(
    run, db_path, ledger_with_a_handout, args, field, control
):
    typed = f"Phạm{control}Hoa"
    message = refused(run, db_path, *_with_value(args, typed, ledger_with_a_handout))
    assert message.startswith(f"{field} has a control character"), message
    assert "Phạm" not in message and control not in message


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["beneficiary", "add"], "name"),
        (["record", "meal", "-n", "1", "--place"], "place"),
        (["handout", "void", "HANDOUT", "--reason"], "reason"),
        (["kind", "edit", "meal", "--unit"], "unit"),
    ],
)
def test_a_line_break_is_refused_where_a_field_is_one_line(
    run, db_path, ledger_with_a_handout, args, field
):
    message = refused(run, db_path, *_with_value(args, "Phạm\nHoa", ledger_with_a_handout))
    assert message.startswith(f"{field} has a line break"), message


def test_notes_and_addresses_may_have_several_lines_and_tabs(ok):
    person = ok(
        "beneficiary", "add", "Lê Văn Tám", "--address", "Kiệt 12\r\nThanh Khê Đông",
        "--note", "gọi trước\tbuổi sáng\nrồi đến", "-f", "json",
    ).json()  # fmt: skip
    assert person["address"] == "Kiệt 12\nThanh Khê Đông"
    assert person["note"] == "gọi trước\tbuổi sáng\nrồi đến"
    handout = ok("record", "meal", "-n", "1", "--note", "a\r\nb", "-f", "json").json()
    assert handout["note"] == "a\nb"


def test_an_import_refuses_control_characters_per_row_and_column(run, ok, db_path, tmp_path):
    ok("record", "meal", "-n", "1")
    before = file_state(db_path)
    problems = import_problems(
        run,
        tmp_path,
        "handouts",
        HANDOUT_HEADER
        + "2023-01-02,meal,5,,,Bệnh viện\x1b[31m,,ok,Lan\n"
        + '2023-01-09,meal,6,,,,,"two\nlines",Lan\x07\n'
        + "2023-01-16,meal,7,,,,,\x7f,Lan\n",
    )
    assert problems == [
        "row 2, column place: place has a control character (U+001B); remove it",
        "row 3, column officer: officer name has a control character (U+0007); remove it",
        "row 4, column note: note has a control character (U+007F); remove it",
    ]
    people = import_problems(
        run, tmp_path, "beneficiaries", "name,address,school\nLê\x1bVăn,Kiệt 12,\nAn,,THCS\x00\n"
    )
    assert people == [
        "row 2, column name: name has a control character (U+001B); remove it",
        "row 3, column school: school has a control character (U+0000); remove it",
    ]
    assert file_state(db_path) == before


# --- 2. length limits -------------------------------------------------------------------


def test_a_ten_thousand_character_name_is_refused_with_the_limit(run, db_path):
    message = refused(run, db_path, "beneficiary", "add", "A" * 10_000)
    assert message == "name is 10,000 characters; at most 200"


@pytest.mark.parametrize(("args", "field"), TEXT_OPTIONS, ids=lambda v: str(v)[-30:])
def test_every_text_field_has_a_limit_said_in_the_error(
    run, ok, db_path, ledger_with_a_handout, args, field
):
    limit = text.TEXT_LIMITS[field]
    message = refused(run, db_path, *_with_value(args, "á" * (limit + 1), ledger_with_a_handout))
    assert message == f"{field} is {limit + 1:,} characters; at most {limit}"
    ok(*_with_value(args, "a" * limit, ledger_with_a_handout))


def test_the_length_is_counted_in_composed_characters(ok):
    decomposed = "a\u0301" * text.TEXT_LIMITS["name"]  # á typed as two code points
    assert ok("beneficiary", "add", decomposed, "-f", "json").json()["name"] == "á" * 200


def test_an_import_refuses_over_long_cells_per_row_and_column(run, tmp_path):
    problems = import_problems(
        run,
        tmp_path,
        "beneficiaries",
        f"name,address,phone\nLê Văn Tám,{'x' * 501},\nAn,,{'1' * 21}\n",
    )
    assert problems == [
        "row 2, column address: address is 501 characters; at most 500",
        "row 3, column phone: phone is 21 characters; at most 20",
    ]


def test_phone_numbers_keep_their_form(run, ok, db_path):
    assert ok("beneficiary", "add", "An", "--phone", "+84 905 (123) 456", "-f", "json").json()
    message = refused(run, db_path, "beneficiary", "add", "Bình", "--phone", "0905 abc")
    assert message.startswith("phone number has characters other than digits")


# --- 3. numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["1_000", "0905 777 666", "1 000", "1٢0", "١٢٣", "１２", "٣", "12\u00a0000", "1.000,000"],
)
def test_only_the_documented_number_forms_are_counts(run, db_path, typed):
    message = refused(run, db_path, "record", "meal", "--count", typed)
    assert message.startswith("count "), message
    assert typed.strip() not in message
    with pytest.raises(InputError):
        text.parse_money(typed)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("1٢0", "count must be written with the digits 0 to 9"),
        ("0905 777 666", "count has a space or _ inside"),
        ("1_000", "count has a space or _ inside"),
    ],
)
def test_refused_numbers_say_why(typed, says):
    with pytest.raises(InputError, match=says):
        text.parse_count(typed)


@pytest.mark.parametrize(("typed", "value"), [("120", 120), ("6.000.000", 6_000_000)])
def test_documented_counts_still_read(ok, typed, value):
    assert ok("record", "cash", "--count", typed, "-f", "json").json()["count"] == value


def test_an_import_refuses_undocumented_numbers_per_row(run, tmp_path):
    problems = import_problems(
        run, tmp_path, "handouts", HANDOUT_HEADER + "2023-01-02,meal,1_000,,,,0905 777 666,,\n"
    )
    assert problems == [
        "row 2, column count: count has a space or _ inside; write it as 120, 6.000.000 "
        "or 6,000,000",
        "row 2, column value_vnd: value has a space or _ inside; write it as 120, 6.000.000 "
        "or 6,000,000",
    ]


@pytest.mark.parametrize("typed", ["٢٠١٠", "2_010", "２０１０", "20 10"])
def test_years_are_ascii_digits_too(run, db_path, typed):
    message = refused(run, db_path, "beneficiary", "add", "An", "--born", typed)
    assert message == "birth year must be a year in digits, such as 1987"
    with pytest.raises(InputError, match="year must be a year in digits, such as 2023"):
        text.parse_year(typed)


@pytest.mark.parametrize("typed", ["٢٠٢٣-01-02", "02/01/２０２３"])
def test_dates_are_ascii_digits_too(typed):
    with pytest.raises(InputError, match="is not a date"):
        text.parse_date(typed, today=dt.date(2024, 1, 1))


# --- 4. residential groups ----------------------------------------------------------------


@pytest.mark.parametrize("typed", ["8", "08", "008", "tổ 8", "Tổ 08", "to dan pho 008", "TDP 8"])
def test_a_group_has_one_form_however_its_number_is_written(typed):
    assert text.clean_group(typed) == "tổ 8"


def test_groups_written_with_leading_zeros_are_one_group_for_duplicates(run, ok, db_path):
    ok("beneficiary", "add", "Nguyễn Văn Hải", "--born", "1970", "--group", "8")
    message = refused(
        run, db_path, "beneficiary", "add", "Nguyen Van Hai", "--born", "1970", "--group", "Tổ 08",
        code=1,
    )  # fmt: skip
    assert "already exists" in message


def test_old_rows_with_leading_zeros_are_compared_in_the_one_form(run, ok, db_path):
    code = ok("beneficiary", "add", "Nguyễn Văn Hải", "--born", "1970", "-f", "json").json()["id"]
    conn = sqlite3.connect(db_path)  # as files written before the one form hold it
    conn.execute("UPDATE beneficiary SET residential_group = '08' WHERE id = ?", (code,))
    conn.commit()
    conn.close()
    message = refused(
        run, db_path, "beneficiary", "add", "Nguyễn Văn Hải", "--born", "1970", "--group", "8",
        code=1,
    )  # fmt: skip
    assert "already exists" in message
    other = ok("beneficiary", "add", "Nguyễn Văn Hải", "--born", "1970", "--group", "80")
    assert other.exit_code == 0
    matched = ok(
        "import", "beneficiaries",
        write(db_path.parent / "p.csv", "name,born,group\nNguyễn Văn Hải,1970,tổ 008\n"),
        "-f", "json",
    ).json()  # fmt: skip
    assert (matched["matched"], matched["imported"]) == (1, 0)


# --- 5. catalogue names name one thing ----------------------------------------------------


def test_a_kind_cannot_take_another_kinds_name(run, ok, db_path):
    ok("record", "meal", "-n", "1")
    message = refused(
        run, db_path, "kind", "add", "banh", "--unit", "cake", "--name-vi", "banh TET", code=1
    )
    assert message == (
        "the Vietnamese name is already kind cake's name (accents and case ignored); "
        "give each kind a name of its own"
    )
    message = refused(run, db_path, "kind", "edit", "gift", "--name-en", "MEAL", code=1)
    assert "already kind meal's name" in message
    # A name another kind has in the other language would make a lookup by name guess too.
    message = refused(run, db_path, "kind", "edit", "gift", "--name-vi", "Cash", code=1)
    assert "already kind cash's name" in message
    # A kind keeps its own name.
    ok("kind", "edit", "cake", "--name-vi", "Bánh Tét", "--name-en", "bánh tét cake")
    message = refused(
        run, db_path, "programme", "add", "meals-2", "--name-vi", "bua com nhan ai", code=1
    )
    assert "already programme meals's name" in message


def test_an_ambiguous_name_is_refused_naming_both_slugs(run, ok, db_path):
    ok("record", "meal", "-n", "1")
    conn = sqlite3.connect(db_path)  # two kinds of one name, as a file from before may hold
    conn.execute(
        "INSERT INTO kind (slug, name_en, name_vi, unit_en, unit_vi, programme, created_at)"
        " VALUES ('banh-chung', 'Bánh chưng', 'Bánh tét', 'cake', 'cái', 'tet-cakes', 'now')"
    )
    conn.commit()
    conn.close()
    message = refused(run, db_path, "record", "banh tet", "-n", "3")
    assert message == "'banh tet' matches kinds cake and banh-chung; use the slug"
    ok("record", "cake", "-n", "3")


# --- 6. messages name the field, not the value ----------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["record", "meal", "--count", PRIVATE], "count must be a whole number"),
        (["record", "meal", "-n", "1", "--value", PRIVATE], "value must be a whole number"),
        (["record", "meal", "-n", "1", "--date", PRIVATE], "date is not a date"),
        (["record", "meal", "-n", "-48.080"], "count must be positive"),
        (["record", "meal", "-n", "48.080.001.234"], "count is over one billion"),
        (["record", "cash", "-n", "1", "--value", "48.080.001.234.567"], "value is over"),
        (["beneficiary", "add", "An", "--born", PRIVATE], "birth year must be a year"),
        (["beneficiary", "add", "An", "--born", "1800"], "birth year is out of range"),
        (["record", PRIVATE, "-n", "1"], "unknown kind; "),
        (["record", "meal", "-n", "1", "-p", PRIVATE], "unknown programme; "),
        (["beneficiary", "add", "An", "-c", PRIVATE], "unknown category; "),
        (["kind", "add", PRIVATE, "--unit", "kg", "--name-vi", "Gạo"], "kind must be a slug"),
    ],
    ids=lambda v: str(v)[:50],
)
def test_messages_never_echo_what_was_typed(run, ok, db_path, args, says):
    ok("record", "meal", "-n", "1")
    message = refused(run, db_path, *args)
    assert says in message, message
    for typed in (PRIVATE, "Trần", "48.080", "48,080", "1800"):
        assert typed not in message, message


def test_a_mistyped_slug_is_still_named_with_a_suggestion(run, ok, db_path):
    ok("record", "meal", "-n", "1")
    message = refused(run, db_path, "record", "meel", "-n", "1")
    assert message == "unknown kind 'meel'; did you mean 'meal'? see `heartlink kind list`"


def test_import_messages_name_the_column_not_the_cell(run, tmp_path):
    problems = import_problems(
        run,
        tmp_path,
        "handouts",
        HANDOUT_HEADER + f"{PRIVATE},{PRIVATE},{PRIVATE},,{PRIVATE},,{PRIVATE},,\n",
    )
    assert [p.split(":")[0] for p in problems] == [
        "row 2, column date",
        "row 2, column kind",
        "row 2, column count",
        "row 2, column programme",
        "row 2, column value_vnd",
    ]
    assert problems[0] == (
        "row 2, column date: date is not a date; write it as 2023-03-06 or 06/03/2023 (day first)"
    )
    assert not [p for p in problems if "Trần" in p]


# --- 7. years, codes and wording ------------------------------------------------------------


def test_the_year_range_message_and_rule_agree():
    today = dt.date(2026, 6, 1)
    assert text.parse_year("2027", today=today) == 2027
    with pytest.raises(InputError) as refused_year:
        text.parse_year("2028", today=today)
    assert str(refused_year.value) == "year is out of range; give a year from 2000 to 2027"


def test_a_malformed_code_is_a_usage_error_and_an_unknown_one_not_found(run, ok, db_path):
    ok("record", "meal", "-n", "1")
    assert "not a beneficiary id" in refused(
        run, db_path, "record", "meal", "-n", "1", "--to", "A!"
    )
    assert "no beneficiary has" in refused(
        run, db_path, "record", "meal", "-n", "1", "--to", "ZZZZZZZZ", code=1
    )
    assert "not a beneficiary id" in refused(run, db_path, "beneficiary", "show", "Phạm Sơn")


def test_an_empty_officer_name_asks_for_an_officer_name(run, db_path):
    message = refused(run, db_path, "record", "meal", "-n", "1", "--by", " ")
    assert message == "officer name is empty; give an officer name"


def test_a_blank_officer_variable_is_named(run, db_path):
    message = refused(run, db_path, "record", "meal", "-n", "1", env={"HEARTLINK_OFFICER": " "})
    assert message.startswith("HEARTLINK_OFFICER is set but empty; ")
