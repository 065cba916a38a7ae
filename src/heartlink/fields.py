"""The columns of handout and beneficiary sheets, shared by export and import.

Exports write the canonical columns first, then `id` and the others, under the English name or
(with --lang vi) the Vietnamese heading; import reads either, and the other spellings listed
here, ignoring case, accents, spaces and punctuation: "Số lượng", "so luong" and "SO_LUONG"
are one column. So every export imports back, and old sheets typed by hand mostly do too.
"""

import re
from dataclasses import dataclass

from heartlink.i18n import Lang
from heartlink.text import fold


@dataclass(frozen=True)
class Field:
    name: str  # the canonical English header, also the key of exported rows
    vi: str  # the Vietnamese header
    aliases: tuple[str, ...] = ()  # other headers accepted on import
    required: bool = False

    def heading(self, lang: Lang | str) -> str:
        return self.vi if lang == Lang.vi else self.name


def header_key(text: object) -> str:
    """A header in the form headers are compared in: "Giá trị (đồng)" -> "gia tri dong"."""
    return re.sub(r"[^a-z0-9]+", " ", fold(str(text or ""))).strip()


# Not "Mã định danh": in Vietnam that is the citizen identity (CCCD) number.
ID = Field("id", "Mã heartlink", ("ulid",))

HANDOUT = (
    Field("date", "Ngày", ("ngay trao", "ngay phat"), required=True),
    Field("kind", "Loại", ("loai qua", "hang", "vat pham", "item"), required=True),
    Field("count", "Số lượng", ("sl", "quantity"), required=True),
    Field("beneficiary", "Người nhận", ("ma nguoi nhan", "doi tuong")),
    Field("programme", "Chương trình", ("program", "chuong trinh")),
    Field("place", "Địa điểm", ("noi trao", "where")),
    Field("value_vnd", "Giá trị (đồng)", ("value", "gia tri", "gia tri vnd", "thanh tien")),
    Field("note", "Ghi chú", ("notes",)),
)
# Read on import when present; written by export after the canonical columns.
HANDOUT_OFFICER = Field("officer", "Cán bộ ghi", ("can bo", "by"))
# Written by export; import reads created_at and import_key back (HANDOUT_HISTORY).
HANDOUT_EXTRA = (
    Field("unit", "Đơn vị"),
    Field("created_at", "Thời điểm ghi"),
    Field("import_key", "Khóa nhập"),
)
# Read back on import, so that an export imported into a new database keeps its history.
HANDOUT_HISTORY = HANDOUT_EXTRA[1:]
HANDOUT_PERSONAL = (Field("beneficiary_name", "Họ tên người nhận"), HANDOUT_OFFICER)

BENEFICIARY = (
    Field("name", "Họ tên", ("ho va ten", "ten", "full name"), required=True),
    Field("categories", "Nhóm đối tượng", ("category", "doi tuong", "phan loai")),
    Field("born", "Năm sinh", ("birth year", "year of birth", "sinh nam")),
    Field("group", "Tổ dân phố", ("to", "residential group", "to dan pho")),
    Field("address", "Địa chỉ", ("dia chi",)),
    Field("phone", "Điện thoại", ("so dien thoai", "sdt", "dien thoai")),
    Field("school", "Trường", ("truong hoc",)),
    Field("note", "Ghi chú", ("notes",)),
    Field("consent", "Đồng ý lưu dữ liệu", ("dong y",)),
)
# Not "hộ" alone: it folds to "ho", the surname column (Họ) of many sheets.
BENEFICIARY_HOUSEHOLD = Field("household", "Hộ gia đình", ("ho gia dinh",))
BENEFICIARY_EXTRA = (
    Field("code", "Mã"),
    BENEFICIARY_HOUSEHOLD,
    Field("archived", "Đã lưu trữ"),
    Field("created_at", "Thời điểm ghi"),
)


def lookup(fields: tuple[Field, ...]) -> dict[str, str]:
    """Every accepted spelling of the fields' headers (as header_key gives it) -> field name."""
    spellings: dict[str, str] = {}
    for field in fields:
        for spelling in (field.name, field.vi, *field.aliases):
            spellings.setdefault(header_key(spelling), field.name)
    return spellings
