"""What an import says, in Vietnamese: the sentence of what was (or would be) imported, the
rows and columns its problems name, the number of problems, the figures of a total that
disagrees."""

HANDOUTS = "date;kind;count\n06/03/2023;Suất cơm;1200\n06/03/2023;nước chanh;50\n"


def test_the_sentence_of_an_import_is_in_vietnamese(ok, tmp_path):
    sheet = tmp_path / "trao.csv"
    sheet.write_text(HANDOUTS + "Tổng cộng;;9999\n", encoding="utf-8")
    dry = ok("--lang", "vi", "import", "handouts", str(sheet), "--dry-run").stderr
    assert "Sẽ nhập 2 lượt trao trong số 2 dòng của trao.csv" in dry
    assert "Would import" not in dry and "handouts of" not in dry
    # The figures of a total that disagrees are written as Vietnamese write them.
    assert "tổng của cột count là 9.999, nhưng các dòng phía trên cộng lại được 1.250" in dry
    sheet.write_text(HANDOUTS, encoding="utf-8")
    done = ok("--lang", "vi", "import", "handouts", str(sheet)).stderr
    assert "Đã nhập 2 lượt trao trong số 2 dòng của trao.csv." in done
    english = ok("import", "handouts", str(sheet)).stderr
    assert "Imported 0 handouts of 2 rows from trao.csv; 2 already imported, skipped." in english


def test_the_problems_of_a_sheet_name_row_and_column_in_vietnamese(run, tmp_path):
    sheet = tmp_path / "h3.csv"
    sheet.write_text("date;kind;count\n;meal;abc\n", encoding="utf-8")
    result = run("--lang", "vi", "import", "handouts", str(sheet))
    assert result.exit_code == 1
    assert "  dòng 2, cột date: " in result.stderr
    assert "  dòng 2, cột count: " in result.stderr
    assert "row 2" not in result.stderr
    # Two problems: the file's name is not followed by an English plural 's'.
    assert "Lỗi: 2 lỗi trong h3.csv; chưa nhập gì." in result.stderr
    english = run("import", "handouts", str(sheet)).stderr
    assert "  row 2, column date: " in english
    assert "Error: 2 problems in h3.csv; nothing was imported." in english
    sheet.write_text("date;kind;count\n06/03/2023;meal;abc\n", encoding="utf-8")
    assert (
        "Error: 1 problem in h3.csv; nothing was imported."
        in run("import", "handouts", str(sheet)).stderr
    )
