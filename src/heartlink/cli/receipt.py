"""`heartlink receipt ID`: the receipt (biên nhận, phiếu thu) of one donation, for the donor.

The receipt is a list of lines (`receipt_lines`), written as text on stdout or to a file by a
writer of RECEIPT_WRITERS, chosen by the file's suffix. A printable PDF plugs in there: a
writer `pdf(lines, stream, title)` added under "pdf" (the statement's PDF renderer can serve).
"""

from pathlib import Path
from typing import Annotated, Any, BinaryIO

import typer

from heartlink.cli.common import OverwriteOption
from heartlink.cli.export import DEFAULT_STATION, StationOption
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


def receipt_lines(receipt: dict, *, lang: Lang, station: str) -> list[str]:
    """The receipt of heartlink.donations.receipt as lines of text, in `lang`."""
    from heartlink.i18n import Formatter
    from heartlink.words import amount_in_english, amount_in_vietnamese

    formatter = Formatter(lang)
    in_words = amount_in_vietnamese if lang == Lang.vi else amount_in_english
    vi = lang == Lang.vi
    lines = [station.upper(), "", _say("title", lang), ""]
    if receipt["voided"]:
        lines += [f"*** {_say('void', lang)} ***", ""]
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
    width = max(len(_say(key, lang)) for key, _ in fields)
    lines += [f"{_say(key, lang) + ':':<{width + 1}} {text}" for key, text in fields]
    return [*lines, "", _say("check", lang)]


def _as_text(lines: list[str], stream: BinaryIO, title: str) -> None:
    # CRLF: the file is for printing, as likely from Notepad on Windows as from anywhere.
    stream.write(("\r\n".join(lines) + "\r\n").encode("utf-8"))


# The printable files a receipt is written as, by suffix.
RECEIPT_WRITERS: dict[str, Any] = {"txt": _as_text}


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
            help="Write a printable file (.txt) instead of showing it. The file is readable "
            "only by you (it names the donor).",
            show_default=False,
        ),
    ] = None,
    force: OverwriteOption = False,
    station: StationOption = DEFAULT_STATION,
) -> None:
    """Show the receipt (biên nhận) of one donation, for the donor: the station, date, donor,
    what was received, the amount in figures and in words, and the verification code. A
    voided donation's receipt says VOID.

    Examples:

      heartlink receipt 7KQ2MX4B

      heartlink receipt 7KQ2MX4B --lang en --output receipt-7KQ2MX4B.txt
    """
    from heartlink import donations
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
    lines = receipt_lines(found, lang=lang, station=station)
    if writer is None:
        print("\n".join(lines))
        return
    from heartlink import files

    with files.new_file(output, force=force, private=True) as part, open(part, "wb") as stream:
        writer(lines, stream, _say("title", lang))
    say(f"Receipt {found['code']} written to {output} (it names the donor: keep it safe).")
