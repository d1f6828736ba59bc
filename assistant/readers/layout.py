"""From a stream of paragraphs and table rows to a Document.

Every reader (text export, .docx, .xlsx, PDF, pasted web text) turns its file into `Block`s; this
module alone knows the 绩效文本 layout: the 第一部分 paragraphs (总体/分项绩效目标, 工作保障措施) and the
label-driven rows of each 绩效目标表. So every format yields the same Document for the same content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..categories import canonical_level1
from ..errors import InputError
from ..models import BudgetUnit, Document, GoalArea, Indicator, Project, SourceLocation
from ..values import normalize_text, parse_amount, parse_percent, parse_value


@dataclass
class Block:
    """A paragraph (`is_row` False, one cell) or a table row. `loc` says where it was read."""

    cells: list[str]
    is_row: bool
    loc: SourceLocation = field(default_factory=SourceLocation)
    warning: str = ""  # a reader's note for Document.warnings (Chinese); such a block has no content

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
_PLAN_LABELS = ("3月底", "6月底", "10月底", "12月底", "3月", "6月", "10月", "12月")


def clean_cell(text: str) -> str:
    """Strip bookmarks, non-breaking spaces and outer whitespace; keep inner line breaks."""
    t = _BOOKMARK.sub("", text or "").replace("\u00a0", " ").replace("\u3000", " ")
    return "\n".join(line.strip() for line in t.strip().splitlines()).strip()


def compact(text: str) -> str:
    """A label for matching: no whitespace, full-width folded, no (必填)/★/colons."""
    t = normalize_text(clean_cell(text))
    return re.sub(r"\(必填\)|★|\*|[:：]$", "", t)


def is_label(cell: str, *labels: str) -> bool:
    c = compact(cell)
    return any(c == label or c.startswith(label) for label in labels)


def _value_after(cells: list[str], i: int) -> str:
    """The cell after the label at index i, '' when none or when it is itself a label."""
    for c in cells[i + 1 :]:
        if is_label(c, "项目编码", "项目名称", "预算数", "其中", "财政资金", "其他资金", "预算单位"):
            return ""
        return clean_cell(c)
    return ""


def header_columns(cells: list[str]) -> dict[str, int] | None:
    """Map an indicator header row to column indexes; None when the row is not such a header."""
    names = [compact(c) for c in cells]
    if not any("一级" in n for n in names) or not any(("三级" in n or "指标内容" in n or "指标名称" in n) for n in names):
        return None
    cols: dict[str, int] = {}
    for i, n in enumerate(names):
        if "一级" in n:
            cols.setdefault("level1", i)
        elif "二级" in n:
            cols.setdefault("level2", i)
        elif "三级" in n or "指标内容" in n or "指标名称" in n:
            cols.setdefault("level3", i)
        elif "描述" in n or "指标解释" in n or "指标说明" in n:
            cols.setdefault("description", i)
        elif "依据" in n:
            cols.setdefault("basis", i)
        elif "单位" in n:
            cols.setdefault("unit", i)
        elif "指标值" in n or "目标值" in n or "指标" in n and "值" in n:
            cols.setdefault("value", i)
    return cols if "value" in cols else None


class _Builder:
    def __init__(self, file: str):
        self.file = file
        self.doc = Document(source_file=file)
        self.part1: list[Block] = []
        self.project: Project | None = None
        self.columns: dict[str, int] | None = None
        self.expect: str = ""  # "purpose" | "plan" | "goal"
        self.level1 = self.level2 = ""
        self.seen_project = False

    # -- projects ---------------------------------------------------------------------------
    def _new_project(self, block: Block) -> Project:
        self._close_project()
        # a project is located by its table (and text line / page / sheet), not by a row of that table
        loc = block.loc.model_copy(update={"file": self.file, "table": len(self.doc.projects) + 1, "row": None})
        self.project = Project(source=loc)
        self.doc.projects.append(self.project)
        self.columns, self.expect, self.level1, self.level2 = None, "", "", ""
        self.seen_project = True
        return self.project

    def _close_project(self) -> None:
        p = self.project
        if p is None:
            return
        where = f"表{p.source.table}（{p.name or '未命名项目'}）"
        if not p.name:
            self.doc.warnings.append(f"{where}：未找到项目名称。")
        if p.budget is None:
            self.doc.warnings.append(f"{where}：未找到预算数。")
        if not p.indicators:
            self.doc.warnings.append(f"{where}：未找到绩效指标行。")

    def row(self, block: Block) -> None:
        cells = [clean_cell(c) for c in block.cells]
        if not any(cells):
            return
        unit_match = next((UNIT_CELL.match(c) for c in cells if UNIT_CELL.match(c)), None)
        starts = unit_match or any(is_label(c, "单位:万元", "单位：万元", "预算单位") for c in cells)
        if starts and not (self.project and self.project.name == "" and not self.project.indicators and self.project.unit_code == ""):
            self._new_project(block)
        if self.project is None:
            if any(is_label(c, "项目名称", "项目编码") for c in cells):
                self._new_project(block)
            else:
                self.part1.append(Block(cells=[" ".join(c for c in cells if c)], is_row=False, loc=block.loc))
                return
        p = self.project
        if unit_match:
            p.unit_code, p.unit_name = unit_match.group(1), unit_match.group(2).strip()
        for i, c in enumerate(cells):
            if is_label(c, "预算单位") and not unit_match:
                m = UNIT_CELL.match(_value_after(cells, i))
                if m:
                    p.unit_code, p.unit_name = m.group(1), m.group(2).strip()
                else:
                    p.unit_name = p.unit_name or _value_after(cells, i)

        if self.columns is not None:
            if any(is_label(c, "项目名称", "项目编码") for c in cells) and (p.name or p.indicators):
                p = self._new_project(block)
            else:
                self._indicator(cells, block)
                return

        header = header_columns(cells)
        if header is not None:
            self.columns, self.expect = header, ""
            return

        first = compact(cells[0]) if cells else ""
        if self.expect == "plan" and not any(is_label(c, "绩效目标", "年度绩效目标") for c in cells):
            pct = [parse_percent(c) for c in cells if parse_percent(c) is not None]
            if pct:
                self._set_plan(pct, [c for c in cells if c])
                self.expect = ""
                return
        if self.expect == "purpose" and not any(is_label(c, "资金支出计划", "绩效目标", "资金用途") for c in cells):
            text = "\n".join(c for c in cells if c and not is_label(c, "预算规模及资金用途"))
            if text:
                p.purpose = text
                self.expect = ""
                return

        for i, c in enumerate(cells):
            if is_label(c, "项目编码"):
                p.code = _value_after(cells, i)
            elif is_label(c, "项目名称"):
                p.name = _value_after(cells, i)
            elif compact(c) in ("预算数", "预算金额", "年度预算数", "预算数(万元)"):
                p.budget = parse_amount(_value_after(cells, i))
                self.expect = "purpose"
            elif "财政资金" in compact(c) or compact(c) == "其中:财政拨款":
                p.fiscal_funds = parse_amount(_value_after(cells, i))
            elif compact(c) == "其他资金":
                p.other_funds = parse_amount(_value_after(cells, i))
            elif compact(c) in ("资金用途", "项目资金用途"):
                p.purpose = _value_after(cells, i)
                self.expect = ""
        if any(is_label(c, "资金支出计划") for c in cells):
            rest = [c for c in cells[1:] if c and compact(c) not in _PLAN_LABELS]
            pct = [parse_percent(c) for c in rest if parse_percent(c) is not None]
            if len(pct) >= 4:
                self._set_plan(pct, rest)
            else:
                self.expect = "plan"
        elif first in ("绩效目标", "年度绩效目标", "项目绩效目标", "年度目标"):
            p.goal = "\n".join(c for c in cells[1:] if c)

    def _set_plan(self, pct: list[float | None], raw: list[str]) -> None:
        plan = self.project.spending_plan
        plan.mar, plan.jun, plan.oct, plan.dec = (pct + [None] * 4)[:4]
        plan.raw = raw[:4]

    def _indicator(self, cells: list[str], block: Block) -> None:
        cols = self.columns or {}
        width = max(cols.values()) + 1
        if len(cells) < width:  # pasted rows drop the leading merged cells: align right
            cells = [""] * (width - len(cells)) + cells

        def col(key: str) -> str:
            i = cols.get(key)
            return cells[i] if i is not None and i < len(cells) else ""

        l1, l2 = col("level1"), col("level2")
        if l1:
            self.level1 = l1
            if not l2:
                self.level2 = ""
        if l2:
            self.level2 = l2
        level3, value_raw = col("level3"), col("value")
        if not (level3 or value_raw or col("description")):
            return
        unit = col("unit")
        parse_input = value_raw + unit if unit and value_raw and not re.search(r"[^\d.≥≤<>=%]", value_raw) else value_raw
        value = parse_value(parse_input, level3, self.level2 + " " + self.level1)
        value.raw = value_raw
        p = self.project
        p.indicators.append(
            Indicator(
                level1=self.level1,
                level2=self.level2,
                level3=level3,
                description=col("description"),
                value_raw=value_raw,
                value=value,
                basis=col("basis"),
                unit_column=unit,
                source=block.loc.model_copy(update={"file": self.file, "table": p.source.table, "row": len(p.indicators) + 1}),
            )
        )

    # -- 第一部分 ------------------------------------------------------------------------------
    def paragraph(self, block: Block) -> None:
        text = clean_cell(block.text)
        if not text or text.lower() == "page number" or _TOC_LINE.search(block.text):
            return
        if self.seen_project:
            return  # headings between tables ("2.综合业务经费绩效目标表") add nothing the table lacks
        self.part1.append(Block(cells=[text], is_row=False, loc=block.loc))

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
        self._close_project()
        self._part1()
        units: dict[str, BudgetUnit] = {}
        for p in self.doc.projects:
            if p.unit_code or p.unit_name:
                units.setdefault(p.unit_code or p.unit_name, BudgetUnit(code=p.unit_code, name=p.unit_name))
        self.doc.units = list(units.values())
        if not self.doc.department and self.doc.units:
            self.doc.department = re.sub(r"本级$", "", self.doc.units[0].name)
        if self.doc.budget_year is None:
            years = [int(m) for p in self.doc.projects for m in re.findall(r"((?:19|20)\d{2})年", p.goal + p.name)]
            self.doc.budget_year = max(years) if years else None
        for p in self.doc.projects:
            if not any(canonical_level1(i.level1) for i in p.indicators) and p.indicators:
                self.doc.warnings.append(f"表{p.source.table}（{p.name}）：一级指标名称无法识别。")
        return self.doc


def build_document(blocks: list[Block], file: str) -> Document:
    """Assemble a Document from blocks; raise InputError when no 绩效目标表 is found."""
    b = _Builder(file)
    for block in blocks:
        if block.warning:
            b.doc.warnings.append(block.warning)
        elif block.is_row:
            b.row(block)
        else:
            b.paragraph(block)
    doc = b.finish()
    if not doc.projects:
        raise InputError(
            f"文件「{file}」中未识别到绩效目标表（需包含“项目名称”“预算数”“一级指标…指标值”等栏目）。"
            "请确认这是部门预算绩效文本，或改用 .docx/.xlsx/.pdf/.txt 原件。"
        )
    return doc
