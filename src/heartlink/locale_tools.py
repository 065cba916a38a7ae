"""The translator's files, refreshed by a maintainer: `python -m heartlink.locale_tools update`.

`update` extracts every text heartlink can show a person (the `_()` and `N_()` messages of the
source, and the help of the live command tree: each command's help and short help, each option's
and argument's help) into locale/heartlink.pot, merges it into each language's .po (new texts
come in untranslated, dropped ones are kept as obsolete), and compiles the .mo beside it.
`compile` only compiles the .po files (after a translator has edited one). The compiled .mo is
committed, so that an installed heartlink needs no build step; tests/test_i18n.py checks that it
is the compilation of its .po and that every text has its translation.

Babel does the work; it is imported here only, never by a command.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from heartlink.i18n import DOMAIN, Lang

PACKAGE = Path(__file__).resolve().parent
LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / f"{DOMAIN}.pot"
KEYWORDS = {"_": None, "N_": None}
TRANSLATED = [lang for lang in Lang if lang != Lang.en]
HEADER = """\
# Translations of heartlink's messages and help.
#
# Glossary (use these words throughout):
#   beneficiary = người nhận (a person or household who receives; "đối tượng" in lists)
#   handout = lượt trao; hand out = trao; portion/place = suất
#   kind = loại; programme = chương trình; fund = quỹ; category = nhóm đối tượng
#   residential group = tổ dân phố; poor / near-poor household = hộ nghèo / hộ cận nghèo
#   donor, well-wisher = nhà hảo tâm; donation = khoản nhận; receipt = biên nhận
#   statement (public list of money) = sao kê; spending = khoản chi; stock on hand = tồn kho
#   officer = cán bộ; database = cơ sở dữ liệu; backup = bản sao lưu; restore = khôi phục
#   void = hủy; archive = lưu trữ; audit log = nhật ký kiểm tra; Error = Lỗi
# Placeholders in braces ({count}) stay exactly as they are; commands and options (`heartlink
# record`, --count) are not translated."""


def po_path(lang: Lang) -> Path:
    return LOCALE / lang.value / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: Lang) -> Path:
    return po_path(lang).with_suffix(".mo")


def source_messages() -> Iterator[tuple[str, str, int]]:
    """(msgid, file, line) of every `_()` and `N_()` text in heartlink's source."""
    from babel.messages.extract import extract_from_file

    for path in sorted(PACKAGE.rglob("*.py")):
        with path.open("rb"):
            found = extract_from_file("python", str(path), keywords=KEYWORDS, comment_tags=())
        for line, message, _comments, _context in found:
            if isinstance(message, str) and message:
                yield message, str(path.relative_to(PACKAGE.parent)), line


def help_messages() -> Iterator[tuple[str, str]]:
    """(msgid, where) of every help text of the live command tree, as a help screen shows it."""
    import typer.main

    from heartlink.cli.app import app

    root = typer.main.get_command(app)
    yield from _help_of(root, typer.Context(root, info_name="heartlink"), "heartlink")


def _help_of(command: Any, ctx: Any, path: str) -> Iterator[tuple[str, str]]:
    for text in (command.help, command.short_help):
        if text:
            yield inspect.cleandoc(text), path
    for param in command.get_params(ctx):
        if getattr(param, "help", None):
            yield inspect.cleandoc(param.help), f"{path} {param.name}"
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            yield from _help_of(
                sub, ctx.__class__(sub, parent=ctx, info_name=name), f"{path} {name}"
            )


def template() -> Any:
    """The catalogue template: every msgid heartlink can show, with where it comes from."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(domain=DOMAIN, project="heartlink", header_comment=HEADER, fuzzy=False)
    for message, file, line in source_messages():
        catalog.add(message, locations=[(file, line)])
    for message, where in help_messages():
        existing = catalog.get(message)
        if existing is None:
            catalog.add(message, auto_comments=[f"help: {where}"])
        elif not existing.auto_comments:
            existing.auto_comments.append(f"help: {where}")
    return catalog


def read_po(lang: Lang) -> Any:
    from babel.messages.pofile import read_po as babel_read_po

    with po_path(lang).open("rb") as handle:
        return babel_read_po(handle, locale=lang.value, domain=DOMAIN)


def compiled(lang: Lang) -> bytes:
    """The .mo that `lang`'s .po compiles to."""
    import io

    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, read_po(lang))
    return buffer.getvalue()


def compile_all() -> None:
    for lang in TRANSLATED:
        mo_path(lang).write_bytes(compiled(lang))


def update() -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    pot = template()
    LOCALE.mkdir(exist_ok=True)
    with TEMPLATE.open("wb") as handle:
        write_po(handle, pot, width=100, omit_header=False, sort_output=False)
    for lang in TRANSLATED:
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = read_po(lang) if path.exists() else Catalog(locale=lang.value, domain=DOMAIN)
        catalog.header_comment, catalog.fuzzy = HEADER, False
        catalog.update(pot, no_fuzzy_matching=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, ignore_obsolete=False)
    compile_all()


def main(argv: list[str]) -> int:
    actions = {"update": update, "compile": compile_all}
    if len(argv) != 1 or argv[0] not in actions:
        print("usage: python -m heartlink.locale_tools update|compile", file=sys.stderr)
        return 2
    actions[argv[0]]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
