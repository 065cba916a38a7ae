"""heartlink in Vietnamese: the language chosen, every message and help text translated (the
catalogue in src/heartlink/locale), and the compiled catalogue kept in step with its .po."""

import ast
import re
from pathlib import Path

import pytest

from heartlink import i18n, locale_tools
from heartlink.i18n import Lang, choose_language

SOURCE = Path(i18n.__file__).parent
PLACEHOLDER = re.compile(r"(?<!{){(\w*)[^{}]*}(?!})")
# "{what} is empty; give {a} {what}": an English article, which Vietnamese has no use for.
MAY_BE_DROPPED = {"a"}


@pytest.fixture(scope="module")
def catalogue():
    return {message.id: message.string for message in locale_tools.read_po(Lang.vi) if message.id}


@pytest.fixture(scope="module")
def shown_texts():
    """Every msgid heartlink can show: `_()`/`N_()` in the source, and the live help."""
    texts = {message for message, _file, _line in locale_tools.source_messages()}
    return texts | {message for message, _where in locale_tools.help_messages()}


def test_every_message_and_help_text_has_its_vietnamese(catalogue, shown_texts):
    """Fails, listing them, when a new message or help text has no translation: run
    `python -m heartlink.locale_tools update`, translate the new entries, run it again."""
    assert len(shown_texts) > 400, "the extraction found too little"
    missing = sorted(text for text in shown_texts if not catalogue.get(text))
    assert missing == [], "untranslated:\n" + "\n".join(missing)


def test_every_translation_keeps_the_placeholders_of_its_original(catalogue):
    wrong = []
    for original, translated in catalogue.items():
        wanted = set(PLACEHOLDER.findall(original))
        found = set(PLACEHOLDER.findall(translated or original))
        if found - wanted or wanted - found - MAY_BE_DROPPED:
            wrong.append(f"{original!r}: {sorted(wanted)} became {sorted(found)}")
    assert wrong == []


def test_the_placeholder_check_sees_a_dropped_one():
    original, translated = "{what} must be at least 1", "phải ít nhất là 1"
    assert set(PLACEHOLDER.findall(original)) - set(PLACEHOLDER.findall(translated)) == {"what"}


def test_the_compiled_catalogue_is_the_compilation_of_its_po():
    """The .mo is committed (no build step on install): it must not drift from the .po."""
    assert locale_tools.mo_path(Lang.vi).read_bytes() == locale_tools.compiled(Lang.vi)


# Calls whose first argument is a message for people.
MESSAGE_CALLS = {
    "HeartlinkError",
    "InputError",
    "NotFoundError",
    "DatabaseError",
    "DamagedDatabaseError",
    "BadParameter",
    "say",
    "_fail",
    "fail",
}
# Calls with a message for people further along: the position of that argument.
MESSAGE_ARGUMENT = {"output_saved": 2}
# The intentional exceptions: (file, the argument as written).
NOT_WORDS = {
    # The usage error and its hint, each already translated, joined.
    ("cli/app.py", "f'{usage_message(exc)}{hint}'"),
    # A sponsorship's message and its summary, each already translated, on two lines.
    ("cli/sponsorship.py", "f'{message}\\n{_summary(record)}'"),
    # The maintainer's tool speaks to a developer, in English.
    ("locale_tools.py", "'usage: python -m heartlink.locale_tools update|compile'"),
}


def test_no_message_for_people_is_a_bare_string():
    """`raise InputError("…")`, `say(f"…")`, `ctx.fail("…")`, `print(…, file=sys.stderr)`
    must go through `_()`: a bare string or f-string there is never translated."""
    bare = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(SOURCE))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            to_stderr = name == "print" and any(
                keyword.arg == "file" and ast.unparse(keyword.value) == "sys.stderr"
                for keyword in node.keywords
            )
            position = MESSAGE_ARGUMENT.get(name, 0)
            if (name in MESSAGE_CALLS or name in MESSAGE_ARGUMENT or to_stderr) and len(
                node.args
            ) > position:
                first = node.args[position]
                if (where, ast.unparse(first)) in NOT_WORDS:
                    continue
                literal = isinstance(first, ast.JoinedStr) or (
                    isinstance(first, ast.Constant) and isinstance(first.value, str)
                )
                if literal:
                    bare.append(f"{where}:{node.lineno} {name}({ast.unparse(first)[:60]})")
    assert bare == []


def _command_paths():
    import typer
    import typer.main

    from heartlink.cli.app import app

    root = typer.main.get_command(app)
    paths = [()]

    def walk(command, ctx, path):
        for name in getattr(command, "list_commands", lambda ctx: [])(ctx):
            sub = command.get_command(ctx, name)
            paths.append((*path, name))
            walk(sub, typer.Context(sub, parent=ctx, info_name=name), (*path, name))

    walk(root, typer.Context(root, info_name="heartlink"), ())
    return paths


@pytest.mark.parametrize("path", _command_paths(), ids=lambda path: " ".join(path) or "heartlink")
def test_every_help_is_in_vietnamese(run, path, catalogue):
    result = run("--lang", "vi", *path, "--help", db=None)
    assert result.exit_code == 0, result
    assert "Cách dùng:" in result.stdout and "Tùy chọn" in result.stdout
    assert "Show this message and exit" not in result.stdout
    assert "Hiện trợ giúp" in result.stdout
    english = run(*path, "--help", db=None).stdout
    assert "Usage:" in english and "Options" in english and "Cách dùng" not in english


def test_help_follows_the_environment_too(run):
    result = run("report", "--help", db=None, env={"HEARTLINK_LANG": "vi"})
    assert "Số liệu tổng của một năm" in result.stdout


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Error: count must be at least 1\n"),
        ("vi", "Lỗi: số lượng phải ít nhất là 1\n"),
    ],
)
def test_a_domain_error_in_both_languages(run, lang, expected):
    result = run("--lang", lang, "record", "meal", "--count", "0")
    assert result.exit_code == 2
    assert result.stderr == expected


@pytest.mark.parametrize(
    ("args", "english", "vietnamese"),
    [
        (
            ("record", "meal", "--count", "abc"),
            "Error: count must be a whole number such as 120, 6.000.000 or 6,000,000\n",
            "Lỗi: số lượng phải là số nguyên, chẳng hạn 120, 6.000.000 hoặc 6,000,000\n",
        ),
        (
            ("record", "mael", "--count", "3"),
            "Error: unknown kind 'mael'; did you mean 'meal'? see `heartlink kind list`\n",
            "Lỗi: loại đã nhập 'mael' không có trong danh mục; có phải ý bạn là 'meal'? "
            "xem `heartlink kind list`\n",
        ),
        (
            ("handout", "void", "ABCDEFGH", "--reason", "nhầm"),
            "Error: no handout has that id or code; find it with `heartlink handout list`\n",
            "Lỗi: không có lượt trao nào có id hoặc mã đó; tìm bằng `heartlink handout list`\n",
        ),
    ],
)
def test_the_field_a_message_names_is_in_its_language(run, args, english, vietnamese):
    """The field, noun and hint inside a message are translated with it: no "count" or
    "handout" left in English inside a Vietnamese error."""
    assert run(*args).stderr == english
    result = run(*args, env={"HEARTLINK_LANG": "vi"})
    assert result.exit_code in (1, 2)
    assert result.stderr == vietnamese


def test_check_and_catalogue_tables_are_headed_in_vietnamese(run):
    kinds = run("kind", "list", env={"HEARTLINK_LANG": "vi"}).stdout
    assert "Theo dõi tồn kho" in kinds and "Đơn giá" in kinds and "Stock tracked" not in kinds
    assert "Unit" in kinds and "Đơn vị" in kinds  # each unit headed in its own language
    checked = run("check", env={"HEARTLINK_LANG": "vi"}).stdout
    assert "Trạng thái" in checked and "Status" not in checked


@pytest.mark.parametrize(
    ("args", "english", "vietnamese"),
    [
        (
            ("record", "meal", "-n", "1", "-n", "2"),
            "Error: --count was given twice; give it once (see `heartlink record --help`)",
            "Lỗi: --count được cho hai lần; chỉ cho một lần (xem `heartlink record --help`)",
        ),
        (
            ("report", "--by", "nothing"),
            "Error: Invalid value for --by: expected one of:",
            "Lỗi: Giá trị không hợp lệ cho --by: cần một trong:",
        ),
        (
            ("record", "meal"),
            "Error: Missing option '--count' / '-n'.",
            "Lỗi: Thiếu tùy chọn '--count' / '-n'.",
        ),
        (("repot",), "Error: No such command 'repot'.", "Lỗi: Không có lệnh 'repot'."),
        (
            ("backup", "list", "--folder"),
            "Error: No such option: --folder",
            "Lỗi: Không có tùy chọn: --folder",
        ),
        (
            ("record", "meal", "--count"),
            "Error: Option '--count' requires an argument.",
            "Lỗi: Tùy chọn '--count' cần một giá trị.",
        ),
    ],
)
def test_usage_errors_in_both_languages(run, args, english, vietnamese):
    assert run(*args).stderr.startswith(english)
    result = run(*args, env={"HEARTLINK_LANG": "vi"})
    assert result.exit_code == 2
    assert result.stderr.startswith(vietnamese), result


def test_a_notice_on_stderr_in_vietnamese(run):
    result = run("--sample", "record", "meal", "-n", "1", db=None, env={"HEARTLINK_LANG": "vi"})
    assert result.exit_code == 0, result
    assert "Lưu ý: --sample làm việc trên bản sao trong bộ nhớ" in result.stderr


def test_the_global_language_is_the_default_of_a_commands_lang(run):
    vietnamese = run("--sample", "--lang", "vi", "report", "2023", db=None)
    assert "Tổng kết năm 2023 theo loại" in vietnamese.stdout
    own = run("--sample", "--lang", "vi", "report", "2023", "--lang", "en", db=None)
    assert "Totals 2023 by kind" in own.stdout
    json_keys = run("--sample", "--lang", "vi", "report", "2023", "-f", "json", db=None)
    assert '"received_and_spent"' in json_keys.stdout and "Tổng" not in json_keys.stdout


def test_a_lang_after_the_command_is_the_commands_own(run):
    """`report --lang vi` chooses the report's words; messages stay in the run's language."""
    result = run("--sample", "report", "2023", "--lang", "vi", "--by", "x", db=None)
    assert result.stderr.startswith("Error: Invalid value for --by")


@pytest.mark.parametrize(
    ("given", "environ", "expected"),
    [
        ("vi", {"HEARTLINK_LANG": "en", "LANG": "en_US.UTF-8"}, Lang.vi),
        ("en", {"HEARTLINK_LANG": "vi", "LANG": "vi_VN.UTF-8"}, Lang.en),
        (None, {"HEARTLINK_LANG": "vi", "LANG": "en_US.UTF-8"}, Lang.vi),
        (None, {"HEARTLINK_LANG": "EN", "LC_ALL": "vi_VN.UTF-8"}, Lang.en),
        (None, {"LC_ALL": "vi_VN.UTF-8", "LANG": "en_US.UTF-8"}, Lang.vi),
        (None, {"LC_ALL": "C.UTF-8", "LANG": "vi_VN.UTF-8"}, Lang.en),
        (None, {"LC_MESSAGES": "vi_VN", "LANG": "en_GB"}, Lang.vi),
        (None, {"LANG": "vi"}, Lang.vi),
        (None, {"LANG": "en_US.UTF-8"}, Lang.en),
        (None, {}, Lang.en),
    ],
)
def test_the_language_falls_back_in_order(monkeypatch, given, environ, expected):
    monkeypatch.setattr(i18n.sys, "platform", "linux")
    assert choose_language(given, environ) == expected


def test_an_unknown_heartlink_lang_is_refused(run):
    result = run("record", "meal", "-n", "1", env={"HEARTLINK_LANG": "fr"})
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: $HEARTLINK_LANG must be en or vi, as for --lang")
    assert run("--lang", "en", "record", "meal", "-n", "1", env={"HEARTLINK_LANG": "fr"}).stdout


def test_on_windows_the_user_locale_decides_last(monkeypatch):
    monkeypatch.setattr(i18n.sys, "platform", "win32")
    monkeypatch.setattr(i18n, "_windows_locale", lambda: "vi-VN")
    assert choose_language(None, {}) == Lang.vi
    assert choose_language(None, {"HEARTLINK_LANG": "en"}) == Lang.en
    monkeypatch.setattr(i18n, "_windows_locale", lambda: "en-US")
    assert choose_language(None, {}) == Lang.en


def test_the_system_locale_reaches_the_command(run, monkeypatch):
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "vi_VN.UTF-8")
    assert run("record", "meal", "--count", "0").stderr.startswith("Lỗi: ")


def test_the_installed_package_carries_the_catalogue():
    """The catalogue heartlink reads is the one installed with it: in CI (`pip install .`, a
    wheel) that is the wheel's copy, so a wheel without the .mo fails here."""
    import heartlink

    installed = Path(heartlink.__file__).parent / "locale" / "vi" / "LC_MESSAGES"
    assert (installed / "heartlink.mo").is_file()
    assert (installed / "heartlink.mo").stat().st_size > 10_000


def test_record_in_vietnamese_stays_light(tmp_path):
    """In Vietnamese `record` reads the .mo (stdlib gettext), and still loads no Babel or rich."""
    from conftest import heartlink_process

    db = tmp_path / "vi.db"
    assert heartlink_process("--db", str(db), "record", "meal", "-n", "1").returncode == 0
    result = heartlink_process(
        "--db", str(db), "record", "meal", "-n", "120",
        env={"PYTHONPROFILEIMPORTTIME": "1", "HEARTLINK_LANG": "vi"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    modules = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "heartlink" in modules
    assert not modules & {"babel", "rich", "sqlite_utils", "openpyxl"}


# --- every heading, title and label a table for people shows ---------------------------------

# Calls that take a table's title, and the position of that argument.
TITLE_ARGUMENT = {"make_table": 2, "table_for_people": 2, "FittedTable": 2, "output_rows": None}
# Calls whose literal argument is marked for the catalogue (N_, _) or one of i18n.WORDS.
MARKING_CALLS = {"N_", "_", "word"}
# Headings meant to stay as written: (file, the heading as written).
NOT_TRANSLATED_HEADINGS = {
    # `kind list` shows both languages side by side, each headed in its own.
    ("cli/catalogue.py", "'Name'"),
    ("cli/catalogue.py", "'Tên'"),
    ("cli/catalogue.py", "'Unit'"),
    ("cli/catalogue.py", "'Đơn vị'"),
    # A receipt is a card of labels and values, with no heading row.
    ("cli/receipt.py", "''"),
    # The statement's columns for scripts (CSV), headed by their keys.
    ("cli/funds.py", "'programme'"),
    ("cli/funds.py", "'name'"),
}


def _argument(node, position, keyword):
    for given in node.keywords:
        if given.arg == keyword:
            return given.value
    if position is not None and len(node.args) > position:
        return node.args[position]
    return None


def _shown_texts(where, node):
    """The texts a heading, title or word as written (`node`) shows, each with whether it is
    marked for translation; a variable or a composed text (`f"{word('Count')} {year}"`) is
    checked where it is made."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [(node.value, False)]
    if isinstance(node, ast.Call) and node.args:
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        first = node.args[0]
        if name in MARKING_CALLS and isinstance(first, ast.Constant):
            return [(first.value, True)]
    if isinstance(node, ast.Dict):  # a column's words
        return [text for value in node.values for text in _shown_texts(where, value)]
    return []


def _headings_and_titles():
    """Every heading of a `Column(...)`, every word of its `words`, and every title given to
    a table for people, written in src/heartlink/cli: (file:line, text, marked)."""
    found = []
    for path in sorted((SOURCE / "cli").glob("*.py")):
        where = str(path.relative_to(SOURCE))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            shown = []
            if name == "Column":
                shown = [_argument(node, 1, "heading"), _argument(node, None, "words")]
            elif name in TITLE_ARGUMENT:
                shown = [_argument(node, TITLE_ARGUMENT[name], "title")]
            for argument in filter(None, shown):
                if (where, ast.unparse(argument)) in NOT_TRANSLATED_HEADINGS:
                    continue
                for text, marked in _shown_texts(where, argument):
                    found.append((f"{where}:{node.lineno}", text, marked))
    return found


def test_every_heading_and_title_of_the_command_line_has_its_vietnamese(catalogue):
    """A literal heading of a `Column(...)` in src/heartlink/cli, a word of its `words`, or a
    title of a table for people must be marked (N_, _ or word) and translated, or listed in
    NOT_TRANSLATED_HEADINGS; a noun's fields carry their own (the next test)."""
    found = _headings_and_titles()
    assert len(found) > 100, "the search found too little"
    found = [(where, text, marked) for where, text, marked in found if text]  # no heading
    unmarked = [f"{where} {text!r}" for where, text, marked in found if not marked]
    untranslated = [f"{where} {text!r}" for where, text, _m in found if not catalogue.get(text)]
    assert unmarked == [], "mark with N_():\n" + "\n".join(unmarked)
    assert untranslated == [], "translate:\n" + "\n".join(untranslated)


def test_every_field_of_a_noun_has_its_vietnamese_heading_and_words(catalogue):
    """A noun's field heads lists and cards with its `vi`; the words of its values are
    translated like any message."""
    from heartlink import nouns

    missing = []
    for noun in (value for value in vars(nouns).values() if isinstance(value, nouns.Noun)):
        for field in noun.fields:
            if not field.vi:
                missing.append(f"{noun.name}.{field.name}: no vi")
            for word in (field.words or {}).values():
                if not catalogue.get(word):
                    missing.append(f"{noun.name}.{field.name}: {word!r} untranslated")
    assert missing == []


def _people_texts(output):
    """The headings, titles and card labels of a command's output for people: every cell of
    a table's heading rows, the line above a table (its title), and the label that starts a
    card's line (`Code  7KQ2MX4B`, `Code: TKD`)."""
    lines = output.splitlines()
    texts = []
    in_heading = False
    for number, line in enumerate(lines):
        if line.startswith("┏"):
            in_heading = True
            if number and not lines[number - 1].startswith(("└", "┏")):
                texts.append(lines[number - 1].strip())
        elif line.startswith("┡"):
            in_heading = False
        elif in_heading:
            texts += [cell.strip() for cell in line.strip("┃ ").split("┃")]
        elif not line.startswith(("│", "└", "┃")):
            texts.append(re.split(r"  +|: ", line.strip(), maxsplit=1)[0])
    return [text for text in texts if text]


PEOPLE_COMMANDS = [
    ("sponsorship", "list"),
    ("sponsorship", "show", "R0SP0NS1"),
    ("log",),
    ("station", "show"),
    ("beneficiary", "list"),
    ("donor", "list"),
    ("handout", "list", "--year", "2023"),
    ("donation", "list"),
    ("spending", "list"),
    ("stock",),
    ("kind", "list"),
]


# `kind list` heads each language's name and unit in that language (NOT_TRANSLATED_HEADINGS).
BOTH_LANGUAGES = {"Name", "Unit"}


@pytest.fixture(scope="module")
def english(catalogue):
    """The English texts a table for people may show: those the catalogue turns into other
    words, and every heading written in the command line or a noun's field that it lacks."""
    from heartlink import nouns

    written = {text for _where, text, _marked in _headings_and_titles()} | {
        field.label
        for noun in vars(nouns).values()
        if isinstance(noun, nouns.Noun)
        for field in noun.fields
    }
    translated = {text for text, vi in catalogue.items() if vi and vi != text}
    return translated | {text for text in written if text and not catalogue.get(text)}


@pytest.mark.parametrize("args", PEOPLE_COMMANDS, ids=" ".join)
def test_tables_for_people_show_no_english_heading_in_vietnamese(run, english, args):
    """Every heading, title and label of these commands on --sample, in Vietnamese: none is an
    English text the catalogue turns into something else."""
    result = run("--sample", "--lang", "vi", *args, db=None)
    assert result.exit_code == 0, result
    shown = _people_texts(result.stdout)
    assert shown, result.stdout
    assert sorted(set(shown) & english - BOTH_LANGUAGES) == []


def test_what_is_due_in_vietnamese_and_its_words_unchanged_in_json(ok, english):
    code = ok("beneficiary", "add", "Nguyễn Văn An", "--group", "39", "-f", "json").json()["code"]
    ok("sponsorship", "add", "--to", code, "--amount", "500.000", "--per", "month",
       "--start", "2023-01", "--end", "2023-03")  # fmt: skip
    shown = ok("--lang", "vi", "sponsorship", "due", "--until", "2023-03-31").stdout
    assert sorted(set(_people_texts(shown)) & english) == []
    assert "chi trả" in shown and "quỹ đơn vị" in shown and "có" in shown
    assert "pay out" not in shown and "station" not in shown
    rows = ok("--lang", "vi", "sponsorship", "due", "--until", "2023-03-31", "-f", "json").json()
    assert {(row["side"], row["sponsor"]) for row in rows} == {("pay out", "station")}
    csv = ok("--lang", "vi", "sponsorship", "due", "--until", "2023-03-31", "-f", "csv").stdout
    assert csv.splitlines()[0].startswith("due,overdue,side,")
    assert ",pay out," in csv and ",station," in csv


def test_a_card_and_a_summary_in_vietnamese(run, english):
    codes = {
        noun: run("--sample", noun, "list", "-f", "json", db=None).json()[0]["code"]
        for noun in ("beneficiary", "donor")
    }
    for noun, code in codes.items():
        card = run("--sample", "--lang", "vi", noun, "show", code, db=None).stdout
        assert sorted(set(_people_texts(card)) & english) == [], card
        assert "Mã" in card and ("có" in card or "không" in card)
        assert "yes" not in card.split() and "no" not in card.split()
    shown = run("--sample", "--lang", "vi", "sponsorship", "show", "R0SP0NS1", db=None)
    assert "6.000.000 VND mỗi năm" in shown.stderr + shown.stdout
    assert "hằng tháng, từ quỹ đơn vị" in shown.stderr + shown.stdout
    assert "đã kết thúc" in shown.stderr + shown.stdout
    listed = run("--sample", "--lang", "vi", "sponsorship", "list", "-f", "json", db=None)
    assert listed.json()[0]["status"] == "ended" and listed.json()[0]["per"] == "year"
    assert listed.json()[0]["sponsor"] == "station"


@pytest.mark.parametrize(
    "command",
    [
        ("report", "2023"),
        ("export", "handouts", "--year", "2023"),
        ("statement", "2023"),
        ("funds", "2023"),
    ],
    ids=" ".join,
)
def test_csv_for_programs_keeps_english_headings_unless_the_command_asks(run, command):
    """The run's language (HEARTLINK_LANG, `heartlink --lang`) is for people; a CSV's headings
    change only with the command's own --lang (a sheet made in Vietnamese on purpose)."""
    english = run("--sample", *command, "--format", "csv", db=None).stdout.splitlines()[0]
    by_env = run("--sample", *command, "--format", "csv", db=None, env={"HEARTLINK_LANG": "vi"})
    by_global = run("--sample", "--lang", "vi", *command, "--format", "csv", db=None)
    assert by_env.stdout.splitlines()[0] == english == by_global.stdout.splitlines()[0]
    if command[0] in ("report", "export"):
        own = run("--sample", *command, "--format", "csv", "--lang", "vi", db=None).stdout
        assert own.splitlines()[0] != english
