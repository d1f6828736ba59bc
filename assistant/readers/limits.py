"""Input limits (settings.max_*), checked before the work they guard, each refusal a LimitError naming
the numbers: the file's size; a .docx/.xlsx's uncompressed size, read from the zip directory before
anything is inflated; a worksheet's rows, columns and cells, counted by streaming its XML before the
workbook is loaded; the text of a .txt; and, once the rows are read, characters per cell, columns and
cells per table, tables per document. Memory stays bounded (the largest accepted input is measured in
benchmarks/RESULTS.md) and time stays linear in what is accepted.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import iterparse

from ..errors import LimitError
from ..settings import Settings, get_settings
from .layout import HARD, Block

MB = 1024 * 1024
MAX_MEMBERS = 5_000  # parts in one .docx/.xlsx (Word and Excel write a few dozen)
_SHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_COLUMN = re.compile(r"^([A-Z]{1,3})")
_HINT = "请拆分文件后再上传，或请管理员调整 {var}。"


def _refuse(
    name: str,
    what: str,
    value: float | int,
    limit: float | int,
    var: str,
    unit: str = "",
    at_least: bool = False,
) -> LimitError:
    """文件「x」<what>为 <value><unit>，超过 <limit><unit> 上限。 with what to do next."""
    shown = f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
    cap = f"{limit:g}" if isinstance(limit, float) else f"{limit:,}"
    sep = " " if unit.strip().isascii() else ""  # 超过 30 MB 上限, 超过 50 列上限
    return LimitError(
        f"文件「{name}」{what}{'至少' if at_least else ''}为 {shown}{unit}，超过 {cap}{unit}{sep}上限。"
        + (_HINT.format(var=var) if var else "请用 Word/Excel 打开后另存，再上传。")
    )


def check_size(data: bytes, name: str, s: Settings | None = None) -> None:
    s = s or get_settings()
    if len(data) > s.max_file_mb * MB:
        raise _refuse(name, "大小", len(data) / MB, float(s.max_file_mb), "JIXIAO_MAX_FILE_MB", " MB")


def check_zip(data: bytes, name: str, s: Settings | None = None) -> None:
    """The zip directory of a .docx/.xlsx: how much it would inflate to (a zip bomb is refused here,
    before a byte is inflated). A damaged zip passes: the format reader explains it."""
    s = s or get_settings()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    if len(infos) > MAX_MEMBERS:
        raise _refuse(name, "压缩包内的部件数", len(infos), MAX_MEMBERS, "", " 个")
    total = sum(i.file_size for i in infos)
    if total > s.max_unzipped_mb * MB:
        raise _refuse(
            name, "解压后的大小", total / MB, float(s.max_unzipped_mb), "JIXIAO_MAX_UNZIPPED_MB", " MB"
        )


def _parts(stream) -> Iterator[tuple[str, int, int, int]]:
    """("row", filled cells, last column, row number) for each <row> and ("merge", cells covered, 0, 0)
    for each <mergeCell>, streaming: memory stays bounded however large the sheet."""
    for _, el in iterparse(stream, events=("end",)):
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "row":
            cells, last = 0, 0
            for c in el:
                if c.tag.rsplit("}", 1)[-1] == "c":
                    cells += 1
                    ref = _COLUMN.match(c.get("r") or "")
                    last = _column_number(ref.group(1)) if ref else last + 1
            number = el.get("r") or ""
            el.clear()
            yield "row", cells, last, int(number) if number.isdigit() else 0
        elif tag == "mergeCell":
            yield "merge", _area(el.get("ref") or ""), 0, 0
            el.clear()


_REF = re.compile(r"^([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)$")


def _area(ref: str) -> int:
    m = _REF.match(ref)
    if not m:
        return 1
    cols = abs(_column_number(m[3]) - _column_number(m[1])) + 1
    return cols * (abs(int(m[4]) - int(m[2])) + 1)


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def check_sheets(data: bytes, name: str, s: Settings | None = None) -> None:
    """Rows, columns and cells of every worksheet of an .xlsx, and the cells its merged ranges cover
    (the workbook reader makes an object for each), counted by streaming the XML (never trusting the
    <dimension> a file may fake), stopping at the first limit passed."""
    s = s or get_settings()
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    with z:
        for member in sorted(n for n in z.namelist() if _SHEET.match(n)):
            try:
                with z.open(member) as stream:
                    _check_sheet(_parts(stream), name, s)
            except LimitError:
                raise
            except Exception:  # noqa: BLE001 - damaged XML: the workbook reader explains it
                return


def _check_sheet(parts: Iterator[tuple[str, int, int, int]], name: str, s: Settings) -> None:
    rows = cells = merged = 0
    for kind, n, last, number in parts:
        if kind == "merge":
            merged += n
            if merged > s.max_table_cells:
                raise _refuse(
                    name,
                    "工作表中合并单元格覆盖的格数",
                    merged,
                    s.max_table_cells,
                    "JIXIAO_MAX_TABLE_CELLS",
                    " 个",
                    True,
                )
            continue
        # the row's number counts: the workbook reader makes every empty row before it too
        rows, cells = max(rows + 1, number), cells + n
        if last > s.max_columns:
            raise _refuse(name, "工作表的列数", last, s.max_columns, "JIXIAO_MAX_COLUMNS", " 列", True)
        if rows > s.max_sheet_rows:
            raise _refuse(name, "工作表的行数", rows, s.max_sheet_rows, "JIXIAO_MAX_SHEET_ROWS", " 行", True)
        if cells > s.max_table_cells:
            raise _refuse(
                name, "工作表的单元格数", cells, s.max_table_cells, "JIXIAO_MAX_TABLE_CELLS", " 个", True
            )


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OFFICE_DOCUMENT = "/officeDocument"


def main_part(z: zipfile.ZipFile) -> str | None:
    """The document part of a .docx, as its package relationships name it (word/document.xml as a rule)."""
    from lxml import etree

    try:
        rels = etree.fromstring(z.read("_rels/.rels"), etree.XMLParser(resolve_entities=False))
    except (KeyError, etree.Error):
        return "word/document.xml" if "word/document.xml" in z.namelist() else None
    for rel in rels:
        if (rel.get("Type") or "").endswith(_OFFICE_DOCUMENT) and rel.get("TargetMode") != "External":
            target = (rel.get("Target") or "").lstrip("/")
            return target if target in z.namelist() else None
    return None


def check_docx(data: bytes, name: str, s: Settings | None = None) -> None:
    """Tables, rows, cells and text of a .docx's body, counted by streaming word/document.xml before
    python-docx loads it (its tree takes about ten times the XML's size): characters per paragraph or
    cell, columns per row, cells per table, tables, and text in all."""
    from lxml import etree

    s = s or get_settings()
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        part = main_part(z)
        if part is None:
            z.close()
            return  # the Word reader explains what is wrong
        stream = z.open(part)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return
    tables = chars = 0
    paragraph: list[int] = []  # characters of each open paragraph
    table_cells: list[int] = []  # cells of each open table (tables nest)
    row_cells: list[int] = []
    try:
        for event, el in etree.iterparse(
            stream, events=("start", "end"), resolve_entities=False, huge_tree=False
        ):
            tag = el.tag
            if event == "start":
                if tag == f"{_W}p":
                    paragraph.append(0)
                elif tag == f"{_W}tbl":
                    tables += 1
                    table_cells.append(0)
                    if tables > s.max_tables * 2:
                        raise _refuse(
                            name, "中的表格数", tables, s.max_tables, "JIXIAO_MAX_TABLES", " 张", True
                        )
                elif tag == f"{_W}tr":
                    row_cells.append(0)
                elif tag == f"{_W}tc" and table_cells:
                    table_cells[-1] += 1
                    row_cells[-1:] = [row_cells[-1] + 1] if row_cells else [1]
                    if table_cells[-1] > s.max_table_cells:
                        raise _refuse(
                            name,
                            "中一个表格的单元格数",
                            table_cells[-1],
                            s.max_table_cells,
                            "JIXIAO_MAX_TABLE_CELLS",
                            " 个",
                            True,
                        )
                    if row_cells[-1] > s.max_columns:
                        raise _refuse(
                            name,
                            "中一个表格的列数",
                            row_cells[-1],
                            s.max_columns,
                            "JIXIAO_MAX_COLUMNS",
                            " 列",
                            True,
                        )
                continue
            if tag == f"{_W}t" and el.text:
                chars += len(el.text)
                if paragraph:
                    paragraph[-1] += len(el.text)
                    if paragraph[-1] > s.max_cell_chars:
                        raise _refuse(
                            name,
                            "中有一个单元格或段落的字数",
                            paragraph[-1],
                            s.max_cell_chars,
                            "JIXIAO_MAX_CELL_CHARS",
                            " 字",
                            True,
                        )
                if chars > s.max_text_mb * MB:
                    raise _refuse(
                        name, "的文字量", chars / MB, float(s.max_text_mb), "JIXIAO_MAX_TEXT_MB", " M字", True
                    )
            elif tag == f"{_W}p" and paragraph:
                paragraph.pop()
            elif tag == f"{_W}tr" and row_cells:
                row_cells.pop()
            elif tag == f"{_W}tbl" and table_cells:
                table_cells.pop()
            if tag in (f"{_W}p", f"{_W}tbl"):  # done with it: keep the tree from growing
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]
    except LimitError:
        raise
    except etree.Error:
        return  # damaged XML: the Word reader explains it
    finally:
        stream.close()
        z.close()


def check_text(text: str, name: str, s: Settings | None = None) -> None:
    """The decoded text of a .txt/.md (UTF-8 size)."""
    s = s or get_settings()
    limit = s.max_text_mb * MB
    if len(text) > limit / 4 and (size := len(text.encode("utf-8"))) > limit:  # short texts cannot pass it
        raise _refuse(name, "的文字量", size / MB, float(s.max_text_mb), "JIXIAO_MAX_TEXT_MB", " MB")


def check_blocks(blocks: list[Block], name: str, s: Settings | None = None) -> None:
    """The rows and paragraphs a reader produced, before the document is interpreted: characters per
    cell, columns and cells per table, tables per document, and text in all. A table is a file's
    numbered table (.docx/.pdf), else a run of rows between paragraphs."""
    s = s or get_settings()
    tables = numbered = cells = chars = 0
    prev: tuple | None = None  # the table key of the row before, None after a paragraph
    for b in blocks:
        for cell in b.cells:
            chars += len(cell)
            if len(cell) > s.max_cell_chars:
                where = b.loc.label()
                raise _refuse(
                    name,
                    f"中有一个单元格或段落{f'（{where}）' if where else ''}的字数",
                    len(cell),
                    s.max_cell_chars,
                    "JIXIAO_MAX_CELL_CHARS",
                    " 字",
                )
        if not b.is_row:
            prev = None
            continue
        if b.brk == HARD and len(b.cells) > s.max_columns:  # a pasted line split into cells is not a table row
            raise _refuse(name, "中一个表格的列数", len(b.cells), s.max_columns, "JIXIAO_MAX_COLUMNS", " 列")
        key = (b.loc.table, b.loc.sheet)
        if prev is None or (b.loc.table is not None and key != prev):
            tables, cells = tables + 1, 0
            numbered = max(numbered, b.loc.table or 0)
        prev = key
        cells += len(b.cells)
        if cells > s.max_table_cells:
            raise _refuse(
                name, "中一个表格的单元格数", cells, s.max_table_cells, "JIXIAO_MAX_TABLE_CELLS", " 个", True
            )
    # numbered tables (.docx/.pdf) are counted exactly; runs of rows only roughly (a title or a page
    # break between rows starts a new run), so they are held to a looser bound: check_tables is exact
    if numbered > s.max_tables:
        raise _refuse(name, "中的表格数", numbered, s.max_tables, "JIXIAO_MAX_TABLES", " 张")
    if tables > 5 * s.max_tables:
        raise _refuse(name, "中的表格数", tables // 5, s.max_tables, "JIXIAO_MAX_TABLES", " 张", True)
    if chars > s.max_text_mb * MB:  # characters: a lower bound of the UTF-8 size
        raise _refuse(name, "的文字量", chars / MB, float(s.max_text_mb), "JIXIAO_MAX_TEXT_MB", " MB", True)


def check_tables(count: int, name: str, s: Settings | None = None) -> None:
    """The number of 绩效目标表 the document was read into."""
    s = s or get_settings()
    if count > s.max_tables:
        raise _refuse(name, "中的绩效目标表数", count, s.max_tables, "JIXIAO_MAX_TABLES", " 张")
