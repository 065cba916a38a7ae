"""README.vi.md, the README in Vietnamese, is kept true with README.md: every command the
English README shows (a line of a code block that runs `heartlink`) is shown in it too, and
README.md links to it in its first lines."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A line of a code block that runs heartlink: `heartlink …`, `HEARTLINK_LANG=vi heartlink …`,
# a cron line, `python -m heartlink …`.
RUNS_HEARTLINK = re.compile(r"(^|\s)heartlink\s")


def shown_commands(path: Path) -> list[str]:
    """The command lines of the file's code blocks, without a trailing `# comment`."""
    text = path.read_text(encoding="utf-8")
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.S | re.M)
    lines = (line for block in blocks for line in block.splitlines())
    return [re.split(r"\s{2,}#", line)[0].strip() for line in lines if RUNS_HEARTLINK.search(line)]


def test_readme_vi_shows_every_command_of_the_english_readme():
    english = shown_commands(ROOT / "README.md")
    assert len(english) > 50, "the English README's commands were not found"
    vietnamese = set(shown_commands(ROOT / "README.vi.md"))
    missing = [command for command in english if command not in vietnamese]
    assert not missing, (
        f"README.vi.md does not show {len(missing)} command(s) of README.md; translate their "
        "section: " + "; ".join(missing)
    )


def test_each_readme_links_to_the_other_in_its_first_lines():
    english = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:5]
    assert any("(README.vi.md)" in line for line in english)
    vietnamese = (ROOT / "README.vi.md").read_text(encoding="utf-8").splitlines()[:5]
    assert any("(README.md)" in line for line in vietnamese)


def test_readme_vi_has_a_section_for_each_english_one():
    def headings(path: Path) -> list[str]:
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
        return [line.split(" ", 1)[0] for line in text.splitlines() if line.startswith("#")]

    # The same outline: as many sections, at the same levels, in the same order.
    assert headings(ROOT / "README.vi.md") == headings(ROOT / "README.md")
