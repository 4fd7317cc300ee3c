"""CSV files admins download and upload: opened right by Excel and WPS, and harmless to open.

Downloads are UTF-8 with a byte order mark (without it, Excel on a Chinese Windows reads UTF-8 as
GBK). A cell that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) is written with a leading apostrophe, which spreadsheets show as text;
:func:`cell_value` takes it off again when such a file is uploaded.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from litestar import Response

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


class UnreadableFileError(ValueError):
    """The upload is neither UTF-8 nor GB18030 (GBK) text."""


NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?%?")


def safe_cell(value: object) -> str:
    """A value as a cell no spreadsheet runs as a formula; a number (-12.80 too) stays a number."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(text) else text


def cell_value(text: str) -> str:
    """What :func:`safe_cell` wrote, back to the value (other cells unchanged)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(name) for name in header])
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return BOM + buffer.getvalue()


def csv_download(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    """A CSV attachment named ``filename`` (UTF-8 with BOM, formulas defused)."""
    return Response(
        csv_text(header, rows).encode(),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


def decode_upload(raw: bytes) -> str:
    """An uploaded CSV as text: UTF-8 (with or without BOM), else GB18030 (what WPS and Excel save)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFileError
