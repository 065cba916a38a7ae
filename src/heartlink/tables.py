"""The one shape every report, list and export takes: a table of columns and rows.

The core returns a Table; the command line renders it in the format asked (a table for people,
JSON, CSV or an Excel workbook: heartlink.cli.render). A column says what its values are (its
kind), so that every format shows them alike: numbers stay numbers, dates dates.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from heartlink.i18n import Formatter

# The kinds of value a column holds.
KINDS = ("text", "number", "money", "signed", "percent", "date", "list", "flag")
NUMERIC = frozenset({"number", "money", "signed", "percent"})
# The catalogues whose values a column may hold (Column.catalogue): kind, programme and
# category slugs, and "unit", the unit of the row's kind (stored in English).
CATALOGUES = ("kind", "unit", "programme", "category")

_english: "Formatter | None" = None


def english() -> "Formatter":
    """The default formatter (English)."""
    global _english
    if _english is None:
        from heartlink.i18n import Formatter

        _english = Formatter()
    return _english


@dataclass(frozen=True)
class Column:
    """One column of a table: the row key, its heading, and the kind of value it holds.

    `optional` columns are the first left out when a terminal is too narrow for the table.
    `words`, when given, are the English words (marked with N_) people read for the values a
    column stores as codes ("year", "station"): tables for people show them in their language,
    JSON and CSV the stored value. `catalogue`, when given, says which catalogue's values the
    column holds (one of CATALOGUES): tables for people in Vietnamese show their Vietnamese
    names (heartlink.cli.render.cell), everything else the stored value.
    """

    key: str
    heading: str
    kind: str = "text"
    optional: bool = False
    vi: str = ""  # the heading in Vietnamese, when the column knows it (a noun's field does)
    words: Mapping[str, str] | None = field(default=None, compare=False)
    catalogue: str = ""

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC

    def show(self, value: Any, formatter: "Formatter | None" = None) -> str:
        """The value as text for people, in the formatter's language (English by default)."""
        if value is None or value == []:
            return "—"
        fmt = formatter or english()
        if self.words and value in self.words:
            return fmt.word(self.words[value])
        shown: dict[str, Callable[[Any], str]] = {
            "number": fmt.number,
            "money": fmt.money,
            "signed": fmt.signed,
            "percent": fmt.percent,
            "date": fmt.date,
            "list": ", ".join,
            "flag": lambda v: fmt.word("yes" if v else "no"),
        }
        return shown.get(self.kind, str)(value)


@dataclass(frozen=True)
class Table:
    """Columns and their rows, with the short name a workbook gives its sheet and a title.

    `rows` gives a fresh iterable each time it is called: the workbook writer reads the rows
    twice (once to fit the column widths, once to write them) rather than holding them.

    `total`, when given, is the row printed under the others (a workbook's and a PDF's, never
    CSV's or JSON's, which scripts sum themselves), its label under the first column's key;
    `note` says what it holds where that is not the sum of the rows above.
    """

    columns: Sequence[Column]
    rows: Callable[[], Iterable[dict]]
    name: str = ""
    title: str = ""
    total: dict | None = None
    note: str = ""

    @classmethod
    def of(
        cls,
        columns: Sequence[Column],
        rows: Iterable[dict],
        name: str = "",
        title: str = "",
        *,
        total: dict | None = None,
        note: str = "",
    ) -> "Table":
        """A table of rows already at hand (a list), or of rows read once (a stream)."""
        return cls(tuple(columns), lambda: rows, name, title, total, note)

    @property
    def keys(self) -> list[str]:
        return [column.key for column in self.columns]
