"""`heartlink receipt ID`: the receipt (biên nhận, phiếu thu) of one donation, for the donor.

The receipt is a list of labelled fields (`receipt_fields`), shown as lines of text on stdout
(`receipt_lines`) or written to a file by a writer of RECEIPT_WRITERS, chosen by the file's
suffix: text, or an A4 PDF through the statement's renderer (heartlink.cli.pdf).
"""

from pathlib import Path
from typing import Annotated, Any, BinaryIO

import typer

from heartlink.cli.common import OverwriteOption
from heartlink.i18n import LANG_ENV, Lang

# Words of the receipt: (English, Vietnamese).
_WORDS = {
    "title": ("RECEIPT", "BIÊN NHẬN (PHIẾU THU)"),
    "void": (
        "VOID: this donation was voided; this receipt is not valid",
        "ĐÃ HỦY: khoản nhận này đã bị hủy; biên nhận không có giá trị",
    ),
    "code": ("Verification code", "Mã xác minh"),
    "date": ("Date received", "Ngày nhận"),
    "donor": ("Received from", "Nhận của"),
    "well_wisher": ("A well-wisher", "Nhà hảo tâm"),
    "what": ("Received", "Nội dung"),
    "money": ("money donated", "tiền ủng hộ"),
    "for_fund": ("for", "cho quỹ"),
    "method": ("Method", "Hình thức"),
    "amount": ("Amount", "Số tiền"),
    "value": ("Value", "Trị giá"),
    "in_words": ("In words", "Bằng chữ"),
    "reference": ("Reference", "Số chứng từ"),
    "officer": ("Received by", "Người nhận"),
    "check": (
        "Find this line by its code in the station's public statement (sao kê).",
        "Tra cứu khoản này theo mã xác minh trong bản sao kê công khai của đơn vị.",
    ),
}
_METHODS = {
    "cash": ("cash", "tiền mặt"),
    "bank": ("bank transfer", "chuyển khoản"),
    "in-kind": ("in kind", "hiện vật"),
}


def _say(key: str, lang: Lang, table: dict = _WORDS) -> str:
    english, vietnamese = table[key]
    return vietnamese if lang == Lang.vi else english


def receipt_fields(receipt: dict, *, lang: Lang) -> list[tuple[str, str]]:
    """The receipt of heartlink.donations.receipt as (label, text) pairs, in `lang`."""
    from heartlink.i18n import Formatter
    from heartlink.words import amount_in_english, amount_in_vietnamese

    formatter = Formatter(lang)
    in_words = amount_in_vietnamese if lang == Lang.vi else amount_in_english
    vi = lang == Lang.vi
    fund = receipt["programme_vi"] if vi else receipt["programme_en"]
    if receipt["money"]:
        what = f"{_say('money', lang).capitalize()}, {_say('for_fund', lang)} {fund}"
    else:
        unit = receipt["unit_vi"] if vi else receipt["unit"]
        kind = receipt["kind_vi"] if vi else receipt["kind_en"]
        count = formatter.number(receipt["count"])
        what = f"{kind}: {count} {unit}, {_say('for_fund', lang)} {fund}"
    fields = [
        ("code", receipt["code"]),
        ("date", formatter.date(receipt["date"])),
        ("donor", receipt["donor_name"] or _say("well_wisher", lang)),
        ("what", what),
        ("method", _say(receipt["method"], lang, _METHODS)),
    ]
    value = receipt["value_vnd"]
    if value is not None:
        fields += [
            ("amount" if receipt["money"] else "value", formatter.money(value)),
            ("in_words", in_words(value)),
        ]
    if receipt["reference"]:
        fields.append(("reference", receipt["reference"]))
    fields.append(("officer", receipt["officer"]))
    return [(_say(key, lang), text) for key, text in fields]


def receipt_lines(receipt: dict, *, lang: Lang, station: str) -> list[str]:
    """The receipt of heartlink.donations.receipt as lines of text, in `lang`."""
    lines = [*([station.upper(), ""] if station else []), _say("title", lang), ""]
    if receipt["voided"]:
        lines += [f"*** {_say('void', lang)} ***", ""]
    fields = receipt_fields(receipt, lang=lang)
    width = max(len(label) for label, _ in fields)
    lines += [f"{label + ':':<{width + 1}} {text}" for label, text in fields]
    return [*lines, "", _say("check", lang)]


def _as_text(receipt: dict, stream: BinaryIO, lang: Lang, station: str) -> None:
    # CRLF: the file is for printing, as likely from Notepad on Windows as from anywhere.
    lines = receipt_lines(receipt, lang=lang, station=station)
    stream.write(("\r\n".join(lines) + "\r\n").encode("utf-8"))


def _as_pdf(receipt: dict, stream: BinaryIO, lang: Lang, station: str) -> None:
    """The receipt as an A4 page headed as the station's documents are (heartlink.cli.pdf)."""
    from heartlink.cli import pdf
    from heartlink.cli.render import Destination, Document
    from heartlink.i18n import Formatter
    from heartlink.tables import Column, Table

    rows = [{"label": label, "text": text} for label, text in receipt_fields(receipt, lang=lang)]
    if receipt["voided"]:
        rows.insert(0, {"label": "***", "text": _say("void", lang)})
    rows.append({"label": "", "text": _say("check", lang)})
    table = Table.of([Column("label", ""), Column("text", "")], rows)
    document = Document([table], title=_say("title", lang), signature=_say("officer", lang))
    pdf.write(document, Destination(stream, Formatter(lang), heading=station))


# The printable files a receipt is written as, by suffix.
RECEIPT_WRITERS: dict[str, Any] = {"txt": _as_text, "pdf": _as_pdf}


def receipt(
    donation_id: Annotated[
        str, typer.Argument(metavar="ID", help="Donation id or verification code.")
    ],
    lang: Annotated[
        Lang,
        typer.Option(
            "--lang",
            envvar=LANG_ENV,
            help=f"vi or en. Default: ${LANG_ENV}, then vi (a receipt is for the donor).",
            case_sensitive=False,
        ),
    ] = Lang.vi,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write a printable file (.txt, or .pdf for an A4 page) instead of showing it. "
            "The file is readable only by you (it names the donor).",
            show_default=False,
        ),
    ] = None,
    force: OverwriteOption = False,
) -> None:
    """Show the receipt (biên nhận) of one donation, for the donor: the station, date, donor,
    what was received, the amount in figures and in words, and the verification code. A
    voided donation's receipt says VOID.

    Examples:

      heartlink receipt 7KQ2MX4B

      heartlink receipt 7KQ2MX4B --lang en --output receipt-7KQ2MX4B.txt

      heartlink receipt 7KQ2MX4B --output bien-nhan-7KQ2MX4B.pdf
    """
    from heartlink import donations, stations
    from heartlink.cli.common import open_ledger, say
    from heartlink.errors import InputError

    writer = None
    if output is not None:
        suffix = output.suffix.lower().lstrip(".")
        writer = RECEIPT_WRITERS.get(suffix)
        if writer is None:
            forms = ", ".join(f".{name}" for name in RECEIPT_WRITERS)
            raise InputError(f"--output: a receipt is written as {forms}; name the file so")
    with open_ledger(write=False) as ledger:
        found = donations.receipt(ledger.conn, donation_id)
        station = stations.heading(ledger.conn)
    if writer is None:
        print("\n".join(receipt_lines(found, lang=lang, station=station)))
        return
    from heartlink import files

    with files.new_file(output, force=force, private=True) as part, open(part, "wb") as stream:
        writer(found, stream, lang, station)
    say(f"Receipt {found['code']} written to {output} (it names the donor: keep it safe).")
