"""The domain in pydantic: a 部门预算绩效文本, its 绩效目标表, review findings, drafts and answers.

Every project and indicator carries a SourceLocation so findings and answers can cite the row they
come from. Money is held in 万元 throughout; the raw cell text is always kept beside parsed values.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ValueKind = Literal[
    "quantity",  # number with a count/area/length unit: ≥201人, 11.94万亩, 1套
    "percentage",  # ≥95%, ≤1%
    "money",  # 100万元, 15000元
    "unit_price",  # 2809.09元/个, 10元/亩
    "date",  # 2024年6月完成, 2024年10月前完成, 已完成
    "duration",  # 三个工作日完成, 1年
    "qualitative",  # 达成年度指标 / 优良中差 / 按时缴纳 / 较上年提高
    "placeholder",  # 密, XX, ***, 待填写
    "empty",
]

Operator = Literal[">=", "<=", "=", ">", "<"]
Severity = Literal["error", "warning", "info"]
Category = Literal[
    "placeholder",
    "missing_value",
    "vague_value",
    "unit_missing",
    "cost_mismatch",
    "stale_date",
    "copied_text",
    "wrong_category",
    "missing_category",
    "implausible_value",
    "goal_indicator_gap",
    "spending_plan",
    "dept_misalignment",
]

CATEGORY_LABELS: dict[str, str] = {
    "placeholder": "占位/涉密/模板残留",
    "missing_value": "指标值或依据缺失",
    "vague_value": "指标值模糊、不可衡量",
    "unit_missing": "计量单位缺失或不明",
    "cost_mismatch": "成本指标与预算不符",
    "stale_date": "时间过期或已完成表述",
    "copied_text": "描述照抄",
    "wrong_category": "指标归类错误",
    "missing_category": "缺少必备指标",
    "implausible_value": "指标值不合理",
    "goal_indicator_gap": "绩效目标与指标不对应",
    "spending_plan": "资金支出计划不合理",
    "dept_misalignment": "与部门整体目标不一致",
}
SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}


class Model(BaseModel):
    """Strict base: unknown fields in a loaded JSON file fail loudly instead of vanishing."""

    model_config = ConfigDict(extra="forbid")


class SourceLocation(Model):
    """Where a project or row came from. `table` is the project's ordinal in the document (1-based),
    `row` the indicator row within that table (1-based), `line` a line in a text file, `page` a PDF
    page or a spreadsheet sheet name's index."""

    file: str = ""
    table: int | None = None
    row: int | None = None
    line: int | None = None
    page: int | None = None
    sheet: str | None = None
    section: str | None = None  # 第一部分: 总体绩效目标 / 分项绩效目标 / 工作保障措施
    item: int | None = None  # the 分项绩效目标 number

    def label(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.section:
            parts.append(self.section + (f"第{self.item}项" if self.item is not None else ""))
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」")
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.table is not None:
            parts.append(f"表{self.table}")
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.line is not None:
            parts.append(f"（原文第{self.line}行）")
        return " ".join(parts)


class Value(Model):
    """A parsed 指标值. `normalized` holds money in 万元, area in 亩, unit prices in 元 per unit."""

    raw: str = ""
    kind: ValueKind = "empty"
    operator: Operator | None = None
    number: float | None = None
    unit: str | None = None
    normalized: float | None = None
    normalized_unit: str | None = None
    per: str | None = None  # the unit of a unit price: 个 in 2809.09元/个
    year: int | None = None
    month: int | None = None
    past_tense: bool = False  # 已完成, 已支付
    graded: bool = False  # a qualitative value with a stated scale (达成/部分达成/未达成, 优良中差)


class Indicator(Model):
    level1: str = ""  # 一级指标
    level2: str = ""  # 二级指标
    level3: str = ""  # 三级指标
    description: str = ""  # 绩效指标描述
    value_raw: str = ""  # 指标值 as written
    value: Value = Field(default_factory=Value)
    basis: str = ""  # 指标值确定依据
    unit_column: str = ""  # 计量单位, where a layout has its own column
    operator_column: str = ""  # 指标方向 / 计算符号 (≥, 大于等于, 正向…), where a layout has its own column
    actual_raw: str = ""  # 实际完成值 of a self-evaluation (绩效自评表)
    values: list[str] = Field(default_factory=list)  # one 指标值 per sub-unit column, where a table has them
    grades: list[str] = Field(default_factory=list)  # 优/良/中/差 thresholds of a graded table (value = 优)
    weight: str = ""  # 分值 / 权重, where a table has them
    score: str = ""  # 得分 of a self-evaluation
    reason: str = ""  # 未完成原因 / 偏差原因 of a self-evaluation
    source: SourceLocation = Field(default_factory=SourceLocation)


class SpendingPlan(Model):
    """资金支出计划: cumulative % spent by the end of March, June, October and December."""

    mar: float | None = None
    jun: float | None = None
    oct: float | None = None
    dec: float | None = None
    raw: list[str] = Field(default_factory=list)

    def as_list(self) -> list[float | None]:
        return [self.mar, self.jun, self.oct, self.dec]


class Project(Model):
    unit_code: str = ""  # 预算单位 code, 324001
    unit_name: str = ""  # 预算单位 name
    code: str = ""  # 项目编码
    name: str = ""  # 项目名称
    budget: float | None = None  # 预算数 (the year's amount), 万元
    mid_budget: float | None = None  # 中期资金总额 of a 中期/年度 table, 万元
    fiscal_funds: float | None = None  # 其中：财政资金, 万元
    other_funds: float | None = None  # 其他资金, 万元
    purpose: str = ""  # 资金用途
    spending_plan: SpendingPlan = Field(default_factory=SpendingPlan)
    goal: str = ""  # 绩效目标 (the year's; a one-year table's 总体目标)
    mid_goal: str = ""  # 中期目标 / 总体目标 of a 中期/年度 table
    period: str = ""  # 项目期 / 建设周期 / 实施期限 as written
    indicators: list[Indicator] = Field(default_factory=list)
    truncated: bool = False  # the page stops inside this table: rows after the last one read are missing
    layout: list[str] = Field(default_factory=list)  # fields and columns the table has (purpose, basis…); empty: unknown
    source: SourceLocation = Field(default_factory=SourceLocation)


class BudgetUnit(Model):
    code: str = ""
    name: str = ""


class GoalArea(Model):
    """One 分项绩效目标 of the department: a numbered area with goal and indicator text."""

    number: int
    title: str
    goal: str = ""
    indicators_text: str = ""


DocumentKind = Literal["target_table", "dept_overall", "self_eval", "approval", "other"]
DOCUMENT_KINDS: dict[str, str] = {
    "target_table": "项目支出绩效目标表",
    "dept_overall": "部门整体支出绩效目标表",
    "self_eval": "绩效自评表",
    "approval": "绩效目标批复/审核表",
    "other": "不是绩效目标表",
}


class Document(Model):
    kind: DocumentKind = "target_table"
    title: str = ""
    cover: list[str] = Field(default_factory=list)  # cover-page lines: title, 编制/审核 lines
    department: str = ""
    budget_year: int | None = None
    units: list[BudgetUnit] = Field(default_factory=list)
    overall_goal: str = ""  # 总体绩效目标
    goal_areas: list[GoalArea] = Field(default_factory=list)  # 分项绩效目标
    safeguards: str = ""  # 工作保障措施
    projects: list[Project] = Field(default_factory=list)
    source_file: str = ""
    # where the knowledge base read it from: a full path, or upload:<content hash>; empty elsewhere
    origin: str = ""
    warnings: list[str] = Field(default_factory=list)  # what a reader could not read, in Chinese

    def total_budget(self) -> float:
        return round(sum(p.budget or 0.0 for p in self.projects), 2)


class Finding(Model):
    """One defect, the same shape whether a rule or an LLM found it."""

    category: Category
    severity: Severity
    rule_id: str
    project: str | None = None  # 项目名称; None for document-level findings
    indicator: str | None = None  # 三级指标
    location: SourceLocation = Field(default_factory=SourceLocation)
    message: str
    suggestion: str
    evidence: str  # exact source text
    source: Literal["rule", "llm"] = "rule"


class Citation(Model):
    document: str = ""
    project: str | None = None
    row: int | None = None
    field: str | None = None  # which column or field was cited: 预算数, 指标值...
    quote: str = ""  # the cited cell text, verbatim
    location: SourceLocation = Field(default_factory=SourceLocation)


class Answer(Model):
    question: str
    text: str
    citations: list[Citation] = Field(default_factory=list)
    engine: Literal["offline", "llm"] = "offline"
    not_found: bool = False
    notice: str = ""  # e.g. a fallback from the LLM to the offline engine


class Precedent(Model):
    """A prior-year row a drafted row was derived from."""

    document: str = ""
    project: str = ""
    row: int | None = None
    level3: str = ""
    value_raw: str = ""
    location: SourceLocation = Field(default_factory=SourceLocation)


class DraftRow(Model):
    indicator: Indicator
    precedents: list[Precedent] = Field(default_factory=list)
    confidence: float = 0.0  # 0..1
    note: str = ""  # how the value was derived, in Chinese


def next_budget_year() -> int:
    """Budgets are drafted for the coming year."""
    import datetime

    return datetime.date.today().year + 1


class DraftRequest(Model):
    name: str
    budget: float  # 万元
    purpose: str = ""
    year: int = Field(default_factory=next_budget_year)
    fiscal_funds: float | None = None
    other_funds: float | None = None
    unit_name: str = ""
    unit_code: str = ""
    department: str = ""
    hints: str = ""


class Draft(Model):
    request: DraftRequest
    project: Project
    rows: list[DraftRow] = Field(default_factory=list)
    engine: Literal["offline", "llm"] = "offline"
    findings: list[Finding] = Field(default_factory=list)  # what remains after self-review
    notes: list[str] = Field(default_factory=list)  # e.g. precedents were weak
