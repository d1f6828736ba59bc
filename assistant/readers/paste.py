"""Text pasted from a web page with one cell per line (no tabs, no pipes).

Empty cells and merged continuations vanish in such a paste, so rows cannot be split by count
alone. We recognise label lines (项目名称, 预算数, 资金支出计划, 绩效目标 …) and rebuild the standard
rows from what follows them; after the indicator header we group lines into rows by the header's
width, starting a row wherever a 一级/二级 name appears. What we cannot place becomes a Document
warning (a `Block.warning`), never a silent guess.
"""

from __future__ import annotations

import re

from ..categories import (
    SERVICE_SATISFACTION,
    canonical_level1,
    canonical_level2,
    clean_name,
    level1_of_level2,
)
from ..models import SourceLocation
from ..values import parse_amount, parse_percent
from .layout import UNIT_CELL, Block, compact, header_columns

Line = tuple[int, str]  # (line number, text)

# label key -> pattern on the compact text (no spaces, NFKC, markers and trailing colon removed)
_FIELDS = [
    ("unit_money", r"单位:?万元"),
    ("unit", r"预算单位(?:名称)?"),
    ("code", r"项目(?:编码|代码)"),
    ("name", r"项目名称"),
    ("fiscal", r"(?:其中:?)?财政(?:资金|拨款)(?:\(万元\))?"),
    ("other", r"其他资金(?:\(万元\))?"),
    ("budget", r"(?:年度)?预算(?:数|金额)(?:\(万元\))?"),
    ("group", r"预算规模及资金用途|预算规模"),
    ("purpose", r"(?:项目)?资金用途"),
    ("plan", r"(?:资金)?支出计划(?:\(%\))?"),
    ("month", r"(?:3|6|10|12)月(?:底|末)?"),
    ("goal", r"(?:年度|项目)?绩效目标"),
]
_FIELD_RE = [(key, re.compile(f"^(?:{pat})(?::(.*))?$")) for key, pat in _FIELDS]
_HEADER_WORDS = ("一级", "二级", "三级", "指标内容", "指标名称", "描述", "指标值", "依据", "单位")
_HEADER_WORDS += ("目标值", "指标解释")
_HEADER_ENDS = ("指标", "描述", "指标值", "依据", "单位", "目标值", "内容", "名称", "解释", "说明", "备注")
_TITLE = re.compile(r"绩效目标(?:申报)?表$|^第[一二三四]部分")
_SHORT_L2 = {"数量", "质量", "时效", "成本", "经济效益", "社会效益", "生态效益", "可持续影响"}
_SHORT_L2 |= {"服务对象满意度", "经济成本", "社会成本", "生态环境成本"}
_KNOWN_L2 = {canonical_level2(n + "指标") for n in _SHORT_L2} | {SERVICE_SATISFACTION}


def field(text: str) -> tuple[str, str] | None:
    """(label key, value written on the same line) when the line is a table label: '项目名称',
    '项目名称：某项目' or '项目名称 某项目'."""
    found = _field(text)
    if found is None and len(parts := text.split(None, 1)) == 2:
        head = _field(parts[0])
        if head is not None and not head[1]:
            return head[0], parts[1].strip()
    return found


def _field(text: str) -> tuple[str, str] | None:
    c = compact(text)
    for key, rx in _FIELD_RE:
        m = rx.match(c)
        if m:
            value = ""
            if m.group(1):  # 'label：value' on one line: the value from the raw text, spaces kept
                colons = c[: m.start(1)].count(":")  # 其中：财政资金：6.00 has two before the value
                value = re.split(r"[:：]", text, maxsplit=colons)[-1].strip()
            return key, value
    return None


def is_project_start(text: str) -> bool:
    f = field(text)
    return bool(UNIT_CELL.match(text.strip())) or (
        f is not None and f[0] in ("unit_money", "unit", "code", "name")
    )


def is_header_name(text: str) -> bool:
    c = compact(text)
    return len(c) <= 12 and c.endswith(_HEADER_ENDS) and any(w in c for w in _HEADER_WORDS)


def header_cells(text: str) -> list[str] | None:
    """Header names on this line ('一级指标' alone, or the whole header separated by spaces)."""
    parts = text.split()
    if parts and "一级" in compact(parts[0]) and all(is_header_name(p) for p in parts):
        return parts
    return None


def is_level1(text: str) -> bool:
    n = clean_name(text)
    return (
        len(n) <= 16
        and (n.endswith("指标") or n in ("产出", "效益", "满意度", "成本"))
        and bool(canonical_level1(n))
    )


def is_level2(text: str) -> bool:
    n = clean_name(text)
    return len(n) <= 16 and (n.endswith("指标") or n in _SHORT_L2) and canonical_level2(n) in _KNOWN_L2


def is_category(text: str) -> bool:
    return is_level1(text) or is_level2(text)


class _Reader:
    def __init__(self, lines: list[Line]):
        self.lines = lines
        self.i = 0
        self.blocks: list[Block] = []
        self.in_project = False
        self.level1 = ""  # carried 一级, to tell 成本指标 (二级 under 产出) from 成本指标 (一级)

    # -- helpers -----------------------------------------------------------------------------
    def peek(self, k: int = 0) -> str | None:
        j = self.i + k
        return self.lines[j][1] if j < len(self.lines) else None

    def emit(self, cells: list[str], n: int, is_row: bool = True) -> None:
        self.blocks.append(Block(cells=cells, is_row=is_row, loc=SourceLocation(line=n)))

    def warn(self, n: int, message: str) -> None:
        self.blocks.append(Block(cells=[], is_row=False, loc=SourceLocation(line=n), warning=message))

    def is_label(self, text: str) -> bool:
        return field(text) is not None or header_cells(text) is not None

    def value_after(self, inline: str, want_amount: bool = False) -> str:
        """The value of the label just read: on the same line, or the next line unless that is a
        label (or, for amounts, not a number: an empty amount cell vanished in the paste)."""
        if inline:
            return inline
        nxt = self.peek()
        if nxt is None or self.is_label(nxt) or UNIT_CELL.match(nxt):
            return ""
        if want_amount and parse_amount(nxt) is None:
            return ""
        self.i += 1
        return nxt

    def take_text(self) -> str:
        """Lines up to the next label, header or title: a multi-line purpose or goal."""
        out = []
        while (t := self.peek()) is not None and not self.is_label(t) and not _TITLE.search(compact(t)):
            if UNIT_CELL.match(t):
                break
            out.append(t)
            self.i += 1
        return "\n".join(out)

    # -- the table head ----------------------------------------------------------------------
    def start(self, n: int, text: str, key: str | None, inline: str) -> None:
        cells = []
        while True:  # unit line, 单位：万元 and 预算单位 travel in one row, as in the table
            if key == "unit":
                cells += ["预算单位", self.value_after(inline)]
            else:
                cells.append(text)
            t = self.peek()
            f = field(t) if t is not None else None
            if t is not None and (UNIT_CELL.match(t) or (f and f[0] in ("unit", "unit_money"))):
                self.i += 1
                text, key, inline = t, f[0] if f else None, f[1] if f else ""
                continue
            break
        self.emit(cells, n)
        self.in_project, self.level1 = True, ""

    def funds(self, n: int, key: str, inline: str) -> None:
        values = {"budget": "", "fiscal": "", "other": ""}
        while True:
            values[key] = self.value_after(inline, want_amount=True)
            t = self.peek()
            f = field(t) if t is not None else None
            if not f or f[0] not in values:
                break
            self.i += 1
            key, inline = f
        self.emit(
            ["预算数", values["budget"], "其中：财政资金", values["fiscal"], "其他资金", values["other"]], n
        )
        t = self.peek()
        if t is not None and not self.is_label(t) and not _TITLE.search(compact(t)):
            line = self.lines[self.i][0]
            self.emit(["资金用途", self.take_text()], line)  # a purpose written without its label

    def plan(self, n: int, inline: str) -> None:
        values = (
            [v for v in re.split(r"[\s,，、]+", inline) if parse_percent(v) is not None] if inline else []
        )
        while len(values) < 4 and (t := self.peek()) is not None:
            f = field(t)
            if f and f[0] == "month":
                self.i += 1
            elif not f and parse_percent(t) is not None:
                values.append(t)
                self.i += 1
            else:
                break
        if len(values) < 4:
            self.warn(
                n,
                f"第{n}行：资金支出计划只找到{len(values)}个百分比（应为3月底、6月底、10月底、12月底四个），请核对。",
            )
        self.emit(["资金支出计划（%）"] + values, n)

    # -- indicator rows ----------------------------------------------------------------------
    def header(self, n: int, first: list[str]) -> None:
        names = list(first)
        if len(names) == 1:
            while (t := self.peek()) is not None and header_cells(t) is None and is_header_name(t):
                names.append(t)
                self.i += 1
                if "依据" in compact(t):
                    break  # 指标值确定依据 closes the header
        self.emit(names, n)
        cols = header_columns(names)
        if cols is None:
            self.warn(n, f"第{n}行：指标表头「{' '.join(names)}」中没有“指标值”栏，无法分行。")
            return
        body: list[Line] = []
        while (t := self.peek()) is not None and not is_project_start(t) and not _TITLE.search(compact(t)):
            if header_cells(t) is not None:
                break
            body.append(self.lines[self.i])
            self.i += 1
        self.rows(body, names, cols)

    def rows(self, body: list[Line], names: list[str], cols: dict[str, int]) -> None:
        width = len(names)
        cat = [cols[k] for k in ("level1", "level2") if k in cols]
        rest = [j for j in range(width) if j not in cat]
        k = 0
        while k < len(body):
            n = body[k][0]
            row = [""] * width
            text = body[k][1]
            if "level1" in cols and is_level1(text) and self._starts_group(body, k):
                row[cols["level1"]] = self.level1 = text
                k += 1
            if "level2" in cols and k < len(body) and is_level2(body[k][1]):
                row[cols["level2"]] = body[k][1]
                k += 1
            got = 0
            while got < len(rest) and k < len(body):
                if got > 0 and is_category(body[k][1]):
                    break  # a short row: the next one starts here
                row[rest[got]] = body[k][1]
                got, k = got + 1, k + 1
            if got < len(rest):
                cells = " | ".join(c for c in row if c)
                self.warn(
                    n,
                    f"第{n}行起的指标行只有{got}个单元格（表头之后应有{len(rest)}个），已按顺序填入：{cells}。请核对。",
                )
            self.emit(row, n)

    def _starts_group(self, body: list[Line], k: int) -> bool:
        """A name that may be 一级 or 二级 (成本指标, 满意度指标) is 一级 when a 二级 follows it, or
        when it cannot be a 二级 of the 一级 carried down from the rows above."""
        text = body[k][1]
        if not is_level2(text):
            return True
        if k + 1 < len(body) and is_level2(body[k + 1][1]):
            return True
        return canonical_level1(self.level1) != level1_of_level2(text)

    # -- driver ------------------------------------------------------------------------------
    def run(self) -> list[Block]:
        while self.i < len(self.lines):
            n, text = self.lines[self.i]
            self.i += 1
            f = field(text)
            key, inline = f if f else (None, "")
            head = header_cells(text)
            if UNIT_CELL.match(text.strip()) or key in ("unit", "unit_money"):
                self.start(n, text, key, inline)
            elif key in ("code", "name"):
                self.emit(["项目编码" if key == "code" else "项目名称", self.value_after(inline)], n)
                self.in_project = True
            elif not self.in_project:  # 第一部分 text, even where it reads like a label (绩效目标：…)
                self.emit([text], n, is_row=False)
            elif key in ("budget", "fiscal", "other"):
                self.funds(n, key, inline)
            elif key == "purpose":
                self.emit(["资金用途", inline or self.take_text()], n)
            elif key == "plan":
                self.plan(n, inline)
            elif key == "goal":
                self.emit(["绩效目标", inline or self.take_text()], n)
            elif head is not None:
                self.header(n, head)
            elif key in ("group", "month"):
                continue
            elif _TITLE.search(compact(text)):
                self.emit([text], n, is_row=False)
            else:
                self.warn(n, f"第{n}行「{text[:30]}」未能归入绩效目标表的任何栏目，已忽略。")
        return self.blocks


def cell_per_line_blocks(text: str) -> list[Block]:
    """Blocks in the standard table shape from a one-cell-per-line paste."""
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    return _Reader(lines).run()
