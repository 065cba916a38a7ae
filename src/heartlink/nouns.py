"""One description per noun: every field of a beneficiary, a handout, a spending line, said once.

A field's description says its name (the key of records, JSON and CSV), its DB column, its
headings (English in tables and cards, the name itself and Vietnamese in sheets), the other
headings an import accepts, how typed text is checked (heartlink.text), whether it is personal
data and what an export without personal data writes instead, the kind of value it holds
(heartlink.tables.Column kinds), and for the fields a user sets, their command-line option.

Exports, import headings, table columns, the show card, the profile dict that the audit log
keeps before and after a change, and the options of `beneficiary add` and `edit` derive from
here: a new field of a noun is a new Field here, a migration, and tests.

Not derived from here, on purpose: the seals' columns (heartlink.seals, part of a stored
format) and the content of a handout's import key (importer.row_key, a stored key).
"""

import enum
import sqlite3
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from heartlink import ids
from heartlink.errors import InputError
from heartlink.i18n import N_, Lang, _
from heartlink.text import (
    TEXT_LIMITS,
    clean_group,
    clean_phone,
    fold,
    optional_text,
    parse_born,
    parse_flag,
    require_text,
)

if TYPE_CHECKING:
    from heartlink.tables import Column


class Private(enum.Enum):
    """What an export without personal data writes in place of a personal field."""

    CODE = "the record's code"
    EMPTY = "nothing"
    # A donor's name: theirs when they agreed to be named in public (`public`), else the code.
    CODE_UNLESS_PUBLIC = "the record's code, unless the record is public"


class Option(NamedTuple):
    """The command-line option that sets a field: its flags (the first is the long one, as
    Typer spells it; a boolean's is "--yes/--no") and its help."""

    flags: tuple[str, ...]
    help: str
    parameter: str | None = None  # the command's parameter, when not the field's name
    repeated: bool = False  # given once per value (a list)
    switch: bool = False  # a --yes/--no pair (True, False, or not given)


class Field(NamedTuple):
    """One field of a noun (see the module's docstring)."""

    name: str
    label: str = ""  # the English heading of tables and cards
    vi: str = ""  # the Vietnamese heading of sheets (in English a sheet heads it `name`)
    column: str | None = None  # the DB column; None when not one column of the noun's table
    aliases: tuple[str, ...] = ()  # other headings accepted on import
    required: bool = False
    kind: str = "text"
    what: str | None = None  # the field as messages name it (and text.TEXT_LIMITS keys it)
    check: Callable[[Any], Any] | None = None  # typed text -> the stored value
    private: Private | None = None
    export_from: str | None = None  # the record key an export reads, when not `name`
    option: Option | None = None
    sql: str | None = None  # the SQL that reads it, when it is not its own column
    # The kind in lists and cards, when not `kind`: a handout's date is listed as stored.
    listed_kind: str | None = None
    # The words people read for values stored as codes (see heartlink.tables.Column.words).
    words: Mapping[str, str] | None = None
    # The catalogue whose values it holds (see heartlink.tables.Column.catalogue).
    catalogue: str = ""

    def heading(self, lang: Lang | str) -> str:
        """The heading of a sheet's column: the name in English, else the Vietnamese."""
        return self.vi if lang == Lang.vi else self.name

    @property
    def limit(self) -> int | None:
        """The most characters the field holds, for text fields."""
        return TEXT_LIMITS.get(self.what or self.name)

    def column_of(self, label: str | None = None) -> "Column":
        """The field as a column of a list or card (headed `label`, by default its own)."""
        from heartlink.tables import Column

        return Column(
            self.name,
            self.label if label is None else label,
            self.listed_kind or self.kind,
            vi=self.vi if label is None else "",
            words=self.words,
            catalogue=self.catalogue,
        )

    def without_personal_data(self, record: dict) -> Any:
        """What an export without personal data writes for this field of `record`."""
        if self.private is Private.CODE:
            return record["code"]
        if self.private is Private.EMPTY:
            return None
        if self.private is Private.CODE_UNLESS_PUBLIC:
            return record[self.name] if record["public"] else record["code"]
        return record[self.export_from or self.name]


class Noun:
    """A noun's fields (every key of its record, in record order) and the orders in which
    lists, cards, exports and imports show them, by field name.

    A plain class rather than a dataclass: `record` loads the nouns on every start, and a
    dataclass costs almost a millisecond to define."""

    __slots__ = (
        "card",
        "csv",
        "exported",
        "fields",
        "imported",
        "listed",
        "name",
        "options",
        "personal",
        "stored",
    )

    def __init__(
        self,
        name: str,
        fields: tuple[Field, ...],
        listed: tuple[str, ...],
        card: tuple[str, ...] = (),
        options: tuple[str, ...] = (),  # the settable fields in the order commands take them
        exported: tuple[str, ...] = (),
        personal: tuple[str, ...] = (),  # exported only with personal data, after the others
        imported: tuple[str, ...] = (),
        csv: tuple[str, ...] = (),  # the columns of `list --format csv`; by default every key
        stored: tuple[str, ...] = (),  # columns stored with a new record but not part of it
    ) -> None:
        self.name, self.fields, self.listed, self.card = name, fields, listed, card
        self.options, self.exported, self.personal = options, exported, personal
        self.imported, self.csv, self.stored = imported, csv, stored

    def __getitem__(self, name: str) -> Field:
        return self._by_name[name]

    @property
    def _by_name(self) -> dict[str, Field]:
        return {field.name: field for field in self.fields}

    def of(self, names: tuple[str, ...]) -> tuple[Field, ...]:
        by_name = self._by_name
        return tuple(by_name[name] for name in names)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields)

    @property
    def csv_keys(self) -> tuple[str, ...]:
        return self.csv or self.keys

    @property
    def settable(self) -> tuple[Field, ...]:
        """The fields a user sets, in record order."""
        return tuple(field for field in self.fields if field.check is not None)

    def columns(self, names: tuple[str, ...] | None = None) -> list["Column"]:
        """The columns of a list of the noun (by default its `listed` fields)."""
        return [field.column_of() for field in self.of(self.listed if names is None else names)]

    def export_row(self, record: dict, *, personal: bool) -> dict:
        """A record as an export writes it: the exported fields (and with personal data, the
        personal ones), personal fields replaced without it."""
        row = {}
        for field in self.of(self.exported):
            if personal:
                row[field.name] = record[field.export_from or field.name]
            else:
                row[field.name] = field.without_personal_data(record)
        if personal:
            for field in self.of(self.personal):
                row[field.name] = record[field.export_from or field.name]
        return row


def _text(what: str) -> Callable[[Any], Any]:
    """An optional free-text field, checked under the name messages give it."""
    return lambda value: optional_text(value, what)


def _flag(what: str) -> Callable[[Any], bool]:
    return lambda value: parse_flag(value, what)


# Not "Mã định danh": in Vietnam that is the citizen identity (CCCD) number.
ID = Field("id", "Id", "Mã heartlink", "id", ("ulid",))
CODE = Field("code", "Code", "Mã")

# Fields of every register of people and organisations (beneficiaries, donors).
ADDRESS = Field(
    "address",
    "Address",
    "Địa chỉ",
    "address",
    ("dia chi",),
    check=_text("address"),
    private=Private.EMPTY,
    option=Option(("--address",), "Address."),
)
PHONE = Field(
    "phone",
    "Phone",
    "Điện thoại",
    "phone",
    ("so dien thoai", "sdt", "dien thoai"),
    check=lambda value: clean_phone(value) if value.strip() else None,
    private=Private.EMPTY,
    option=Option(("--phone",), "Phone number."),
)
NOTE = Field(
    "note",
    "Note",
    "Ghi chú",
    "note",
    ("notes",),
    check=_text("note"),
    # Free text often holds health or family details.
    private=Private.EMPTY,
    option=Option(("--note",), "A note."),
)
# When a record was registered, changed and archived, and by whom.
REGISTERED = (
    Field("archived", "Archived", "Đã lưu trữ", kind="flag"),
    Field("created_at", "Registered", "Thời điểm ghi", "created_at"),
    Field("created_by", "Registered by", "Người ghi", "created_by"),
    Field("updated_at", "Updated", "Cập nhật lúc", "updated_at"),
    Field("archived_at", "Archived", "Lưu trữ lúc", "archived_at"),
)

# The columns a sheet of beneficiaries is made of, first in every export and import.
_BENEFICIARY_SHEET = (
    "name",
    "categories",
    "born",
    "group",
    "address",
    "phone",
    "school",
    "note",
    "consent",
)
BENEFICIARY = Noun(
    "beneficiary",
    (
        ID,
        CODE,
        Field(
            "name",
            "Name",
            "Họ tên",
            "name",
            ("ho va ten", "ten", "full name"),
            required=True,
            check=lambda value: require_text(value, "name"),
            private=Private.CODE,
            option=Option(("--name",), "New name."),
        ),
        Field(
            "household",
            "Household",
            # Not "hộ" alone: it folds to "ho", the surname column (Họ) of many sheets.
            "Hộ gia đình",
            "is_household",
            ("ho gia dinh",),
            kind="flag",
            check=_flag("household"),
            option=Option(
                ("--household/--person",), "A household rather than one person.", switch=True
            ),
        ),
        Field(
            "categories",
            "Categories",
            "Nhóm đối tượng",
            None,  # rows of beneficiary_category
            ("category", "doi tuong", "phan loai"),
            kind="list",
            check=list,  # checked against the catalogue by beneficiaries.check_fields
            catalogue="category",
            option=Option(
                ("--category", "-c"),
                "poor-household, near-poor-household, orphan, student, patient, after-rehab, "
                "elderly, disabled or other (see `heartlink category list`); repeat for several.",
                parameter="category",
                repeated=True,
            ),
        ),
        Field(
            "born",
            "Born",
            "Năm sinh",
            "born",
            ("birth year", "year of birth", "sinh nam"),
            check=lambda value: parse_born(value) if str(value).strip() else None,
            option=Option(("--born",), "Year of birth."),
        ),
        Field(
            "group",
            "Group",
            "Tổ dân phố",
            "residential_group",
            ("to", "residential group", "to dan pho"),
            check=lambda value: clean_group(value) or None,
            option=Option(("--group", "-g"), 'Residential group (tổ dân phố): "tổ 39" or 39.'),
        ),
        ADDRESS,
        PHONE,
        Field(
            "school",
            "School",
            "Trường",
            "school",
            ("truong hoc",),
            check=_text("school"),
            option=Option(("--school",), "School, for students."),
        ),
        NOTE,
        Field(
            "consent",
            "Consent",
            "Đồng ý lưu dữ liệu",
            "consent",
            ("dong y",),
            kind="flag",
            check=_flag("consent"),
            option=Option(
                ("--consent/--no-consent",),
                "Whether they agreed to having their data kept.",
                switch=True,
            ),
        ),
        *REGISTERED,
    ),
    listed=("code", "name", "categories", "born", "group", "school"),
    options=(
        "name",
        "categories",
        "born",
        "group",
        "address",
        "phone",
        "school",
        "note",
        "consent",
        "household",
    ),
    card=(
        "code",
        "name",
        "household",
        "categories",
        "born",
        "group",
        "address",
        "phone",
        "school",
        "note",
        "consent",
        "archived_at",
        "created_at",
    ),
    exported=(
        *_BENEFICIARY_SHEET,
        "id",
        "code",
        "household",
        "archived",
        "created_at",
    ),
    imported=(*_BENEFICIARY_SHEET, "id", "household"),
)


def beneficiary_profile(row: sqlite3.Row) -> dict:
    """A beneficiary's record (BENEFICIARY's keys, in order) from their row of the table, with
    `category_list` (their categories joined by ';')."""
    profile = {
        field.name: row[field.column] for field in BENEFICIARY.fields if field.column is not None
    }
    profile["code"] = ids.short_code(row["id"])
    profile["household"] = bool(row["is_household"])
    profile["categories"] = sorted(row["category_list"].split(";")) if row["category_list"] else []
    profile["consent"] = None if row["consent"] is None else bool(row["consent"])
    profile["archived"] = row["archived_at"] is not None
    return {name: profile[name] for name in BENEFICIARY.keys}


# The fields every append-only entry (heartlink.entries) has alike.
# The kind's, in English.
_UNIT = Field("unit", "Unit", "Đơn vị", sql="k.unit_en", catalogue="unit")
_VALUE = Field(
    "value_vnd",
    "Value",
    "Giá trị (đồng)",
    "value_vnd",
    ("value", "gia tri", "gia tri vnd", "thanh tien"),
    kind="money",
)
# Checked when a row names one (an imported sheet); commands check --by themselves.
_OFFICER = Field(
    "officer",
    "Officer",
    "Cán bộ ghi",
    "officer",
    ("can bo", "by"),
    what="officer name",
    check=_text("officer name"),
)
_RECORDED = (
    Field("created_at", "Recorded", "Thời điểm ghi", "created_at"),
    Field("voided_at", "Voided at", "Hủy lúc", "voided_at"),
    Field("voided_by", "Voided by", "Người hủy", "voided_by"),
    Field("void_reason", "Void reason", "Lý do hủy", "void_reason"),
    Field("import_key", "Import key", "Khóa nhập", "import_key"),
)
_VOIDED = Field("voided", "Voided", "Đã hủy", kind="flag")

# The columns a sheet of handouts is made of, first in every export and import.
_HANDOUT_SHEET = (
    "date",
    "kind",
    "count",
    "beneficiary",
    "programme",
    "place",
    "value_vnd",
    "note",
)
HANDOUT = Noun(
    "handout",
    (
        ID,
        Field(
            "date",
            "Date",
            "Ngày",
            "date",
            ("ngay trao", "ngay phat"),
            required=True,
            kind="date",
            listed_kind="text",
        ),
        Field(
            "kind",
            "Kind",
            "Loại",
            "kind",
            ("loai qua", "hang", "vat pham", "item"),
            required=True,
            catalogue="kind",
        ),
        Field("count", "Count", "Số lượng", "count", ("sl", "quantity"), True, "number"),
        _UNIT,
        Field(
            "programme",
            "Programme",
            "Chương trình",
            "programme",
            ("program", "chuong trinh"),
            catalogue="programme",
        ),
        Field("beneficiary_id", "To", "Người nhận (id)", "beneficiary_id"),
        _VALUE,
        Field("place", "Place", "Địa điểm", "place", ("noi trao", "where"), check=_text("place")),
        Field("note", "Note", "Ghi chú", "note", ("notes",), check=_text("note")),
        _OFFICER,
        *_RECORDED,
        CODE,
        # In lists the beneficiary's code; in exports their id, never their name.
        Field(
            "beneficiary",
            "To",
            "Người nhận",
            aliases=("ma nguoi nhan", "doi tuong"),
            export_from="beneficiary_id",
        ),
        _VOIDED,
        # Not a key of the record: exported with personal data, from the beneficiary's row.
        Field("beneficiary_name", vi="Họ tên người nhận"),
    ),
    listed=(
        "code",
        "date",
        "kind",
        "count",
        "unit",
        "programme",
        "beneficiary",
        "value_vnd",
        "place",
    ),
    exported=(*_HANDOUT_SHEET, "id", "unit", "created_at", "import_key"),
    personal=("beneficiary_name", "officer"),
    imported=(*_HANDOUT_SHEET, "id", "officer", "created_at", "import_key"),
    csv=(
        "id",
        "date",
        "kind",
        "count",
        "unit",
        "programme",
        "beneficiary_id",
        "value_vnd",
        "place",
        "note",
        "officer",
        "created_at",
        "voided",
        "voided_at",
        "voided_by",
        "void_reason",
    ),
    stored=("year",),
)


DONOR_TYPES = ("officer", "individual", "organisation", "business")
# The types as people read them in a table.
DONOR_TYPE_NAMES = {
    "officer": N_("officer"),
    "individual": N_("individual"),
    "organisation": N_("organisation"),
    "business": N_("business"),
}
# How a donation came, as tables for people name it (the stored value is the English word).
METHOD_NAMES = {"cash": N_("cash"), "bank": N_("bank"), "in-kind": N_("in-kind")}
# The Vietnamese words a sheet may say instead, accents and case ignored.
_DONOR_TYPE_WORDS = {
    "can bo": "officer",
    "can bo, chien si": "officer",
    "ca nhan": "individual",
    "to chuc": "organisation",
    "organization": "organisation",
    "doanh nghiep": "business",
}


def parse_donor_type(text: str) -> str:
    """A donor's type: officer, individual, organisation or business (or its Vietnamese)."""
    word = " ".join(fold(text).split())
    word = _DONOR_TYPE_WORDS.get(word, word)
    if word not in DONOR_TYPES:
        raise InputError(_("type must be one of {types}").format(types=", ".join(DONOR_TYPES)))
    return word


# The columns a sheet of donors is made of, first in every export and import.
_DONOR_SHEET = ("name", "type", "public", "phone", "address", "note")
DONOR = Noun(
    "donor",
    (
        ID,
        CODE,
        Field(
            "name",
            "Name",
            "Họ tên",
            "name",
            ("ho va ten", "ten", "full name", "nha hao tam", "ten nha hao tam"),
            required=True,
            check=lambda value: require_text(value, "name"),
            private=Private.CODE_UNLESS_PUBLIC,
            option=Option(("--name",), "New name."),
        ),
        Field(
            "type",
            "Type",
            "Loại nhà hảo tâm",
            "type",
            ("loai",),
            required=True,
            check=parse_donor_type,
            option=Option(("--type", "-t"), "officer, individual, organisation or business."),
            words=DONOR_TYPE_NAMES,
        ),
        Field(
            "public",
            "Public",
            "Công khai tên",
            "public",
            ("cong khai",),
            kind="flag",
            check=_flag("public"),
            option=Option(
                ("--public/--private",),
                "Whether they agreed to be named in public statements (default: private).",
                switch=True,
            ),
        ),
        PHONE,
        ADDRESS,
        NOTE,
        *REGISTERED,
    ),
    listed=("code", "name", "type", "public"),
    options=("name", "type", "public", "phone", "address", "note"),
    card=(
        "code",
        "name",
        "type",
        "public",
        "phone",
        "address",
        "note",
        "archived_at",
        "created_at",
    ),
    exported=(*_DONOR_SHEET, "id", "code", "archived", "created_at"),
    imported=(*_DONOR_SHEET, "id"),
)


def donor_profile(row: sqlite3.Row) -> dict:
    """A donor's record (DONOR's keys, in order) from their row of the table."""
    profile = {field.name: row[field.column] for field in DONOR.fields if field.column is not None}
    profile["code"] = ids.short_code(row["id"])
    profile["public"] = bool(row["public"])
    profile["archived"] = row["archived_at"] is not None
    return {name: profile[name] for name in DONOR.keys}


# The columns a sheet of spending is made of, first in every export and import.
_SPENDING_SHEET = (
    "date",
    "programme",
    "amount_vnd",
    "purpose",
    "buys_kind",
    "quantity",
    "reference",
    "note",
)
SPENDING = Noun(
    "spending",
    (
        ID,
        Field(
            "date",
            "Date",
            "Ngày",
            "date",
            ("ngay chi",),
            required=True,
            kind="date",
            listed_kind="text",
        ),
        Field(
            "programme",
            "Fund",
            "Quỹ (chương trình)",
            "programme",
            ("programme", "program", "chuong trinh", "quy", "fund"),
            required=True,
            catalogue="programme",
        ),
        Field(
            "amount_vnd",
            "Amount",
            "Số tiền (đồng)",
            "amount_vnd",
            ("amount", "so tien", "thanh tien"),
            required=True,
            kind="money",
        ),
        Field(
            "purpose",
            "For",
            "Nội dung chi",
            "purpose",
            ("for", "noi dung", "muc dich"),
            required=True,
            check=lambda value: require_text(value, "purpose"),
        ),
        Field(
            "buys_kind",
            "Buys",
            "Mua (loại)",
            "buys_kind",
            ("buys", "mua", "loai"),
            catalogue="kind",
        ),
        Field("quantity", "Quantity", "Số lượng", "quantity", ("sl",), kind="number"),
        Field(
            "reference",
            "Reference",
            "Số chứng từ",
            "reference",
            ("so chung tu", "chung tu", "hoa don"),
            check=_text("reference"),
        ),
        Field("note", "Note", "Ghi chú", "note", ("notes",), check=_text("note")),
        Field(
            "officer",
            "Officer",
            "Cán bộ ghi",
            "officer",
            ("can bo", "by"),
            what="officer name",
            check=_text("officer name"),
        ),
        Field("created_at", "Recorded", "Thời điểm ghi", "created_at"),
        Field("voided_at", "Voided at", "Hủy lúc", "voided_at"),
        Field("voided_by", "Voided by", "Người hủy", "voided_by"),
        Field("void_reason", "Void reason", "Lý do hủy", "void_reason"),
        Field("import_key", "Import key", "Khóa nhập", "import_key"),
        CODE,
        Field("voided", "Voided", "Đã hủy", kind="flag"),
    ),
    listed=("code", "date", "programme", "amount_vnd", "purpose", "buys_kind", "quantity"),
    exported=(*_SPENDING_SHEET, "id", "created_at", "import_key"),
    personal=("officer",),
    imported=(*_SPENDING_SHEET, "id", "officer", "created_at", "import_key"),
    csv=(
        "id",
        *_SPENDING_SHEET,
        "officer",
        "created_at",
        "voided",
        "voided_at",
        "voided_by",
        "void_reason",
    ),
    stored=("year",),
)


# The columns a sheet of donations is made of, first in every export and import.
_DONATION_SHEET = (
    "date",
    "kind",
    "count",
    "donor",
    "programme",
    "method",
    "value_vnd",
    "reference",
    "note",
)
DONATION = Noun(
    "donation",
    (
        ID,
        Field(
            "date",
            "Date",
            "Ngày",
            "date",
            ("ngay nhan", "ngay thu"),
            required=True,
            kind="date",
            listed_kind="text",
        ),
        Field(
            "kind",
            "Kind",
            "Loại",
            "kind",
            ("loai", "hang", "vat pham", "item"),
            True,
            catalogue="kind",
        ),
        # For money (the kind cash) the amount in VND.
        Field("count", "Count", "Số lượng", "count", ("sl", "quantity", "so tien"), True, "number"),
        _UNIT,
        Field(
            "programme",
            "Fund",
            "Quỹ",
            "programme",
            ("program", "chuong trinh", "fund"),
            catalogue="programme",
        ),
        Field("donor_id", "From", "Nhà hảo tâm (id)", "donor_id"),
        Field(
            "method",
            "Method",
            "Hình thức",
            "method",
            ("hinh thuc nhan", "phuong thuc"),
            words=METHOD_NAMES,
        ),
        _VALUE,
        # A bank transfer's reference often carries the sender's name: personal data.
        Field(
            "reference",
            "Reference",
            "Số chứng từ",
            "reference",
            ("chung tu", "ma giao dich", "noi dung"),
            check=_text("reference"),
            private=Private.EMPTY,
        ),
        Field(
            "note",
            "Note",
            "Ghi chú",
            "note",
            ("notes",),
            check=_text("note"),
            private=Private.EMPTY,
        ),
        _OFFICER,
        *_RECORDED,
        CODE,
        # In lists the donor's code; in exports their id, their name only with personal data.
        Field(
            "donor",
            "From",
            "Nhà hảo tâm",
            aliases=("ma nha hao tam", "nguoi ung ho", "from"),
            export_from="donor_id",
        ),
        _VOIDED,
        # Not a key of the record: exported with personal data, from the donor's row.
        Field("donor_name", vi="Tên nhà hảo tâm"),
    ),
    listed=(
        "code",
        "date",
        "kind",
        "count",
        "unit",
        "programme",
        "donor",
        "method",
        "value_vnd",
    ),
    exported=(*_DONATION_SHEET, "id", "unit", "created_at", "import_key"),
    personal=("donor_name", "officer"),
    imported=(*_DONATION_SHEET, "id", "officer", "created_at", "import_key"),
    csv=(
        "id",
        "code",
        "date",
        "kind",
        "count",
        "unit",
        "programme",
        "donor_id",
        "method",
        "value_vnd",
        "reference",
        "note",
        "officer",
        "created_at",
        "voided",
        "voided_at",
        "voided_by",
        "void_reason",
    ),
    stored=("year",),
)


# A sponsorship as `sponsorship list` gives it: its terms and its figures today
# (heartlink.sponsorships). The beneficiary and the donor by their codes, never their names.
# A sponsorship's codes as people read them (the stored values stay in JSON and CSV).
PERIOD_WORDS = {"month": N_("month"), "quarter": N_("quarter"), "year": N_("year")}
PAY_OUT_WORDS = {
    "monthly": N_("monthly"),
    "quarterly": N_("quarterly"),
    "yearly": N_("yearly"),
}
# The sponsor of a sponsorship paid from the station's own funds (heartlink.sponsorships.STATION).
SPONSOR_WORDS = {"station": N_("the station's funds")}
STATUS_WORDS = {"active": N_("active"), "ended": N_("ended"), "overdue": N_("overdue")}

SPONSORSHIP = Noun(
    "sponsorship",
    (
        ID,
        CODE,
        Field("beneficiary", "Beneficiary", "Người nhận"),
        Field("sponsor", "Sponsor", "Nhà tài trợ", words=SPONSOR_WORDS),
        Field("programme", "Programme", "Chương trình", catalogue="programme"),
        Field("amount_vnd", "Amount", "Số tiền (đồng)", kind="money"),
        Field("per", "Per", "Mỗi", words=PERIOD_WORDS),
        Field("pay_out", "Paid", "Chi trả", words=PAY_OUT_WORDS),
        Field("start", "From", "Từ tháng"),
        Field("end", "Until", "Đến ngày", kind="date"),
        Field("pledged_vnd", "Pledged", "Đã cam kết", kind="money"),
        Field("received_vnd", "Received", "Đã nhận", kind="money"),
        Field("owed_vnd", "Owed", "Còn nợ", kind="money"),
        Field("sponsor_overdue_vnd", "Sponsor overdue", "Nhà tài trợ quá hạn", kind="money"),
        Field("paid_out_vnd", "Paid out", "Đã chi", kind="money"),
        Field("held_vnd", "Held", "Đang giữ", kind="money"),
        Field("advanced_vnd", "Advanced", "Đã ứng", kind="money"),
        Field("overdue_vnd", "Overdue", "Quá hạn", kind="money"),
        Field("next_due", "Next due", "Hạn tới", kind="date"),
        Field("next_due_vnd", "Next amount", "Số tiền tới", kind="money"),
        Field("credit_vnd", "Unallocated", "Chưa phân bổ", kind="money"),
        Field("received_credit_vnd", "Unallocated received", "Đã nhận chưa phân bổ", kind="money"),
        Field("ended", "Ended", "Đã kết thúc", kind="flag"),
        Field("status", "Status", "Trạng thái", words=STATUS_WORDS),
    ),
    listed=(
        "code",
        "beneficiary",
        "sponsor",
        "amount_vnd",
        "per",
        "pledged_vnd",
        "received_vnd",
        "paid_out_vnd",
        "held_vnd",
        "next_due",
        "next_due_vnd",
        "overdue_vnd",
        "status",
    ),
)
