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
            "Lỗi: không có loại 'mael'; có phải ý bạn là 'meal'? xem `heartlink kind list`\n",
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


def test_heartlinks_catalogue_reader_gives_what_gettext_gives():
    """i18n.Catalogue reads the .mo lazily for start-up's sake; for every message it must give
    exactly the standard library's translation."""
    import gettext

    from heartlink import i18n

    mo = Path(i18n.__file__).parent / "locale" / "vi" / "LC_MESSAGES" / "heartlink.mo"
    with mo.open("rb") as stream:
        standard = gettext.GNUTranslations(stream)
    ours = i18n.Catalogue(mo.read_bytes())
    messages = [message for message in standard._catalog if isinstance(message, str) and message]
    assert len(messages) > 500
    assert [ours.gettext(m) for m in messages] == [standard.gettext(m) for m in messages]
    assert ours.gettext("not a message of heartlink's") == "not a message of heartlink's"
    with pytest.raises(ValueError):
        i18n.Catalogue(b"\x00" * 32)
