"""CSV downloads open right in spreadsheets, and uploads from Excel or WPS are read back."""

from __future__ import annotations

import csv
import io

import pytest

from storefront.spreadsheets import UnreadableFileError, cell_value, csv_download, csv_text, decode_upload


def test_a_download_starts_with_a_bom_and_defuses_formulas():
    text = csv_text(
        ["name", "note"], [["东北黑蜂蜂蜜", '=HYPERLINK("http://x")'], ["-5", "+1"], ["@SUM(A1)", "ok"]]
    )
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows == [
        ["name", "note"],
        ["东北黑蜂蜂蜜", '\'=HYPERLINK("http://x")'],
        ["-5", "'+1"],
        ["'@SUM(A1)", "ok"],
    ]
    assert [cell_value(value) for value in rows[1]] == ["东北黑蜂蜂蜜", '=HYPERLINK("http://x")']


def test_an_apostrophe_typed_by_a_person_is_kept():
    assert cell_value("'tis the season") == "'tis the season"


def test_a_download_is_an_attachment_with_its_name():
    response = csv_download("订单.csv", ["a"], [[1]])
    assert response.headers["Content-Disposition"] == "attachment; filename*=UTF-8''%E8%AE%A2%E5%8D%95.csv"
    assert response.media_type.startswith("text/csv")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_uploads_saved_by_excel_or_wps_are_read(encoding):
    assert decode_upload("名称,价格\n椴树雪蜜,68.00\n".encode(encoding)) == "名称,价格\n椴树雪蜜,68.00\n"


def test_a_binary_file_is_unreadable():
    with pytest.raises(UnreadableFileError):
        decode_upload(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x80\x81")


def test_negative_numbers_stay_numbers_a_spreadsheet_can_add_up():
    text = csv_text(
        ["day", "sales", "growth"], [["2026-11-29", "-12.80", "-50.0%"], ["2026-11-30", -3, "-1x"]]
    )
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[1:] == [["2026-11-29", "-12.80", "-50.0%"], ["2026-11-30", "-3", "'-1x"]]
