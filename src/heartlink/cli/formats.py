"""The names of the output formats, apart from the renderers (heartlink.cli.render), so that a
command can declare its --format option without loading them: `record` prints its id with
neither json nor csv nor the table code imported."""

from enum import StrEnum


class Format(StrEnum):
    """The formats of commands that print: to the terminal or to a script."""

    table = "table"
    json = "json"
    csv = "csv"


class ExportFormat(StrEnum):
    """The formats of `heartlink export`: files."""

    csv = "csv"
    json = "json"
    xlsx = "xlsx"
