"""`heartlink funds` (each fund's balance) and `heartlink statement` (the public sao kê)."""

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from heartlink.cli.common import FormatOption, LangOption, OverwriteOption, language_of
from heartlink.cli.render import Format
from heartlink.i18n import Lang

if TYPE_CHECKING:
    import sqlite3

    from heartlink.cli.render import Column, Document
    from heartlink.i18n import Formatter

YearArgument = Annotated[
    int | None, typer.Argument(help="The year. Default: this year.", show_default=False)
]


class StatementFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    pdf = "pdf"


def _year(year: int | None) -> int:
    import datetime as dt

    from heartlink.text import parse_year

    return parse_year(year if year is not None else dt.date.today().year)


def _balance_columns(fmt: "Formatter") -> "list[Column]":
    from heartlink.tables import Column

    word = fmt.word
    return [
        Column("programme_name", word("Fund")),
        Column("opening_vnd", word("Opening balance"), "money"),
        Column("received_vnd", word("Received"), "money"),
        Column("spent_vnd", word("Spent"), "money"),
        Column("cash_out_vnd", word("Cash handed out"), "money"),
        Column("closing_vnd", word("Closing balance"), "money"),
    ]


def _balance_rows(balances: dict, fmt: "Formatter") -> list[dict]:
    name = "name_vi" if fmt.lang == Lang.vi else "name"
    rows = [row | {"programme_name": row[name]} for row in balances["programmes"]]
    return [*rows, balances["total"] | {"programme_name": fmt.word("All funds")}]


def funds(year: YearArgument = None, lang: LangOption = Lang.en, fmt: FormatOption = Format.table):
    """Each fund's money in a year: opening balance (carried over from earlier years),
    received, spent, cash handed out and closing balance, per programme and in total.

    Money given without a programme is in the general fund (`general`). opening + received -
    spent - cash handed out = closing, for every fund and in total. A negative balance means
    the fund was advanced (by the officers, say); `heartlink check` lists it.

    Examples:

      heartlink funds 2023

      heartlink funds 2023 --lang vi

      heartlink funds 2023 --format json
    """
    from heartlink import funds as core
    from heartlink.cli.common import open_ledger
    from heartlink.cli.render import Destination, Document, render
    from heartlink.i18n import Formatter
    from heartlink.tables import Column, Table

    formatter, year = Formatter(language_of(lang, fmt)), _year(year)
    with open_ledger(write=False) as ledger, ledger.snapshot() as conn:
        balances = core.balances(conn, year)
    rows = _balance_rows(balances, formatter)
    title = formatter.word("Funds {year}", year=balances["year"])
    script_columns = [Column("programme", "programme"), Column("name", "name")] + [
        Column(figure, figure, "money") for figure in core.FIGURES
    ]
    document = Document(
        [Table.of(_balance_columns(formatter), rows, "funds", title)],
        json=balances,
    )
    if fmt is Format.csv:
        total = balances["total"] | {"programme": "", "name": "total"}
        document = Document([Table.of(script_columns, [*balances["programmes"], total])])
    render(fmt, document, Destination(formatter=formatter))


OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="The file to write. Default: standard output for table, json and csv; "
        "heartlink-statement-YEAR.xlsx (or .pdf) in this folder for xlsx and pdf.",
        show_default=False,
    ),
]


def statement(
    year: YearArgument = None,
    lang: LangOption = Lang.en,
    fmt: Annotated[
        StatementFormat,
        typer.Option(
            "--format",
            "-f",
            help="table for people; json or csv for scripts; xlsx (a sheet per part) or pdf "
            "(A4, to print and sign) to publish.",
        ),
    ] = StatementFormat.table,
    output: OutputOption = None,
    force: OverwriteOption = False,
) -> None:
    """The public statement (sao kê) of a year: every receipt of money and goods with its
    verification code, every spending line, what was handed out per programme and kind, each
    fund's opening and closing balance, stock on hand, and the audit chain's head.

    Donors are named only when they agreed to be (--public); others read "A well-wisher"
    (Nhà hảo tâm), officers "Officers" (Cán bộ, chiến sĩ). No beneficiary is ever named, coded
    or grouped. The statement refuses (exit 1, nothing written) when its lines do not add up
    to the yearly totals, naming the difference. A closed year (`heartlink close`) says so,
    with its hash.

    Examples:

      heartlink statement 2023 --lang vi

      heartlink statement 2023 --lang vi --format pdf --output sao-ke-2023.pdf

      heartlink statement 2023 --format json
    """
    from heartlink import closing, files, stations
    from heartlink import funds as core
    from heartlink.cli.common import open_ledger, say
    from heartlink.cli.render import Destination, render
    from heartlink.i18n import Formatter, _

    year = _year(year)
    formatter = Formatter(language_of(lang, fmt.value))
    if output is None and fmt in (StatementFormat.xlsx, StatementFormat.pdf):
        output = Path(f"heartlink-statement-{year}.{fmt.value}")
    with open_ledger(write=False) as ledger, ledger.snapshot() as conn:
        # Built whole before any file is opened: a statement that does not tie writes nothing.
        if fmt is StatementFormat.pdf:
            station = stations.required(conn, _("The statement's PDF"))
        else:
            station = stations.own(conn)
        content = core.statement(conn, year, lang)
        document = statement_document(conn, content, formatter, station and station.place)
    if output is not None:
        from dataclasses import replace

        from heartlink.cli.views import with_closing_note

        document = replace(document, tables=with_closing_note(document.tables, content, formatter))
    heading = station.name if station else ""
    if output is None:
        render(fmt.value, document, Destination(formatter=formatter, heading=heading))
        if fmt is StatementFormat.table:
            for line in closing.state_lines(content, formatter):
                print(line)
        return
    with files.new_file(output, force=force) as part, open(part, "wb") as stream:
        destination = Destination(stream, formatter, heading=heading, path=part)
        notes = render(fmt.value, document, destination)
    for note in notes:
        say(note)
    say(formatter.word("Statement written to {path}.", path=output))


def statement_document(
    conn: "sqlite3.Connection", content: dict, fmt: "Formatter", place: str | None
) -> "Document":
    """The statement as tables (a sheet or a section each), its object for JSON, and one flat
    table of every line for CSV."""
    import datetime as dt

    from heartlink.cli.render import Document
    from heartlink.cli.views import Labels, dated_line
    from heartlink.tables import Column, Table

    word, labels, year = fmt.word, Labels(conn, fmt), content["year"]
    programme = labels.programmes.get
    receipts = [
        row | {"programme_name": programme(row["programme"], row["programme"])}
        for row in content["receipts"]
    ]
    methods = {"cash": word("Cash"), "bank": word("Bank transfer"), "in-kind": word("In kind")}
    money = [row | {"method": methods[row["method"]]} for row in receipts if row["kind"] == "cash"]
    goods = [
        row | {"kind_name": labels.kind(row["kind"]), "unit_name": labels.unit(row["kind"])}
        for row in receipts
        if row["kind"] != "cash"
    ]
    spending = [
        row
        | {
            "programme_name": programme(row["programme"], row["programme"]),
            "bought": f"{fmt.number(row['quantity'])} {labels.unit(row['buys_kind'])}"
            f" {labels.kind(row['buys_kind'])}"
            if row["buys_kind"]
            else None,
        }
        for row in content["spending"]
    ]
    handed_out = [
        row
        | {
            "programme_name": programme(row["programme"], row["programme"]),
            "kind_name": labels.kind(row["kind"]),
            "unit_name": labels.unit(row["kind"]),
        }
        for row in content["handed_out"]
    ]
    stock = [
        row
        | {
            "kind_name": labels.kind(row["kind"]),
            "unit_name": labels.unit(row["kind"]),
        }
        for row in content["stock"]
    ]
    head = content["chain_head"] or {}
    balances = {"year": year, "programmes": content["funds"], "total": content["total"]}
    date, code = Column("date", word("Date"), "date"), Column("code", word("Code"))
    tables = [
        Table.of(
            _balance_columns(fmt), _balance_rows(balances, fmt), word("Balances"), word("Balances")
        ),
        Table.of(
            [
                date,
                code,
                Column("donor", word("Donor")),
                Column("method", word("Method")),
                Column("programme_name", word("Fund")),
                Column("count", word("Amount"), "money"),
            ],
            money,
            word("Money"),
            word("Money received"),
        ),
        Table.of(
            [
                date,
                code,
                Column("donor", word("Donor")),
                Column("kind_name", word("Kind")),
                Column("count", word("Count"), "number"),
                Column("unit_name", word("Unit")),
                Column("value_vnd", word("Value"), "money"),
            ],
            goods,
            word("In kind"),
            word("Received in kind"),
        ),
        Table.of(
            [
                date,
                code,
                Column("programme_name", word("Fund")),
                Column("purpose", word("For")),
                Column("bought", word("Bought"), optional=True),
                Column("amount_vnd", word("Amount"), "money"),
            ],
            spending,
            word("Spending"),
            word("Spending"),
        ),
        Table.of(
            [
                Column("programme_name", word("Programme")),
                Column("kind_name", word("Kind")),
                Column("count", word("Count"), "number"),
                Column("unit_name", word("Unit")),
                Column("handouts", word("Handouts"), "number"),
                Column("people", word("People"), "number"),
                Column("value_vnd", word("Value"), "money"),
            ],
            handed_out,
            word("Handed out"),
            word("Handed out"),
        ),
        Table.of(
            [
                Column("kind_name", word("Kind")),
                Column("unit_name", word("Unit")),
                Column("opening", word("Opening"), "number"),
                Column("in", word("In"), "number"),
                Column("out", word("Out"), "number"),
                Column("on_hand", word("On hand"), "number"),
                Column("value_vnd", word("Value"), "money"),
            ],
            stock,
            word("Stock"),
            word("Stock on hand"),
        ),
        Table.of(
            [
                Column("entries", word("Entries"), "number"),
                Column("entry", word("Last entry"), "number"),
                Column("hash", word("Hash")),
            ],
            [head] if head else [],
            word("Audit"),
            word("Audit chain head"),
        ),
    ]
    if content.get("sponsorships"):
        from heartlink.cli import sponsorship

        tables.append(sponsorship.year_table(content["sponsorships"], labels.programmes, fmt))
    flat = Table.of(_flat_columns(), list(_flat_rows(content)), "statement")
    return Document(
        tables,
        json={key: value for key, value in content.items()},
        title=word("Statement {year}", year=year),
        dated=dated_line(place, dt.date.today(), fmt),
        signature=word("HEAD OF THE WARD POLICE"),
        flat=flat,
    )


FLAT_FIELDS = (
    "section",
    "date",
    "code",
    "donor",
    "method",
    "programme",
    "kind",
    "purpose",
    "count",
    "value_vnd",
)


def _flat_columns() -> "list[Column]":
    from heartlink.tables import Column

    kinds = {"date": "date", "count": "number", "value_vnd": "money"}
    return [Column(field, field, kinds.get(field, "text")) for field in FLAT_FIELDS]


def _flat_rows(content: dict):
    """Every line of the statement in one table (for CSV): each section's rows, the balances
    as `opening` and `closing` rows (value_vnd the balance), the stock, the chain head."""
    for row in content["receipts"]:
        yield {"section": "receipt", **row}
    for row in content["spending"]:
        yield {
            "section": "spending",
            **row,
            "kind": row["buys_kind"],
            "count": row["quantity"],
            "value_vnd": row["amount_vnd"],
        }
    for row in content["handed_out"]:
        yield {"section": "handed_out", **row}
    for section in ("opening", "closing"):
        for slug, balance in content[section].items():
            yield {"section": section, "programme": slug, "value_vnd": balance}
    for row in content["stock"]:
        yield {"section": "stock", **row, "count": row["on_hand"]}
    for row in content.get("sponsorships", []):
        yield {
            "section": "sponsorship",
            "programme": row["programme"],
            "count": row["sponsorships"],
            "value_vnd": row["paid_out_vnd"],
        }
    head = content["chain_head"]
    if head:
        yield {"section": "chain_head", "code": head["hash"], "count": head["entries"]}
