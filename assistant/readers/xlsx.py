""".xlsx: every sheet's rows in order, one project per sheet or all tables on one sheet.

A merged range is read the way the Word text export shows it: its text once in the top-left cell,
an empty cell where it continues down a row, nothing where it continues to the right. Control
characters (Excel stores them as _x0007_ escapes) are removed. Sizes were checked before the workbook
was loaded (limits.check_sheets). A row whose
only text sits in its first cell (a title, or the 第一部分 text one paragraph per row) is a paragraph.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from ..errors import InputError
from ..models import SourceLocation
from .layout import UNIT_CELL, Block, is_label
from .normalize import clean_control

_NOT_XLSX = "文件「{name}」不是有效的 Excel 工作簿（.xlsx），可能已损坏或只是改了扩展名。请用 Excel 打开后另存为 .xlsx 再试。"
_SKIP, _DOWN = 1, 2


def _open(data: bytes, name: str):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise InputError(f"文件「{name}」是旧版 Excel 格式（.xls）。请在 Excel 中另存为 .xlsx 后再上传。")
        raise InputError(_NOT_XLSX.format(name=name))
    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, InvalidFileException, OSError) as e:
        raise InputError(_NOT_XLSX.format(name=name)) from e
    except Exception as e:  # damaged XML parts inside the package
        raise InputError(f"文件「{name}」内容已损坏，无法读取。请用 Excel 打开修复后另存再试。") from e


def cell_text(cell) -> str:
    """A cell as the text a person sees: 25% for 0.25 formatted as a percentage, 6 for 6.0."""
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, dt.datetime | dt.date):
        return f"{v.year}年{v.month}月{v.day}日"
    if isinstance(v, int | float):
        if "%" in (cell.number_format or ""):
            v = v * 100
        text = str(int(v)) if float(v).is_integer() else f"{v:.10g}"
        return text + ("%" if "%" in (cell.number_format or "") else "")
    return str(v)


def _merge_spans(ws) -> dict[int, list[tuple[int, int, int]]]:
    """Per sheet row, the merged ranges crossing it as (top row, left column, right column): one entry
    per row a range spans, not per cell it covers."""
    spans: dict[int, list[tuple[int, int, int]]] = {}
    last = ws.max_row
    for rng in ws.merged_cells.ranges:
        for r in range(rng.min_row, min(rng.max_row, last) + 1):
            spans.setdefault(r, []).append((rng.min_row, rng.min_col, rng.max_col))
    return spans


def _role(spans: list[tuple[int, int, int]], r: int, c: int) -> int | None:
    for top, left, right in spans:
        if left <= c <= right and (r, c) != (top, left):
            return _DOWN if (c == left and r > top) else _SKIP
    return None


def _is_paragraph(cells: list[str]) -> bool:
    text = [c for c in cells if c.strip()]
    if len(text) != 1 or not cells[0].strip():
        return False
    first = cells[0].strip()
    return not (
        UNIT_CELL.match(first)
        or is_label(first, "单位:万元", "单位：万元", "预算单位", "项目名称", "项目编码")
    )


def xlsx_blocks(data: bytes, name: str) -> list[Block]:
    """Rows of every sheet in workbook order. SourceLocation: sheet = sheet name, row = row number."""
    wb = _open(data, name)
    blocks: list[Block] = []
    try:
        for ws in wb.worksheets:
            spans = _merge_spans(ws)
            for r, row in enumerate(ws.iter_rows(), start=1):
                cells: list[str] = []
                crossing = spans.get(r, ())
                for cell in row:
                    role = _role(crossing, r, cell.column) if crossing else None
                    if role == _SKIP:
                        continue
                    cells.append("" if role == _DOWN else clean_control(cell_text(cell)))
                if not any(c.strip() for c in cells):
                    continue
                loc = SourceLocation(file=name, sheet=ws.title, row=r)
                if _is_paragraph(cells):
                    blocks.append(Block(cells=[cells[0]], is_row=False, loc=loc))
                else:
                    blocks.append(Block(cells=cells, is_row=True, loc=loc))
    except (KeyError, ValueError, TypeError, AttributeError) as e:
        raise InputError(f"文件「{name}」的工作表无法读取。请用 Excel 打开后另存为 .xlsx 再试。") from e
    finally:
        wb.close()
    return blocks
