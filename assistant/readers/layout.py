"""From a stream of paragraphs and table cells to a Document.

Every reader (text export, .docx, .xlsx, PDF, pasted web text) turns its file into `Block`s; this
module alone knows the 绩效文本 layout: the 第一部分 paragraphs (总体/分项绩效目标, 工作保障措施), the
label-driven 表头 of each 绩效目标表 (vocab.py) and its indicator rows (table.py). A block says how sure
its source is that a row ends after it (a real table row, a pasted line, nothing), so the same reading
serves a Word table and a page pasted one cell per line. What cannot be placed becomes a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..categories import canonical_level1, level1_of_level2
from ..errors import InputError
from ..models import BudgetUnit, Document, Indicator, Project, SourceLocation
from ..values import normalize_text, parse_percent, parse_value
from . import amounts
from .table import (
    HARD,
    NONE,
    WEAK,
    Cell,
    Header,
    Row,
    TableReader,
    header_role,
    is_category,
    looks_like_value,
    read_header,
)
from .vocab import (
    FieldMatch,
    column_name,
    compact,
    field_name,
    field_of,
    is_header_lead,
    is_list_column,
    is_page_noise,
    is_table_end,
    kind_of,
    level2_of,
    name_from_title,
)


@dataclass
class Block:
    """A paragraph (`is_row` False, one cell) or a table row. `loc` says where it was read; `brk` how
    sure the source is that the row ends after this block (HARD for a real table row)."""

    cells: list[str]
    is_row: bool
    loc: SourceLocation = field(default_factory=SourceLocation)
    warning: str = ""  # a reader's note for Document.warnings (Chinese); such a block has no content
    brk: int = HARD
    open_end: bool = False  # the page stops right after this block's last cell, with no separator
    glued: bool = False  # from a page that lost its cell separators (see text.line_blocks)

    @property
    def text(self) -> str:
        return " ".join(c for c in self.cells if c.strip())


_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
# A budget unit: a six-digit code then the unit's name ("324001卢龙县自然资源和规划局本级"); not an
# amount that happens to have six digits ("640000元", "100000人次").
UNIT_CELL = re.compile(
    r"^(\d{6})\s*(?!(?:元|万元|亿元|亩|万亩|人|人次|个|件|株|套|次|户|公里|米|平方米|吨|台|处|项|份|册|辆|%))"
    r"([\u4e00-\u9fff][\u4e00-\u9fff（）()·\-]{2,60})$"
)
_TOC_LINE = re.compile(r"\t\s*\d+\s*$")
_GOAL_AREA = re.compile(r"^(\d{1,2})\s*[、.．]\s*(\S.*)$")
_MONTH = re.compile(r"^(?:3|6|9|10|12)月(?:底|末)?$")
_YEAR_NOTE = re.compile(r"[(（]\s*((?:19|20)\d{2})\s*年度?\s*[)）]")
_ORG_END = re.compile(r"(?:局|委员会|委|中心|院|所|办公室|办|政府|队|站|馆|校|会|处|厅|部|社|公司|联合会|街道|镇|乡)(?:本级)?$")
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?[^，。,;；]{0,16}?(?:预算|绩效|项目支出)")
_MONEY_UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元)")
_TITLE = re.compile(r"绩效(?:目标|自评|评价).*表|绩效目标和指标|绩效目标设定")
_CUT_VALUE = re.compile(r"^[≥≤><=≧≦]+$|^[≥≤><=≧≦]?\d+(?:\.\d+)?$")
START_KEYS = ("name", "code", "unit")
OTHER_KIND_NOTE = (
    "这份文件是绩效评价指标表（评价或打分用），不是预算绩效目标表：其中的分值、评分标准不是年度指标值。"
    "审核、起草参考和问答需要部门预算绩效目标表（含项目名称、预算数和一级/二级/三级指标及指标值）。"
)
TEXT_KEYS = ("name", "code", "unit", "department", "implementer", "manager", "attribute", "period", "purpose",
             "goal", "mid_goal", "duties", "goal_result", "dept_name")
AMOUNT_KEYS = ("budget", "mid_budget", "fiscal", "other")


def clean_cell(text: str) -> str:
    """Strip bookmarks, non-breaking spaces and outer whitespace; keep inner line breaks."""
    t = _BOOKMARK.sub("", text or "").replace("\u00a0", " ").replace("\u3000", " ")
    return "\n".join(line.strip() for line in t.strip().splitlines()).strip()


def is_label(cell: str, *labels: str) -> bool:
    c = compact(cell)
    return any(c == compact(label) or c.startswith(compact(label)) for label in labels)


class _Builder:
    def __init__(self, file: str, trace: list[tuple[int | None, str, str]] | None = None):
        self.file = file
        self.trace = trace  # (line, cell, how it was read) for `assistant parse --explain`
        self.doc = Document(source_file=file)
        self.part1: list[Block] = []
        self.project: Project | None = None
        self.seen_project = False
        self.kinds: list[str] = []  # kinds announced by titles, in order
        self.page_unit = "万元"  # 单位：元 before the first table applies to every table
        self.unit = "万元"  # this project's money unit
        self.pending: list[str] = []  # field keys waiting for their value
        self.pending_row = False  # the pending keys came as a row of labels
        self.amount_cols: list[str] = []  # 资金 column headers seen (全年预算数, 执行率…)
        self.cols_streak = False  # the last cell was one of those headers
        self.amount_key: str | None = None  # an amount label whose amounts are being collected
        self.amount_vals: list[str] = []
        self.plan: list[str] | None = None  # 资金支出计划 percents being collected
        self.purpose_deferred = False  # 预算规模及资金用途: the purpose is the next free text row
        self.header_cells: list[Cell] | None = None
        self.table: TableReader | None = None
        self.table_cells: list[Cell] = []
        self.table_known = True  # every row of the table came as a real row
        self.year: int | None = None
        self.at_eof = False
        self.departments: dict[str, str] = {}  # 主管部门 / 实施单位 as the tables name them
        self.row_keys: set[str] = set()
        self.year_side_right = False  # 中期资金总额 | … | 年度资金总额 | …: the year's amounts are the right-hand ones
        self.closed_tables: set[int] = set()  # projects whose table ended at a 表尾 word (总分, 填报人…)
        self.target_tables: set[int] = set()  # projects whose table has a 指标值/目标值 column
        self.title_years: list[int] = []  # years titles name as the budget's (2025年…预算/绩效)
        self.title_name = ""  # a project name read from a table's title (name_from_title)
        self.held: list[tuple[str, SourceLocation, int, bool, bool]] = []  # header words waiting (see cell)
        self.cut_end = False  # the last block read ended the page with no separator after it
        self.block_brk = HARD
        self.block_glued = False
        self.cur_brk = HARD  # the break strength of the cell being read
        self.open_text: str | None = None  # a text field a line-per-cell paste may continue on the next lines

    # -- projects ---------------------------------------------------------------------------------------
    def _new_project(self, loc: SourceLocation) -> Project:
        self._close_project()
        loc = loc.model_copy(update={"file": self.file, "table": len(self.doc.projects) + 1, "row": None})
        self.project = Project(source=loc)
        self.doc.projects.append(self.project)
        self.unit = self.page_unit
        self.pending, self.amount_key, self.amount_vals, self.plan = [], None, [], None
        self.purpose_deferred, self.amount_cols, self.open_text = False, [], None
        self.year_side_right = False
        self.seen_project = True
        return self.project

    def _mark_cut_off(self) -> None:
        """The page's last table, with no 表尾 word after it, stops before any 满意度 row: it was probably cut
        (a web page kept only its first part), so what is missing below cannot be judged."""
        p = self.doc.projects[-1] if self.doc.projects else None
        if p is None or not p.indicators or p.truncated or id(p) in self.closed_tables:
            return
        if canonical_level1(p.indicators[-1].level1) != "满意度指标":
            p.truncated = True
            self.doc.warnings.append(
                f"表{p.source.table}（{p.name or '未命名项目'}）：页面在满意度指标之前结束，表格可能不完整（网页截断？），"
                "缺少的指标类别不作判断。"
            )

    def _drop_empty_project(self) -> None:
        p = self.project
        if p is not None and not (p.indicators or p.budget is not None or p.name or p.code):
            self.doc.projects.remove(p)
            self.project = None
            self.seen_project = bool(self.doc.projects)
            self.pending = []

    def _close_project(self) -> None:
        p = self.project
        if p is not None:
            if not p.name and self.title_name:
                p.name = self.title_name  # a table with no 项目名称 cell: the name its title gives
            self.title_name = ""
        self._flush_table()
        self._resolve_amounts()
        if p is None:
            return
        where = f"表{p.source.table}（{p.name or '未命名项目'}）"
        if not p.name:
            self.doc.warnings.append(f"{where}：未找到项目名称。")
        if not p.goal and p.mid_goal:
            p.goal = p.mid_goal  # a table with only a 总体目标: that is its goal
        if p.budget is None:
            self.doc.warnings.append(f"{where}：未找到预算数，已按无预算读取。")
        if not p.indicators:
            self.doc.warnings.append(f"{where}：未找到绩效指标行。")

    def _say(self, loc: SourceLocation | None, text: str, what: str) -> None:
        if self.trace is not None:
            self.trace.append((loc.line if loc else None, text, what))

    # -- blocks -----------------------------------------------------------------------------------------
    def block(self, b: Block) -> None:
        if b.warning:
            self.doc.warnings.append(b.warning)
            return
        if not b.is_row:
            self.paragraph(b)
            return
        cells = [clean_cell(c) for c in b.cells]
        self.cut_end, self.block_brk, self.block_glued = b.open_end, b.brk, b.glued
        if len(b.cells) > 1 and any(c.strip() for c in b.cells):
            if self.amount_key is not None and self.amount_vals:
                self._flush_amounts()  # the previous row's last amount
            self.row_keys = set()  # amount labels seen in this row (中期 | 年度 side by side)
        if not any(cells):
            if self.table is not None and self.table_cells:
                self.table_cells[-1].brk = max(self.table_cells[-1].brk, WEAK)
            elif self.pending and b.brk != HARD:
                self._assign(self.pending.pop(0), "")
            return
        label_row = sum(1 for c in cells if c and field_of(c)) >= 2 and all(
            not c or field_of(c) or _MONTH.match(compact(c)) for c in cells
        )
        for i, c in enumerate(cells):
            last = i == len(cells) - 1
            brk = b.brk if last else NONE
            if b.brk == HARD and not c and self.table is None:
                if self.pending and self.header_cells is None:
                    self._assign(self.pending.pop(0), "")
                continue
            if not c and b.brk == HARD and self.table is not None:
                self.table_cells.append(Cell("", b.loc.model_copy(update={"file": self.file}), brk))
                continue
            if not c:
                if self.table is not None and self.table_cells:
                    self.table_cells[-1].brk = max(self.table_cells[-1].brk, WEAK)
                continue
            loc = b.loc.model_copy(update={"file": self.file})
            self.cell(c, loc, brk, first=i == 0, label_row=label_row)
        if b.brk == HARD and self.table is None and self.header_cells is None:
            self._end_of_row()

    def paragraph(self, b: Block) -> None:
        text = clean_cell(b.text)
        if not text or text.lower() == "page number" or _TOC_LINE.search(b.text):
            return
        if self.table is not None or self.header_cells is not None:
            self._flush_table()
        self._note_title(text)
        if self.seen_project:
            self._say(b.loc, text, "表格之间的标题或文字，未使用")
            return
        self._say(b.loc, text, "网页上的杂项（索引号、浏览量等），跳过" if is_page_noise(text) else "封面或第一部分文字")  # headings between tables ("2.综合业务经费绩效目标表") add nothing the table lacks
        self.part1.append(Block(cells=[text], is_row=False, loc=b.loc))

    def _note_title(self, text: str) -> None:
        kind = kind_of(text)
        if kind and (_TITLE.search(normalize_text(text)) or len(compact(text)) <= 40):
            self.kinds.append(kind)
        named = name_from_title(text) if kind or "绩效目标" in normalize_text(text) else None
        if named and (self.project is None or not self.project.indicators):
            self.title_name = named  # used by the next table that has no 项目名称 of its own
        m = _YEAR_NOTE.search(normalize_text(text))
        if m and kind:
            self.year = int(m.group(1))
        m = _TITLE_YEAR.search(normalize_text(text))
        if m and len(compact(text)) <= 80:
            self.title_years.append(int(m.group(1)))
        m = _MONEY_UNIT.search(normalize_text(text))
        if m:
            if self.project is None or (not self.project.indicators and self.project.budget is None):
                self.page_unit = self.unit = m.group(1)

    # -- cells ------------------------------------------------------------------------------------------
    def cell(self, text: str, loc: SourceLocation, brk: int, first: bool, label_row: bool) -> None:
        self.cur_brk = brk
        if self.table is not None:
            if self._ends_table(text, first or not self.table_known):
                self._flush_table()
            else:
                self.table_cells.append(Cell(text, loc, brk, self.block_glued))
                self.table_known = self.table_known and self.block_brk == HARD  # cells of real table rows
                return
        if self.header_cells is not None:
            if header_role(text) is not None or (is_header_lead(text) and not self.header_cells):
                self.header_cells.append(Cell(text, loc, brk))
                return
            if (
                not (is_category(text) or field_of(text))
                and len(compact(text)) <= 12
                and looks_like_value(text) < 2
                and self._header_has_names()
            ):
                self.header_cells.append(Cell(text, loc, brk))  # a sub-unit column (乡镇、村名)
                return
            self._start_table(text, loc, brk)
            return
        if self._starts_header(text):
            self._flush_amounts()
            self.open_text = None
            self.pending = []
            held, self.held = self.held, []
            self.header_cells = [Cell(t, c.loc, c.brk) for t, c in ((h[0], Cell(h[0], h[1], h[2])) for h in held)]
            self.header_cells.append(Cell(text, loc, brk))
            return
        if self._prefix_word(text):
            # 年度指标值 | 实际完成值 | 分值 … before 一级指标: a header whose first row was pasted first. Hold
            # such words until we see whether an indicator header follows.
            self.held.append((text, loc, brk, first, label_row))
            return
        self._release_held()
        if self.header_cells is not None:  # the held words were a header: this cell opens its table
            self.cell(text, loc, brk, first, label_row)
            return
        self._field_cell(text, loc, brk, first, label_row)

    def _prefix_word(self, text: str) -> bool:
        role = header_role(text)
        if field_of(text) is not None or amounts.amount_column(text) in ("budget", "initial", "spent", "rate"):
            return False
        return (role is not None and role not in ("level1", "level2", "level3")) or (
            is_header_lead(text) and role in (None, "level3")
        )

    def _release_held(self) -> None:
        held, self.held = self.held, []
        if len(held) >= 3 and read_header([h[0] for h in held]) is not None:
            # 绩效指标 | 绩效指标描述 | 评价标准 | 优 | 良 | 中 | 差: a header with no 一级/二级 word in it
            self._flush_amounts()
            self.pending, self.open_text = [], None
            self.header_cells = [Cell(h[0], h[1], h[2]) for h in held]
            return
        for text, loc, brk, first, label_row in held:
            self._field_cell(text, loc, brk, first, label_row)

    def _header_has_names(self) -> bool:
        """A header with a 三级 column and no value column yet: further short cells name sub-unit columns
        (全县合计 | 城关镇 | 石门乡 …)."""
        roles = [header_role(c.text) for c in self.header_cells or []]
        return "level3" in roles and not any(r in ("value", "actual", "grade", "grades") for r in roles)

    def _starts_header(self, text: str) -> bool:
        role = header_role(text)
        return role in ("level1", "level2") or (role == "level3" and compact(text) != "绩效指标")

    def _start_table(self, text: str, loc: SourceLocation, brk: int) -> None:
        cells, self.header_cells = self.header_cells or [], None
        header = read_header([c.text for c in cells])
        if header is None:
            for c in cells:  # not an indicator header after all: read the cells as fields
                self._field_cell(c.text, c.loc, c.brk, False, False)
            self._field_cell(text, loc, brk, False, False)
            return
        if self.project is None:
            self._new_project(cells[0].loc)
        for c, col in zip([c for c in cells if c.text.strip()], header.columns):
            self._say(c.loc, c.text, f"指标表头：{column_name(col.role)}")
        self.table = TableReader(header)
        self.table_cells, self.table_known = [], True
        if header.has_actual and self.doc.kind == "target_table":
            self.kinds.append("self_eval")
        self.cell(text, loc, brk, True, False)

    def _ends_table(self, text: str, row_start: bool) -> bool:
        """A cell after which the indicator rows are over: a 表尾 word (总分, 填报人…), a title, or, at
        the start of a row, a label that opens a new table (项目名称, 预算数…) or a new header."""
        if is_table_end(text) or (kind_of(text) and _TITLE.search(normalize_text(text))):
            if self.project is not None:
                self.closed_tables.add(id(self.project))
            return True
        if not row_start:
            return False
        if UNIT_CELL.match(text) or (_MONEY_UNIT.search(normalize_text(text)) and len(compact(text)) <= 12):
            return True  # the next table's 预算单位 line or its 单位：万元
        f = field_of(text)
        if f and f.key in START_KEYS + ("budget", "dept_name"):
            return True
        return header_role(text) == "level1" and bool(self.table_cells) and not is_category(text)

    def _flush_table(self) -> None:
        if self.header_cells is not None:
            cells, self.header_cells = self.header_cells, None
            header = read_header([c.text for c in cells])
            if header is not None:
                self.table = TableReader(header)
                self.table_cells = []
        if self.table is None:
            return
        reader, cells, known = self.table, self.table_cells, self.table_known
        self.table, self.table_cells = None, []
        if self.project is None:
            self._new_project(cells[0].loc if cells else SourceLocation())
        if "value" in reader.header.roles():
            self.target_tables.add(id(self.project))  # the table states 指标值/目标值, not only scores
        self.project.layout += [r for r in reader.header.roles() if r and r not in self.project.layout]
        rows = reader.rows(cells, rows_known=known)
        where = f"表{self.project.source.table}（{self.project.name or '未命名项目'}）"
        self.doc.warnings += [f"{where}：{n}" for n in reader.notes]
        self._add_rows(rows, reader.header)

    def _add_rows(self, rows: list[Row], header: Header) -> None:
        p = self.project

        cut = self.at_eof and self.cut_end and _cut_inside(rows[-1]) and _short(rows[-1], rows[:-1]) if rows else False
        if rows and (not _complete(rows[-1], header) or cut):
            cut = rows.pop()
            self._say(cut.loc, cut.cells.get("level3", "") or cut.level2, "表格在这里中断，这一行不完整，未读入")
            self.doc.warnings.append(
                f"表{p.source.table}（{p.name or '未命名项目'}）：表格在第{len(p.indicators) + len(rows)}行后中断，"
                f"最后一行（{cut.cells.get('level3') or cut.level2 or '未命名'}）不完整，未读入。"
            )
            p.truncated = True
        for r in rows:
            p.indicators.append(self._indicator(r, p))
            i = p.indicators[-1]
            cells = "；".join(f"{column_name(k)}「{v}」" for k, v in r.cells.items())
            self._say(r.loc, i.level3 or i.value_raw, f"表{p.source.table}第{len(p.indicators)}行：{i.level1}/{i.level2}；{cells}")

    def _indicator(self, r: Row, p: Project) -> Indicator:
        c = r.cells
        level3, value_raw = c.get("level3", ""), c.get("value", "")
        if not value_raw and r.grades:
            value_raw = r.grades[0]
        if not value_raw and r.values:
            value_raw = r.values[0] if len(set(r.values)) == 1 else "、".join(r.values)
        op, unit = c.get("operator", ""), c.get("unit", "")
        parse_input = value_raw
        bare = normalize_text(value_raw)
        if re.fullmatch(r"[≥≤<>=]*[-+]?\d+(?:\.\d+)?", bare) and (op or unit):
            # 指标性质 / 指标值 / 计量单位 in their own columns: one 指标值 as a reviewer reads it (≤70万元)
            symbol = "" if bare[:1] in "≥≤<>=" else _op_symbol(op)
            value_raw = symbol + value_raw.strip() + (unit if unit not in ("", "—", "/") else "")
            parse_input = value_raw
        level1, level2 = r.level1, r.level2
        value = parse_value(parse_input, level3, level2 + " " + level1)
        value.raw = value_raw
        return Indicator(
            level1=level1,
            level2=level2,
            level3=level3,
            description=c.get("description", ""),
            value_raw=value_raw,
            value=value,
            basis=c.get("basis", ""),
            unit_column=unit,
            operator_column=op,
            actual_raw=c.get("actual", ""),
            values=list(r.values),
            grades=list(r.grades),
            weight=c.get("weight", ""),
            score=c.get("score", ""),
            reason=c.get("reason", ""),
            source=r.loc.model_copy(update={"file": self.file, "table": p.source.table, "row": len(p.indicators) + 1}),
        )

    # -- fields -----------------------------------------------------------------------------------------
    def _field_cell(self, text: str, loc: SourceLocation, brk: int, first: bool, label_row: bool) -> None:
        unit_m = UNIT_CELL.match(text)
        if unit_m:
            self._flush_amounts()
            if self.project is None or self.project.name or self.project.indicators or self.project.unit_code:
                self._new_project(loc)
            self.project.unit_code, self.project.unit_name = unit_m.group(1), unit_m.group(2).strip()
            self._say(loc, text, "预算单位（编码和名称）")
            return
        note = _MONEY_UNIT.search(normalize_text(text))
        if note and len(compact(text)) <= 12:
            self.unit = note.group(1)
            if self.project is None:
                self.page_unit = note.group(1)
            self._say(loc, text, f"金额单位：{note.group(1)}")
            return
        streak, self.cols_streak = self.cols_streak, False
        f = field_of(text)
        if f is not None:
            self._label(f, loc, label_row)
            return
        if _MONTH.match(compact(text)) and self.plan is not None:
            self._say(loc, text, "资金支出计划的月份")
            return
        if amounts.amount_column(text) and (self.amount_key is None or not self.amount_vals):
            if not streak:  # a new row of 资金 column headers (全年预算数 | 全年执行数 | 分值 | 执行率 | 得分)
                self.amount_cols = []
            self.amount_cols.append(amounts.amount_column(text))
            self.cols_streak = True
            self._say(loc, text, "资金栏的列名")
            return
        self._value(text, loc)

    def _label(self, f: FieldMatch, loc: SourceLocation, label_row: bool) -> None:
        self._flush_amounts()
        self.open_text = None
        self._say(loc, f.label + ("：" + f.value if f.value else ""), f"栏目：{field_name(f.key)}" + ("（同格写有内容）" if f.value else ""))
        p = self.project
        if p is None and f.key not in START_KEYS + ("dept_name",) and not self.kinds:
            # before any table a 绩效目标：… line is 第一部分 text
            self.part1.append(Block(cells=[f.label + ("：" + f.value if f.value else "")], is_row=False, loc=loc))
            return
        if p is None or (f.key in START_KEYS and (getattr(p, f.key if f.key != "unit" else "unit_name") or p.indicators)):
            if p is None or f.key in START_KEYS or p.indicators:
                p = self._new_project(loc)
        elif f.key in ("budget", "dept_name") and p.indicators:
            p = self._new_project(loc)
        if f.unit:
            self.unit = f.unit
        if f.key not in p.layout:
            p.layout.append(f.key)
        if f.key == "funds":
            return  # the 资金 block's title: only its unit note (万元/元) matters
        if f.key == "plan":
            self.plan = []
            if f.value:
                for v in re.split(r"[\s,，、]+", f.value):
                    self._value(v, loc)
            return
        if f.key in AMOUNT_KEYS:
            self.amount_key, self.amount_vals = f.key, []
            if f.value:
                self.amount_vals.append(f.value)
            return
        if f.value:
            self._assign(f.key, f.value)
            return
        if f.label and compact(f.label) in ("预算规模及资金用途", "预算规模"):
            self.purpose_deferred = True
            return
        if not label_row:
            self.pending = [k for k in self.pending if k in ("purpose",)]
        self.pending.append(f.key)
        self.pending_row = label_row

    def _value(self, text: str, loc: SourceLocation) -> None:
        if self.plan is not None:
            pct = parse_percent(text)
            if pct is not None and len(self.plan) < 4:
                self._say(loc, text, "资金支出计划的百分比")
                self.plan.append(text)
                if len(self.plan) == 4:
                    self._set_plan()
                return
            self._set_plan()
        if self.amount_key is not None:
            if amounts.is_amount(text) or re.fullmatch(r"[\d.%]+", normalize_text(text)):
                self._say(loc, text, f"金额：{field_name(self.amount_key)}")
                self.amount_vals.append(text)
                return
            self._flush_amounts()
        if self.pending and not _is_title(text):
            key = self.pending.pop(0)
            self._say(loc, text, f"{field_name(key)}的内容")
            self._assign(key, text)
            return
        p = self.project
        if p is None:
            self._note_title(text)
            if not is_page_noise(text):
                self.part1.append(Block(cells=[text], is_row=False, loc=loc))
                self._say(loc, text, "封面或第一部分文字")
            else:
                self._say(loc, text, "网页上的杂项（索引号、浏览量等），跳过")
            return
        if self.purpose_deferred and not amounts.is_amount(text):
            self._say(loc, text, "资金用途的内容")
            p.purpose = text
            self.purpose_deferred = False
            self._open("purpose")
            return
        if self.open_text and not amounts.is_amount(text) and not UNIT_CELL.match(text) and not kind_of(text):
            self._say(loc, text, f"{field_name(self.open_text)}（接上一行）")
            self._assign(self.open_text, text, more=True)
            return
        self._note_title(text)
        self._say(loc, text, "标题或表格外的文字，未使用" if kind_of(text) or is_page_noise(text) else "未能归入任何栏目，未使用")

    def _open(self, key: str) -> None:
        """After a long-text field's value in a line-per-cell paste, the next free lines continue it."""
        self.open_text = key if key in ("purpose", "goal", "mid_goal", "duties") and self.cur_brk != HARD else None

    def _assign(self, key: str, text: str, more: bool = False) -> None:
        p = self.project
        if p is None:
            return
        if not more:
            self._open(key)
        t = text.strip()
        if key == "name":
            if is_list_column(t):
                self._drop_empty_project()  # 项目名称 | 金额 | 备注: the header of a list of projects, not a table
                return
            p.name = p.name or t
        elif key == "dept_name":
            p.name = p.name or t
            p.unit_name = p.unit_name or t
            self.kinds.append("dept_overall")
        elif key == "code":
            p.code = p.code or t
        elif key == "unit":
            m = UNIT_CELL.match(t)
            if m:
                p.unit_code, p.unit_name = m.group(1), m.group(2).strip()
            else:
                p.unit_name = p.unit_name or t
        elif key == "purpose":
            joins = more or (self.pending_row is False and p.purpose)
            p.purpose = (p.purpose + "\n" + t).strip() if joins else (p.purpose or t)
            self.purpose_deferred = False
        elif key == "goal":
            p.goal = (p.goal + "\n" + t).strip() if p.goal else t
        elif key == "mid_goal":
            p.mid_goal = (p.mid_goal + "\n" + t).strip() if more and p.mid_goal else (p.mid_goal or t)
        elif key == "period":
            p.period = p.period or t
        elif key in ("department", "implementer"):
            name = re.sub(r"^[\[【(（]?\d{3,}[\]】)）]?\s*[-－—]?\s*", "", t)  # 404-永济市文化和旅游局, [155]濉溪县民政局
            if _is_org(name):
                self.departments.setdefault(key, name)
        elif key == "duties":
            pass

    def _end_of_row(self) -> None:
        """A real row ended: labels left without a value had an empty cell."""
        self._flush_amounts()
        if not self.pending_row:
            self.pending = [k for k in self.pending if k == "purpose" and self.purpose_deferred]

    def _flush_amounts(self) -> None:
        if self.amount_key is None:
            return
        key, vals = self.amount_key, self.amount_vals
        self.amount_key, self.amount_vals = None, []
        p = self.project
        if p is None:
            return
        if self.amount_cols and len(self.amount_cols) > 1 and len(vals) < len(self.amount_cols):
            # amounts a paste ran together ('202010100.00%' '10' under 预算数 执行数 分值 执行率 得分)
            if any(amounts.glued(v) for v in vals):
                split = amounts.split_run_together("".join(vals), self.amount_cols)
                if split:
                    vals = split
        value = amounts.pick(vals, self.amount_cols, self.unit)
        if key in ("fiscal", "other") and value is not None and p.budget is not None and value > p.budget * 1.01:
            # '2020' under 全年预算数 | 全年执行数: two amounts run together, not 2020万元 of a 20万元 project
            for k in range(2, len(self.amount_cols) + 1):
                split = amounts.split_run_together("".join(vals), self.amount_cols[:k])
                got = amounts.pick(split, self.amount_cols[:k], self.unit) if split else None
                if got is not None and got <= p.budget * 1.01:
                    value = got
                    break
        attr = {"budget": "budget", "mid_budget": "mid_budget", "fiscal": "fiscal_funds", "other": "other_funds"}[key]
        if self.year_side_right and key in self.row_keys:
            setattr(p, attr, value)  # 中期 | 年度 side by side: the second amount of a row is the year's
        elif getattr(p, attr) is None and value is not None:
            setattr(p, attr, value)
        self.row_keys.add(key)
        if key == "budget" and "mid_budget" in self.row_keys:
            self.year_side_right = True

    def _resolve_amounts(self) -> None:
        self._flush_amounts()
        if self.plan is not None:
            self._set_plan()

    def _set_plan(self) -> None:
        if self.project is None or self.plan is None:
            self.plan = None
            return
        pct = [parse_percent(c) for c in self.plan]
        plan = self.project.spending_plan
        if 0 < len(pct) < 4:
            self.doc.warnings.append(
                f"表{self.project.source.table}（{self.project.name or '未命名项目'}）：资金支出计划只找到{len(pct)}个百分比"
                "（应为3月底、6月底、10月底、12月底四个），请核对。"
            )
        if any(x is not None for x in pct):
            plan.mar, plan.jun, plan.oct, plan.dec = (pct + [None] * 4)[:4]
            plan.raw = [c for c in self.plan][:4]
        self.plan = None

    # -- 第一部分 ------------------------------------------------------------------------------------------
    def _part1(self) -> None:
        lines = [b.cells[0] for b in self.part1]
        doc = self.doc
        head: list[str] = []
        for line in lines:
            if line.startswith("目") and line.replace(" ", "") == "目录" or line.startswith("第一部分"):
                break
            head.append(line)
        doc.cover = head
        if head:
            # "某县林业局2024年部门预算绩效文本" on one line: the department is the part before the year
            doc.department = re.sub(r"\s*(?:19|20)\d{2}\s*年.*$", "", head[0]) or head[0]
            doc.title = "".join(head[:3]) if len(head) > 1 else head[0]
        m = re.search(r"((?:19|20)\d{2})\s*年", doc.title or " ".join(lines[:10]))
        if m:
            doc.budget_year = int(m.group(1))

        section, area = "", None
        overall: list[str] = []
        safeguards: list[str] = []
        for line in lines:
            key = line.replace(" ", "")
            if re.match(r"^[一1][、.．]?总体绩效目标$", key):
                section = "overall"
                continue
            if re.match(r"^[二2][、.．]?分项绩效目标$", key):
                section = "areas"
                continue
            if re.match(r"^[三3][、.．]?工作保障措施$", key):
                section = "safeguards"
                continue
            if key in ("总体绩效目标", "分项绩效目标", "工作保障措施") or key.startswith("第二部分"):
                if key.startswith("第二部分"):
                    section = ""
                continue
            if section == "overall":
                overall.append(line)
            elif section == "safeguards":
                safeguards.append(line)
            elif section == "areas":
                m = _GOAL_AREA.match(line)
                if m and not re.match(r"^(绩效目标|绩效指标)", m.group(2)):
                    area = GoalArea(number=int(m.group(1)), title=m.group(2).strip())
                    doc.goal_areas.append(area)
                elif area is not None:
                    body = re.sub(r"^(绩效目标|绩效指标)\s*[:：]\s*", "", line)
                    if line.startswith("绩效指标"):
                        area.indicators_text = (area.indicators_text + "\n" + body).strip()
                    else:
                        area.goal = (area.goal + "\n" + body).strip()
        doc.overall_goal = "\n".join(overall)
        doc.safeguards = "\n".join(safeguards)

    def finish(self) -> Document:
        self.at_eof = True  # a table still open here ran to the end of the page: its last row may be cut
        self._release_held()
        self._close_project()
        self._mark_cut_off()
        self._part1()
        doc = self.doc
        units: dict[str, BudgetUnit] = {}
        for p in doc.projects:
            if p.unit_code or p.unit_name:
                units.setdefault(p.unit_code or p.unit_name, BudgetUnit(code=p.unit_code, name=p.unit_name))
        doc.units = list(units.values())
        if not _is_org(doc.department or ""):
            # a web page's title is not a department: a 主管部门/实施单位 cell, or the 预算单位, is
            named = self.departments.get("department") or self.departments.get("implementer")
            if named:
                doc.department = named
            elif doc.units:
                doc.department = re.sub(r"本级$", "", doc.units[0].name)
            elif doc.department and not _is_org(doc.department):
                doc.department = ""
        if self.year is not None:
            doc.budget_year = self.year
        if doc.budget_year is None and self.title_years:
            doc.budget_year = self.title_years[0]  # "某局2025年项目绩效目标和指标"
        if doc.budget_year is None:
            years = [int(m) for p in doc.projects for m in re.findall(r"((?:19|20)\d{2})年", p.goal + p.name)]
            doc.budget_year = max(years) if years else None
        if self.kinds:
            doc.kind = _decide_kind(self.kinds)
        if doc.kind == "other":
            # a 绩效评价指标体系 or scoring sheet: say so; keep only tables that do state target values
            doc.projects = [p for p in doc.projects if id(p) in self.target_tables]
            doc.warnings.insert(0, OTHER_KIND_NOTE)
        for p in doc.projects:
            for i in p.indicators:
                if not i.level1 and i.level2:
                    i.level1 = level1_of_level2(level2_of(i.level2) or i.level2)
            if not any(canonical_level1(i.level1) for i in p.indicators) and p.indicators:
                doc.warnings.append(f"表{p.source.table}（{p.name}）：一级指标名称无法识别。")
        return doc


def _is_org(name: str) -> bool:
    """A department or unit name (…局, …中心, …委员会), a trailing note in brackets aside."""
    return bool(_ORG_END.search(re.sub(r"[(（][^()（）]*[)）]$", "", name.strip())))


def _is_title(text: str) -> bool:
    """A table's title (某某项目绩效目标表): never the value of a label before it."""
    t = normalize_text(text)
    return bool(kind_of(t) and _TITLE.search(t))


def _decide_kind(kinds: list[str]) -> str:
    """The table's kind: a look-alike or a self-evaluation wins over the generic 目标表 wording."""
    for k in ("other", "self_eval", "dept_overall", "approval"):
        if k in kinds:
            return k
    return "target_table"


def _op_symbol(op: str) -> str:
    from .table import OPERATORS

    return OPERATORS.get(normalize_text(op), "")


def _short(row: Row, others: list[Row]) -> bool:
    """Fewer filled cells than most rows of the table (a page that stops inside the row)."""
    sizes = [len(r.cells) + len(r.values) + len(r.grades) for r in others]
    if not sizes:
        return True
    usual = max(set(sizes), key=sizes.count)
    return len(row.cells) + len(row.values) + len(row.grades) < usual


def _cut_inside(row: Row) -> bool:
    """The page stops right after this row's last cell with no separator: when that cell is the 三级,
    the 指标值 or the 实际完成值 it may be cut (">=9" for ">=90%")."""
    if not row.last_role:
        return False
    return row.last_role in ("level3", "value", "actual", "mid_value", "subunit", "grade", "description")


def _complete(row: Row, header: Header) -> bool:
    """A row whose 指标值 is fully there: not empty, not just an operator or a cut-off number."""
    if row.values or row.grades:
        return True
    value = row.cells.get("value", "")
    if not value:
        return False
    return not re.fullmatch(r"[≥≤><=≧≦]+", normalize_text(value))


from ..models import GoalArea  # noqa: E402  (kept beside the 第一部分 reader)


def build_document(blocks: list[Block], file: str, trace: list | None = None) -> Document:
    """Assemble a Document from blocks; raise InputError when no 绩效目标表 is found. `trace`, when given,
    receives (line, cell, how it was read) for every cell."""
    b = _Builder(file, trace)
    for block in blocks:
        b.block(block)
    doc = b.finish()
    if not doc.projects and doc.kind != "other":
        raise InputError(
            f"文件「{file}」中未识别到绩效目标表（需包含“项目名称”“预算数”“一级指标…指标值”等栏目）。"
            "请确认这是部门预算绩效文本，或改用 .docx/.xlsx/.pdf/.txt 原件。"
        )
    return doc
