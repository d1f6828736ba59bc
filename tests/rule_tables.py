"""Small 绩效目标表 built in code for the rule tests: a clean table plus one defect at a time."""

from __future__ import annotations

from assistant.models import Document, GoalArea, Indicator, Project, SourceLocation, SpendingPlan
from assistant.values import parse_value

OUT, BEN, SAT = "产出指标", "效益指标", "满意度指标"


def row(
    l1: str, l2: str, l3: str, value: str, desc: str | None = None, basis: str | None = None
) -> Indicator:
    if basis is None:  # a clean row: 满意度 rows name their survey method (SAT-METHOD)
        basis = "问卷调查" if "满意" in l1 else "2024年工作计划"
    return Indicator(
        level1=l1,
        level2=l2,
        level3=l3,
        description=desc if desc is not None else f"{l3}：按年度计划统计",
        value_raw=value,
        value=parse_value(value, l3, f"{l2} {l1}"),
        basis=basis,
    )


def clean_rows() -> list[Indicator]:
    """A table with nothing to flag: 10万元, 1000亩 at 100元/亩."""
    return [
        row(OUT, "数量指标", "人工造林面积", "≥1000亩"),
        row(OUT, "质量指标", "造林成活率", "≥85%"),
        row(OUT, "时效指标", "完成时间", "2024年10月底前完成"),
        row(OUT, "成本指标", "预算控制数", "≤10万元"),
        row(BEN, "生态效益指标", "新增森林面积", "≥1000亩"),
        row(SAT, "服务对象满意度指标", "群众满意度", "≥90%"),
    ]


def project(
    rows: list[Indicator] | None = None,
    *,
    name: str = "造林项目",
    budget: float | None = 10.0,
    goal: str = "1.完成人工造林1000亩，成活率不低于85%。",
    purpose: str = "支付造林补助",
    plan: tuple = (25.0, 50.0, 75.0, 100.0),
    table: int = 1,
) -> Project:
    p = Project(
        name=name,
        budget=budget,
        fiscal_funds=budget,
        goal=goal,
        purpose=purpose,
        spending_plan=SpendingPlan(
            mar=plan[0],
            jun=plan[1],
            oct=plan[2],
            dec=plan[3],
            raw=[f"{v:g}%" if v is not None else "" for v in plan],
        ),
        indicators=list(clean_rows() if rows is None else rows),
        source=SourceLocation(file="t.txt", table=table),
    )
    for n, i in enumerate(p.indicators, start=1):
        i.source = SourceLocation(file="t.txt", table=table, row=n)
    return p


def replace(rows: list[Indicator], l3: str, new: Indicator) -> list[Indicator]:
    return [new if i.level3 == l3 else i for i in rows]


def doc(*projects: Project, year: int = 2024, areas: list[GoalArea] | None = None, **kw) -> Document:
    ps = list(projects) or [project()]
    for n, p in enumerate(ps, start=1):
        p.source.table = n
        for i in p.indicators:
            i.source.table = n
    return Document(budget_year=year, projects=ps, goal_areas=areas or [], source_file="t.txt", **kw)


def ids(findings) -> list[str]:
    return sorted(f.rule_id for f in findings)
