"""A beneficiary list as an office keeps it in a CSV saved by Excel in a Vietnamese locale:
a title and a blank row above the header, semicolons, an STT column, Vietnamese headings and
category words, a phone that lost its leading zero, a total row and a signature block."""

import json

OFFICE_LIST = (
    "DANH SÁCH NGƯỜI NHẬN HỖ TRỢ NĂM 2023\n"
    "\n"
    "STT;Họ và tên;Nhóm đối tượng;Năm sinh;Tổ;Điện thoại\n"
    "1;Nguyễn Văn An;Hộ nghèo;1960;tổ 8;935123456\n"
    "2;Lê Thị Bình;Mồ côi;2012;Tổ 08;\n"
    "3;Trần Văn Cường;Người cao tuổi;1940;8;\n"
    "Tổng cộng;;;;;\n"
    "\n"
    "Người lập biểu;;;Thủ trưởng đơn vị;;\n"
    "(Ký, ghi rõ họ tên);;;;;\n"
)


def test_a_title_row_above_the_header_does_not_decide_the_delimiter(ok, tmp_path):
    sheet = tmp_path / "danh-sach.csv"
    sheet.write_text(OFFICE_LIST, encoding="utf-8")
    result = ok("import", "beneficiaries", str(sheet))
    assert "row 7: a total row, left out" in result.stderr
    people = json.loads(ok("beneficiary", "list", "--format", "json", "--sort", "name").stdout)
    assert [p["name"] for p in people] == ["Nguyễn Văn An", "Lê Thị Bình", "Trần Văn Cường"]
    assert [p["categories"] for p in people] == [["poor-household"], ["orphan"], ["elderly"]]
    assert {p["group"] for p in people} == {"tổ 8"}


def test_a_comma_file_with_a_title_row_is_still_read_with_commas(ok, tmp_path):
    sheet = tmp_path / "list.csv"
    sheet.write_text(
        "Beneficiaries; 2023\n\nname,categories,group\nNguyễn Văn An,orphan,tổ 8\n",
        encoding="utf-8",
    )
    ok("import", "beneficiaries", str(sheet))
    people = json.loads(ok("beneficiary", "list", "--format", "json").stdout)
    assert [(p["name"], p["group"]) for p in people] == [("Nguyễn Văn An", "tổ 8")]


def test_the_amount_in_words_under_the_total_ends_the_data(ok, tmp_path):
    sheet = tmp_path / "chi-tien.csv"
    sheet.write_text(
        "STT;Ngày;Loại;Số lượng;Ghi chú\n"
        "1;05/01/2023;Tiền mặt;500.000;Tháng 1\n"
        "2;05/02/2023;Tiền mặt;500.000;Tháng 2\n"
        "Tổng cộng;;;1.000.000;\n"
        "Bằng chữ: Một triệu đồng chẵn;;;;\n"
        "Người lập biểu;;;;\n",
        encoding="utf-8",
    )
    result = ok("import", "handouts", str(sheet), "--format", "json")
    summary = result.json()
    assert summary["imported"] == 2
    assert [(r["first_row"], r["last_row"], r["reason"]) for r in summary["left_out"]] == [
        (4, 4, "total"),
        (5, 6, "below"),
    ]
    assert not summary.get("total_mismatches"), "the total is checked against both rows"


def test_the_amount_in_words_alone_ends_the_data(ok, tmp_path):
    sheet = tmp_path / "chi-tien.csv"
    sheet.write_text(
        "Ngày;Loại;Số lượng\n05/01/2023;Tiền mặt;500.000\nBằng chữ: Năm trăm nghìn đồng;;\n",
        encoding="utf-8",
    )
    printed = ok("import", "handouts", str(sheet)).stderr
    assert "row 3: the amount in words, left out" in printed
