"""Big and odd inputs, generated in a temp folder: the seed scaled to N tables (.txt in the Word text
export layout), workbooks written as raw XML (fast, any size, any text), and the probes of the scale
tests and benchmarks/run.py (one huge cell, a very wide sheet, thousands of rows, a zip bomb).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "卢龙县自然资源和规划局2024年部门预算绩效文本（草案）.txt"
_TITLE = re.compile(r"^(?:\[bookmark: [^\]]*\])?\d+\.(?=[^\t\n]*绩效目标表?$)", re.M)
_NAME = re.compile(r"(\t项目名称\n\t)([^\n]+)")


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def scaled_text(tables: int) -> str:
    """The seed with its 18 tables repeated (project names numbered) to `tables` tables."""
    text = seed_text()
    start = text.index("[bookmark: _Toc_4_4_")
    head, body = text[:start], text[start:]
    parts = [m.start() for m in _TITLE.finditer(body)] + [len(body)]
    chunks = [body[a:b] for a, b in zip(parts, parts[1:])]
    out = [head]
    for n in range(tables):
        chunk = chunks[n % len(chunks)]
        chunk = _TITLE.sub(f"{n + 1}.", chunk, count=1)
        out.append(_NAME.sub(lambda m, n=n: f"{m[1]}{m[2]}（{n + 1}）", chunk, count=1))
    return "".join(out)


# --- workbooks as raw XML -----------------------------------------------------------------------------
_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)


def _col(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def raw_xlsx(rows: Iterable[list[str]], dimension: str | None = None) -> bytes:
    """A one-sheet workbook holding `rows` as shared strings (the way Excel writes text; `_xHHHH_`
    escapes in a string are read back by openpyxl as the control character they name)."""
    strings: dict[str, int] = {}
    sheet = io.StringIO()
    sheet.write(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    )
    if dimension:
        sheet.write(f'<dimension ref="{dimension}"/>')
    sheet.write("<sheetData>")
    for r, row in enumerate(rows, start=1):
        sheet.write(f'<row r="{r}">')
        for c, text in enumerate(row, start=1):
            if text == "":
                continue
            k = strings.setdefault(text, len(strings))
            sheet.write(f'<c r="{_col(c)}{r}" t="s"><v>{k}</v></c>')
        sheet.write("</row>")
    sheet.write("</sheetData></worksheet>")
    sst = io.StringIO()
    sst.write(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">'
    )
    for text in strings:
        sst.write(f'<si><t xml:space="preserve">{escape(text)}</t></si>')
    sst.write("</sst>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet.getvalue())
        z.writestr("xl/sharedStrings.xml", sst.getvalue())
    return buf.getvalue()


def table_rows(extra_rows: int = 0, value: str = "≥95%", width: int = 7) -> list[list[str]]:
    """One 绩效目标表 as sheet rows: the header block, then indicator rows (`extra_rows` more)."""
    head = [
        ["1.示例项目绩效目标表"],
        ["预算单位", "示例单位"],
        ["项目名称", "示例项目"],
        ["预算数", "100"],
        ["资金用途", "示例资金用途"],
        ["绩效目标", "完成示例工作"],
        ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"],
        ["产出指标", "数量指标", "完成数量", "完成数量", "≥10项", "工作计划"],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "群众满意度", value, "问卷调查"],
    ]
    for n in range(extra_rows):
        head.append(["产出指标", "质量指标", f"质量{n}", f"质量{n}", "≥95%", "验收标准"])
    return [row + [""] * (width - len(row)) if len(row) < width else row for row in head]


def wide_rows(columns: int, rows: int = 20) -> list[list[str]]:
    """A sheet `columns` wide: a table whose rows carry many filled cells."""
    return [[f"列{c}行{r}" for c in range(columns)] for r in range(rows)]


def zip_bomb_docx(uncompressed_mb: int = 200) -> bytes:
    """A .docx whose document.xml inflates to `uncompressed_mb` MB (from about 1 MB on disk)."""
    buf = io.BytesIO()
    block = b" " * (1 << 20)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
            for _ in range(uncompressed_mb):
                f.write(block)
            f.write(b"</w:body></w:document>")
    return buf.getvalue()


def scaled_docx(tables: int) -> bytes:
    """The seed as a .docx (our writer), its 18 tables repeated to `tables` tables (numbered names)."""
    from assistant.readers import read_document
    from assistant.writers.docx import document_docx

    doc = read_document(SEED)
    data = document_docx(doc)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
        infos = z.infolist()
    xml = parts["word/document.xml"].decode("utf-8")
    first = xml.index('<w:p><w:pPr><w:pStyle w:val="Heading3"/></w:pPr><w:r><w:t>1.')
    end = xml.rindex("</w:tbl>") + len("</w:tbl>")
    head, body, tail = xml[:first], xml[first:end], xml[end:]
    chunks = [c + "</w:tbl>" for c in body.split("</w:tbl>")[:-1]]
    out = [head]
    for n in range(tables):
        p = doc.projects[n % len(doc.projects)]
        chunk = chunks[n % len(chunks)].replace(f">{escape(p.name)}<", f">{escape(p.name)}（{n + 1}）<")
        out.append(re.sub(r"<w:t>\d+\.", f"<w:t>{n + 1}.", chunk, count=1))
    parts["word/document.xml"] = ("".join(out) + tail).encode("utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in infos:
            z.writestr(info, parts[info.filename])
    return buf.getvalue()


_DOCX_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)


def raw_docx(body: str) -> bytes:
    """A minimal .docx whose body is the given WordprocessingML (w: prefix)."""
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        f"{body}</w:body></w:document>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _DOCX_CT)
        z.writestr("_rels/.rels", _DOCX_RELS)
        z.writestr("word/document.xml", xml)
    return buf.getvalue()


def w_paragraph(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def w_table(rows: Iterable[list[str]]) -> str:
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc>{w_paragraph(c)}</w:tc>" for c in row) + "</w:tr>" for row in rows
    )
    return f"<w:tbl>{cells}</w:tbl>"


def long_table_docx(extra_rows: int) -> bytes:
    """One 绩效目标表 with `extra_rows` more indicator rows, as a .docx."""
    rows = table_rows(extra_rows=extra_rows, width=6)
    return raw_docx(w_paragraph(rows[0][0]) + w_table(rows[1:]))
