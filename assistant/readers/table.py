"""Indicator tables: the column model a header announces, and rows assembled from cells by what each
cell looks like.

A paste loses things: empty cells, merged 一级/二级 cells, sometimes the row breaks themselves. So a
row is not read by position. Each row is an alignment of its cells to the header's columns that best
fits what the cells are (a 指标值 looks like `≥95%`, a 计量单位 like `万亩`, a 描述 like `反映…`), and
where row breaks are unknown the table is cut into rows by the same measure (dynamic programming over
the cells, with the line breaks a shape does show as hints). Pure functions; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..models import SourceLocation
from ..values import normalize_text, parse_value
from .unglue import unglue
from .vocab import column_of, compact, is_header_lead, level1_of, level2_of, vocabulary

HARD, LINE, WEAK, NONE = 3, 2, 1, 0  # how sure a shape is that a row ends after a cell
MEASURABLE = {"quantity", "percentage", "money", "unit_price", "date", "duration"}
OPERATORS = {
    "≥": "≥", ">=": "≥", "≧": "≥", "大于等于": "≥", "不低于": "≥", "不少于": "≥", "正向": "≥",
    "≤": "≤", "<=": "≤", "≦": "≤", "小于等于": "≤", "不高于": "≤", "不超过": "≤", "反向": "≤",
    "=": "=", "＝": "=", "═": "=", "等于": "=", ">": ">", "大于": ">", "<": "<", "小于": "<",
    "±": "±", "定量": "", "定性": "", "中性": "",
}
UNITS = set(
    "% 个 人 人次 户 次 批次 万人次 万人 元 万元 亿元 千元 亩 万亩 公顷 平方米 万平方米 平方公里 公里 千米 米 厘米 吨 万吨 "
    "台 套 件 株 万株 处 所 座 项 份 篇 册 条 场 场次 期 家 辆 架 艘 头 只 棵 间 栋 樘 盏 块 张 本 宗 单 年 月 日 天 小时 "
    "工作日 个工作日 分钟 立方米 万立方米 千瓦时 万千瓦时 兆瓦 km 元/人 元/亩 元/人·月 元/户 比例 百分比 批 村 名 位 人/次 "
    "万条 条次 课时 学时 班 班次 所次 户次 亩次 元/人次 元/公里".split()
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DESC_START = re.compile(r"^(反映|指|通过|用于|衡量|考核|按照|根据|体现|是指|统计|评价)")
_BASIS_WORDS = re.compile(r"标准|依据|计划|文件|〔|\[|【|号|办法|规定|问卷|合同|预算|统计|规范|方案|要求|通知|调查|年报|考核|实施|批复|目标")
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?%?$")
_TOTAL = re.compile(r"合计|总计|全县|全市|全区|全旗|汇总")
_FILLER = re.compile(r"^[.…·。、\-—_\s]+$")
_NAME_END = re.compile(r"(率|数|量|度|面积|长度|人次|数量|成本|标准|时间|时限|情况|效益|指数)$")
ROW_COST = 2.0  # each row the cutter makes costs this much: fewer, fuller rows unless the cells say otherwise


@lru_cache(maxsize=65536)
def looks_like_value(text: str) -> float:
    """How much a cell looks like a 指标值 (≥95%, 2024年6月完成, 按计划完成), from -2 to 3."""
    t = normalize_text(text)
    if not t:
        return -2
    v = parse_value(t)
    if v.kind == "placeholder":
        return 2
    if v.kind == "date" and not re.search(r"\d+月|底|前|完成|末|季度|半年|日", t):
        return 0.5  # a year inside text: 2024年度工作要求
    if v.kind in MEASURABLE:
        digits = sum(c.isdigit() for c in t)
        han = len(_CJK.findall(t))
        if t[0] in "≥≤<>=±" or t[0].isdigit():
            return 3 if han <= 6 else 1.5
        return 2 if digits and han <= 8 else 0.5
    if _DESC_START.match(t):
        return -1.5
    if v.graded:
        return 2
    if _NAME_END.search(t):  # 防治面积, 群众满意度: a name, not a value
        return -1
    return 1 if len(t) <= 10 else (0 if len(t) <= 16 else -1)


@lru_cache(maxsize=65536)
def looks_like_name(text: str) -> float:
    """How much a cell looks like a 三级指标 name, from -3 to 2.5."""
    t = normalize_text(text)
    if not t or _FILLER.match(t):
        return -3
    if not _CJK.search(t):
        return -2 if _NUMBER.match(t) or t in OPERATORS else -0.5
    if _DESC_START.match(t):
        return -0.5
    if t in OPERATORS or t in UNITS:
        return -2
    v = parse_value(t)
    if v.kind in MEASURABLE and (t[0] in "≥≤<>=" or (t[0].isdigit() and len(_CJK.findall(t)) <= 3)):
        return -2
    score = 2.0 if len(t) > 2 else 0.5  # 有效, 及时: a two-character cell is more often a value
    if t.endswith(("率", "数", "量", "度", "面积", "长度", "时间", "人次", "标准", "情况", "数量", "成本", ")", "）")):
        score += 0.5
    return score


def _text(t: str) -> float:
    return 1.0 if _CJK.search(t) else -0.5


@lru_cache(maxsize=65536)
def compat(role: str, text: str) -> float | None:
    """How well a cell fits a column (None: it cannot be that column)."""
    t = normalize_text(text)
    if _FILLER.match(t):
        return None  # ……: the template's empty filler, in no column
    if is_category(t) and role != "level2":
        return -4.0  # an 一级/二级 name is not a body cell (make_row allows a 三级 that repeats its 二级)
    if parse_value(t).kind == "placeholder" and role in ("level3", "description", "basis", "remark"):
        return 1.0  # 密, XX: a redacted cell can stand in any text column
    if role in ("level3", "mid_level3"):
        return looks_like_name(t)
    if role in ("value", "actual", "mid_value", "subunit", "grade"):
        return looks_like_value(t)
    if role == "description":
        if _DESC_START.match(t):
            return 2.5
        return (1.0 if len(t) >= 6 else 0.3) if _CJK.search(t) and looks_like_value(t) < 2 else -2
    if role == "basis":
        if looks_like_value(t) >= 2:
            return -1.5
        return 2.0 if _BASIS_WORDS.search(t) else _text(t) * 0.5
    if role == "unit":
        return _unit_score(t)
    if role in ("operator", "nature"):
        return 3.0 if t in OPERATORS else None
    if role in ("weight", "score"):
        return 2.0 if _NUMBER.match(t.rstrip("分")) or t in ("—", "——", "-", "/") else None
    if role in ("reason", "remark", "scoring"):
        return 1.0 if t in ("无", "—", "——", "/") else (0.3 if _CJK.search(t) and looks_like_value(t) < 2 else -0.5)
    return None


_COMPOUND_UNIT = re.compile(r"^[\u4e00-\u9fff%]{1,4}(?:[/·*][\u4e00-\u9fff]{1,3}){1,2}$")  # 元/人·月, 次/年


def _unit_score(t: str) -> float | None:
    """A 计量单位 cell: a known unit (3), a compound one like 元/人·月 (2.5), another one- or two-character
    measure word (0.3); a number, an operator or a phrase is not a unit."""
    if t in UNITS or t in ("—", "/"):
        return 3.0
    if _COMPOUND_UNIT.match(t):
        return 2.5
    if 1 <= len(t) <= 2 and _CJK.fullmatch(t[0]) and not re.search(r"\d", t) and t not in OPERATORS:
        return -0.5  # an unknown measure word: taken only where no other column fits the cell
    return None


SKIP = {"level3": 4.0, "value": 4.0, "mid_level3": 1.5, "mid_value": 1.5, "actual": 1.2, "operator": 0.6, "unit": 0.6}


@lru_cache(maxsize=65536)
def is_category(text: str) -> bool:
    return bool(level1_of(text) or level2_of(text))


# --- the header ---------------------------------------------------------------------------------------
@dataclass
class Column:
    role: str
    header: str


@dataclass
class Header:
    columns: list[Column]
    double: bool = False  # 中期 and 年度 side by side: the 年度 (right) side is the year's targets

    @property
    def has_actual(self) -> bool:
        return any(c.role == "actual" for c in self.columns)

    @property
    def has_level1(self) -> bool:
        return any(c.role == "level1" for c in self.columns)

    @property
    def body(self) -> list[Column]:
        """The columns a row's cells are aligned to after its leading 一级/二级 cells."""
        out, seen_level2 = [], False
        for c in self.columns:
            if c.role == "level1":
                continue
            if c.role == "level2" and not seen_level2:
                seen_level2 = True
                continue
            out.append(c)
        return out

    def roles(self) -> list[str]:
        return [c.role for c in self.columns]


@lru_cache(maxsize=65536)
def header_role(cell: str) -> str | None:
    """The role of a header cell; grade names (优/良/中/差) are 'grade'."""
    if compact(cell) in vocabulary().grade_names:
        return "grade"
    return column_of(cell)


def is_header_cell(cell: str) -> bool:
    return header_role(cell) is not None or is_header_lead(cell)


def read_header(cells: list[str]) -> Header | None:
    """The column model of an indicator header; None when the cells are not one (no 三级 or 二级
    column, or no value column)."""
    cells = [c for c in cells if c.strip()]
    while cells and is_header_lead(cells[0]) and header_role(cells[0]) in (None, "level3"):
        if len(cells) > 1 and header_role(cells[1]) in ("level1", "level2", "level3"):
            cells = cells[1:]
        else:
            break
    cols = [Column(header_role(c) or "", c) for c in cells]
    cols = _merge_two_rows(cols)
    cols = _grades_under_group(cols)
    roles = [c.role for c in cols]
    if "level3" not in roles and roles.count("level2") >= 1 and "level1" in roles:
        # a template whose 一级 column holds 数量/质量… and 二级 column the indicator name
        for c in cols:
            if c.role == "level2":
                c.role = "level3"
                break
    roles = [c.role for c in cols]
    if "level3" not in roles or not ({"value", "grade", "subunit"} & set(roles) or "" in roles):
        return None
    # unknown cells after the name columns: one value column per sub-unit; a 合计 column is the value
    for c in cols:
        if c.role == "":
            c.role = "subunit"
    if "value" not in roles:
        total = next((c for c in cols if c.role == "subunit" and _TOTAL.search(compact(c.header))), None)
        if total is not None:
            total.role = "value"
    if "value" not in roles and "grade" not in roles and roles.count("") < 1:
        return None
    # 中期 and 年度 side by side: the first 二级/三级/指标值 are the 中期 side
    double = roles.count("level3") >= 2 and roles.count("value") >= 2
    if double:
        first3, firstv = roles.index("level3"), roles.index("value")
        cols[first3].role, cols[firstv].role = "mid_level3", "mid_value"
    _pick_operator(cols)
    return Header(cols, double=double)


def _grades_under_group(cols: list[Column]) -> list[Column]:
    """评价标准 over 优 | 良 | 中 | 差 in a second header row: the grade columns stand where the group is."""
    roles = [c.role for c in cols]
    if "grades" not in roles or "grade" not in roles:
        return cols
    grades = [c for c in cols if c.role == "grade"]
    rest = [c for c in cols if c.role != "grade"]
    k = next(i for i, c in enumerate(rest) if c.role == "grades")
    return rest[:k] + grades + rest[k + 1 :]


def _merge_two_rows(cols: list[Column]) -> list[Column]:
    """Two header rows pasted as one: [年度指标值(group), 实际完成值, 分值…] then [一级, 二级, 三级, 指标性质,
    指标值, 度量单位]: the detailed second row, then the first row's columns after its group cell."""
    roles = [c.role for c in cols]
    if "level1" not in roles or roles.index("level1") == 0:
        return cols
    k = roles.index("level1")
    first, second = cols[:k], cols[k:]
    if not any(c.role == "value" for c in first) or not any(c.role == "value" for c in second):
        return cols
    g = next(i for i, c in enumerate(first) if c.role == "value")
    return second + [c for c in first[g + 1 :] if c.role]


def _pick_operator(cols: list[Column]) -> None:
    ops = [c for c in cols if c.role == "operator"]
    if len(ops) < 2:
        return
    order = [compact(w) for w in vocabulary().operator_priority]
    rank = {id(c): next((i for i, w in enumerate(order) if compact(c.header) == w), len(order)) for c in ops}
    keep = min(ops, key=lambda c: rank[id(c)])
    for c in ops:
        if c is not keep:
            c.role = "nature"


# --- rows -----------------------------------------------------------------------------------------------
@dataclass
class Cell:
    text: str
    loc: SourceLocation = field(default_factory=SourceLocation)
    brk: int = NONE  # how sure the shape is that a row ends after this cell
    glued: bool = False  # from a page that lost its cell separators (runs of cells split by vocabulary)


@dataclass
class Row:
    """One assembled row: the category cells it opens with and its body cells by role."""

    level1: str = ""
    level2: str = ""
    cells: dict[str, str] = field(default_factory=dict)
    values: list[str] = field(default_factory=list)  # sub-unit columns, in order
    grades: list[str] = field(default_factory=list)
    loc: SourceLocation = field(default_factory=SourceLocation)
    end_brk: int = NONE
    categories: list[str] = field(default_factory=list)  # the 一级/二级 cells the row opens with
    last_role: str = ""  # the column of the row's last cell

    @property
    def has_body(self) -> bool:
        return bool(self.cells or self.values or self.grades)


@dataclass
class _Plan:
    score: float
    row: Row


class TableReader:
    """Cuts a table's cells into rows and carries the 一级/二级 names down."""

    def __init__(self, header: Header):
        self.header = header
        self.body = header.body
        self.level2_words_are_level1 = False  # NDRC layout: 一级 实施效果指标, 二级 产出指标/效益指标
        self.carried_level1 = ""
        self.carried_level2 = ""
        self.notes: list[str] = []  # what the reader could not be sure of (Chinese)

    # -- categories at the start of a row --------------------------------------------------------------
    def categories(self, cells: list[str]) -> list[list[str]]:
        """How many of a row's first cells are 一级/二级 names: the options, most first."""
        out: list[list[str]] = [[]]
        if cells and is_category(cells[0]):
            out.insert(0, [cells[0]])
            # two category cells: the first must be able to be an 一级 (生态效益指标 | 可持续影响指标 is an
            # empty 二级 row followed by the next 二级)
            if len(cells) > 1 and is_category(cells[1]) and (level1_of(cells[0]) or not level2_of(cells[0])):
                out.insert(0, [cells[0], cells[1]])
        return out

    def _single_role(self, text: str) -> str:
        one, two = level1_of(text), level2_of(text)
        if one and two in ("产出指标", "效益指标"):  # 一级 words an NDRC-style template uses as 二级
            return "level2" if self.level2_words_are_level1 else "level1"
        if one and not two:
            return "level2" if self.level2_words_are_level1 else "level1"
        if two and not one:
            return "level2"
        return "level2" if self._fits_carried(two) else "level1"

    def _fits_carried(self, level2: str) -> bool:
        """成本指标 after 数量/质量/时效 (or under 产出指标) is a 二级 of the three-一级 layout."""
        from ..categories import level1_of_level2

        if self.carried_level1:
            return level1_of(self.carried_level1) == level1_of_level2(level2)
        carried = level2_of(self.carried_level2) if self.carried_level2 else ""
        return bool(carried) and level1_of_level2(carried) == level1_of_level2(level2)

    # -- one row's body --------------------------------------------------------------------------------
    def align(self, cells: list[str], anchor: str = "", repeat: bool = False) -> tuple[float, dict[int, int]]:
        """Best alignment of body cells to body columns: (score, {cell index: column index}). `anchor`
        'right': the cells are one pasted line whose leading merged cells were dropped, so a cell in its
        right-aligned position earns a little."""
        n, k = len(cells), len(self.body)
        NEG = -1e9
        f = [[NEG] * (k + 1) for _ in range(n + 1)]
        back: list[list[tuple[int, int, int] | None]] = [[None] * (k + 1) for _ in range(n + 1)]
        f[0][0] = 0.0
        for a in range(n + 1):
            for b in range(k + 1):
                cur = f[a][b]
                if cur == NEG:
                    continue
                if b < k:  # leave column b empty
                    s = cur - SKIP.get(self.body[b].role, 0.3)
                    if s > f[a][b + 1]:
                        f[a][b + 1], back[a][b + 1] = s, (a, b, -1)
                if a < n and b < k:  # cell a fills column b
                    role = self.body[b].role
                    c = compat(role, cells[a]) if not (role == "level2" and is_category(cells[a])) else 2.0
                    if repeat and a == 0 and role == "level3":
                        c = 1.0  # 服务对象满意度指标 | 服务对象满意度指标: the 三级 repeats the 二级
                    if role == "level2" and not is_category(cells[a]):
                        c = None
                    if c is not None and anchor == "right" and b == k - (n - a):
                        c += 2.0 if n == k else 0.7  # a line that fills every column is read by position
                    if c is not None and cur + c > f[a + 1][b + 1]:
                        f[a + 1][b + 1], back[a + 1][b + 1] = cur + c, (a, b, b)
                if a < n:  # a cell that fits nowhere (…… filler, a stray mark)
                    s = cur - (0.2 if _FILLER.match(normalize_text(cells[a]) or "…") else 2.5)
                    if s > f[a + 1][b]:
                        f[a + 1][b], back[a + 1][b] = s, (a, b, -2)
        score, pos, assign = f[n][k], (n, k), {}
        while pos != (0, 0):
            prev = back[pos[0]][pos[1]]
            if prev is None:
                break
            a, b, col = prev
            if col >= 0:
                assign[a] = col
            pos = (a, b)
        return score, assign

    def make_row(self, cells: list[Cell], anchor: str = "") -> _Plan:
        texts = [c.text for c in cells]
        best: _Plan | None = None
        for cats in self.categories(texts):
            rest = texts[len(cats) :]
            repeat = bool(cats) and bool(rest) and normalize_text(rest[0]) == normalize_text(cats[-1])
            # a row of category cells only is an empty 二级 (生态效益指标 with nothing under it): cheap, not a
            # row with every column skipped
            score, assign = self.align(rest, anchor, repeat) if rest else (-1.0, {})
            score += 1.5 * len(cats)
            row = Row(loc=cells[0].loc if cells else SourceLocation(), end_brk=cells[-1].brk if cells else NONE)
            row.categories = list(cats)
            for a, b in sorted(assign.items()):
                role = self.body[b].role
                if a == len(rest) - 1:
                    row.last_role = role
                if role == "subunit":
                    row.values.append(rest[a])
                elif role == "grade":
                    row.grades.append(rest[a])
                elif role == "level2":
                    row.level2 = row.level2 or rest[a]
                else:
                    row.cells[role] = rest[a]
            if not row.has_body and not cats:
                score -= 5
            if best is None or score > best.score:
                best = _Plan(score, row)
        return best

    # -- a whole table ---------------------------------------------------------------------------------
    def rows(self, cells: list[Cell], rows_known: bool = False) -> list[Row]:
        """The table's rows, in order; the 一级/二级 names carried down; rows with no body dropped.
        `rows_known`: every row came as a real row (a Word or Excel row, empty cells kept), so rows are
        not re-cut and a full-width row is read by position."""
        if rows_known:
            return self._known_rows(cells)
        cells = [Cell(c.text, c.loc, c.brk, c.glued) for c in cells if c.text.strip()]
        if any(c.glued for c in cells):
            cells = unglue(cells, self.header.roles())
        if sum(c.brk == LINE for c in cells) >= 0.8 * len(cells):  # a line per cell: lines say nothing
            for c in cells:
                c.brk = NONE if c.brk == LINE else c.brk
        hinted = any(c.brk in (LINE, WEAK) for c in cells)
        n = len(cells)
        limit = 3 + len(self.body) + 3
        best = [-1e18] * (n + 1)
        back = [0] * (n + 1)
        plans: dict[tuple[int, int], _Plan] = {}
        best[0] = 0.0
        for i in range(n):
            if best[i] <= -1e17:
                continue
            for j in range(i + 1, min(n, i + limit) + 1):
                if any(c.brk == HARD for c in cells[i : j - 1]):
                    break
                one_line = (i == 0 or cells[i - 1].brk >= LINE) and cells[j - 1].brk >= LINE and all(
                    c.brk < LINE for c in cells[i : j - 1]
                )
                plan = plans.get((i, j)) or self.make_row(cells[i:j], "right" if one_line else "")
                plans[(i, j)] = plan
                end = cells[j - 1].brk if j < n else HARD
                bonus = {HARD: 0.0, LINE: 3.0, WEAK: 1.5, NONE: -3.0 if hinted else 0.0}[end]
                s = best[i] + plan.score + bonus - ROW_COST
                if s > best[j]:
                    best[j], back[j] = s, i
        spans, j = [], n
        while j > 0:
            spans.append((back[j], j))
            j = back[j]
        out = []
        for i, j in reversed(spans):
            row = plans[(i, j)].row
            self._carry(row)
            if row.has_body:
                out.append(row)
        if not hinted:
            self._note_short_rows(out)
        return out

    def _note_short_rows(self, rows: list[Row]) -> None:
        """With no row breaks to go by, a row with fewer cells than most is read by what its cells look
        like; say so, so the reader checks it."""
        sizes = [len(r.cells) for r in rows]
        if not sizes:
            return
        usual = max(set(sizes), key=sizes.count)
        for r in rows:
            if len(r.cells) < usual:
                cells = " | ".join(v for v in r.cells.values())
                self.notes.append(
                    f"第{r.loc.line or '?'}行起的指标行只有{len(r.cells)}个单元格（其他行有{usual}个），已按内容归入各栏：{cells}。请核对。"
                )

    def positional(self, cells: list[Cell]) -> Row:
        """A full-width real row: cell i is column i (empty cells of merged 一级/二级 carried down)."""
        row = Row(loc=cells[0].loc, end_brk=HARD)
        level2s = [c.text.strip() for c, col in zip(cells, self.header.columns) if col.role == "level2" and c.text.strip()]
        year_side = level2s[-1] if self.header.double and level2s else None  # 中期 | 年度: the year's 二级
        for c, col in zip(cells, self.header.columns):
            t = c.text.strip()
            if col.role == "level1" and t:
                row.categories.append(t)
            elif col.role == "level2" and t and len(row.categories) < 2:
                t = year_side or t
                row.categories.append(t) if row.categories or not self.header.has_level1 else row.categories.extend(["", t])
            elif not t:
                continue
            elif col.role == "subunit":
                row.values.append(t)
            elif col.role == "grade":
                row.grades.append(t)
            elif col.role not in ("level1", "level2"):
                row.cells.setdefault(col.role, t)
        return row

    def _fit_width(self, chunk: list[Cell]) -> list[Cell]:
        """A real row to the header's width: empty trailing cells a copy trimmed are put back, and an empty
        leading cell (the merged 绩效指标 column left of the header) is dropped when the cells then fit
        their columns better."""
        width = len(self.header.columns)
        options = [chunk]
        if chunk and not chunk[0].text.strip():
            options.append(chunk[1:])
        fitted = []
        for opt in options:
            missing = width - len(opt)
            if 0 < missing <= 2:
                pad = [Cell("", opt[-1].loc, HARD) for _ in range(missing)]
                fitted.append(opt + pad)  # empty trailing cells a copy trimmed
                fitted.append(pad + opt)  # merged 一级/二级 cells a web page does not repeat
            elif missing == 0:
                fitted.append(opt)
        if not fitted:
            return chunk
        return max(fitted, key=self._position_fit)

    def _position_fit(self, chunk: list[Cell]) -> float:
        score = 0.0
        for c, col in zip(chunk, self.header.columns):
            t = c.text.strip()
            if not t:
                continue
            if col.role in ("level1", "level2"):
                score += 2.0 if is_category(t) else -3.0
            else:
                score += compat(col.role, t) if compat(col.role, t) is not None else -3.0
        return score

    def _fits_positionally(self, chunk: list[Cell]) -> bool:
        """Every filled cell fits the column at its position (no category in a body column, no name in a
        category column, no cell that fits nowhere)."""
        for c, col in zip(chunk, self.header.columns):
            t = c.text.strip()
            if not t:
                continue
            if col.role in ("level1", "level2"):
                if not is_category(t):
                    return False
            elif (compat(col.role, t) if compat(col.role, t) is not None else -3.0) < -1.0:
                return False
        return True

    def _known_rows(self, cells: list[Cell]) -> list[Row]:
        out, start = [], 0
        for k, c in enumerate(cells):
            if c.brk == HARD or k == len(cells) - 1:
                raw = cells[start : k + 1]
                chunk = self._fit_width(raw)
                if len(chunk) == len(self.header.columns) and (len(raw) == len(chunk) or self._fits_positionally(chunk)):
                    row = self.positional(chunk)
                else:
                    row = self.make_row([c for c in chunk if c.text.strip()] or chunk).row
                self._carry(row)
                if row.has_body:
                    out.append(row)
                start = k + 1
        return out

    def _carry(self, row: Row) -> None:
        if len(row.categories) == 2:
            row.level1, row.level2 = row.categories
            if not row.level1:  # a positional row whose 一级 cell continues from above
                row.categories = [row.level2]
                row.level1 = ""
                self.carried_level2 = row.level2
        elif len(row.categories) == 1:
            if self._single_role(row.categories[0]) == "level1":
                row.level1 = row.categories[0]
            else:
                row.level2 = row.level2 or row.categories[0]
        if row.level1 and row.level2 and level2_of(row.level2) in ("产出指标", "效益指标") and not level2_of(row.level1):
            self.level2_words_are_level1 = True
        if row.level1:
            self.carried_level1 = row.level1
            self.carried_level2 = row.level2 or ""
        if row.level2:
            self.carried_level2 = row.level2
        row.level1 = self.carried_level1
        row.level2 = self.carried_level2
