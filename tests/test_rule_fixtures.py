"""Every review rule against its YAML fixture: a table where it must fire and the near miss where it must not.

One file per rule: tests/rules/<RULE-ID>.yaml. A rule of assistant/rules/default.yaml without a fixture
fails `test_every_rule_has_a_fixture`, and so does a fixture named after no rule. Each case runs that
rule alone (review_document(doc, rules=[rule])), so a fixture says what the rule sees, nothing else.

Fixture format (every key optional except fail and pass; typos fail loudly):

    # what the rule checks, and why the passing case is the near miss a reviewer accepts
    project:                      # the base table; default: the clean 造林 table of tests/rule_tables.py
      name: 家庭医生签约服务        # fields left out keep that table's values
      budget: 35.6                # 预算数, 万元 (null: not filled in)
      fiscal: 35.6                # 财政资金 (default: = budget), other: 其他资金
      goal: 1.签约服务重点人群12000人。
      purpose: 支付签约服务费
      period: 2024年1月-12月       # 项目期
      plan: [25, 50, 75, 100]     # 资金支出计划, cumulative % at the end of 3/6/10/12月 (null: blank)
      layout: [purpose, basis, plan, budget]   # the fields the template has (empty: unknown)
      truncated: false            # the page stops inside this table
      rows:                       # [一级, 二级, 三级, 指标值, 描述?, 依据?] or a mapping with
        - [产出指标, 数量指标, 签约人数, ≥12000人]    # l1 l2 l3 value desc basis unit op actual weight score
    document: {budget_year: 2024, kind: target_table, title: …, cover: […], source_text: …,
               goal_areas: [{number: 1, title: …, goal: …, indicators: …}]}
    fail:                         # one case or a list; each changes the base:
      note: why a reviewer sends it back
      project: {budget: 3.09}     # field overrides (rows excluded)
      document: {budget_year: 2025}
      rows: […]                   # a whole new row list, or edits of the base rows:
      replace: {签约人数: [产出指标, 数量指标, 签约人数, ≤12000人]}   # by 三级 name
      add: [[…]]
      remove: [签约人数]
      finding: ≤12000人           # text (or a list) some finding of the rule must quote, name or suggest
      known_wrong: …              # the rule gets this realistic case wrong today (say why): the case is an
                                  # expected failure, and the test fails once the rule is fixed, so the
                                  # marker comes off
    pass: …                       # same keys without finding: the rule must stay silent

A row's 描述 defaults to "<三级>：按年度计划统计" and its 依据 to "<budget_year>年工作计划" (问卷调查 on a
满意度 row), so a default row is clean.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field
from rule_tables import project as clean_project

from assistant.models import (
    Document,
    DocumentKind,
    GoalArea,
    Indicator,
    Project,
    SourceLocation,
    SpendingPlan,
)
from assistant.review.reviewer import review_document
from assistant.rules import default_rules
from assistant.values import parse_value
from assistant.yamlfile import read_yaml

FIXTURES = Path(__file__).resolve().parent / "rules"
RULES = {r.id: r for r in default_rules()}

RowSpec = list[str] | dict[str, str]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProjectSpec(Strict):
    name: str | None = None
    budget: float | None = None
    fiscal: float | None = None
    other: float | None = None
    goal: str | None = None
    purpose: str | None = None
    period: str | None = None
    plan: list[float | None] | None = Field(default=None, min_length=4, max_length=4)
    layout: list[str] | None = None
    truncated: bool | None = None
    rows: list[RowSpec] | None = None


class GoalAreaSpec(Strict):
    number: int
    title: str
    goal: str = ""
    indicators: str = ""


class DocumentSpec(Strict):
    budget_year: int | None = None
    kind: DocumentKind | None = None
    title: str | None = None
    cover: list[str] | None = None
    goal_areas: list[GoalAreaSpec] | None = None
    source_text: str | None = None


class Case(Strict):
    note: str = ""
    project: ProjectSpec = Field(default_factory=ProjectSpec)
    document: DocumentSpec = Field(default_factory=DocumentSpec)
    rows: list[RowSpec] | None = None
    replace: dict[str, RowSpec] = Field(default_factory=dict)
    add: list[RowSpec] = Field(default_factory=list)
    remove: list[str] = Field(default_factory=list)
    finding: str | list[str] | None = None
    known_wrong: str = ""  # the rule gets this realistic case wrong today: an expected failure (strict)


class Fixture(Strict):
    project: ProjectSpec = Field(default_factory=ProjectSpec)
    document: DocumentSpec = Field(default_factory=DocumentSpec)
    fail: Case | list[Case]
    passing: Case | list[Case] = Field(alias="pass")

    def cases(self) -> list[tuple[Literal["fail", "pass"], Case]]:
        fails = self.fail if isinstance(self.fail, list) else [self.fail]
        passes = self.passing if isinstance(self.passing, list) else [self.passing]
        return [("fail", c) for c in fails] + [("pass", c) for c in passes]


def load_fixture(rule_id: str) -> Fixture:
    return Fixture.model_validate(read_yaml(FIXTURES / f"{rule_id}.yaml", "规则样例"))


def build_row(spec: RowSpec, year: int | None) -> Indicator:
    if isinstance(spec, list):
        if not 4 <= len(spec) <= 6:
            raise ValueError(f"指标行应为 [一级, 二级, 三级, 指标值, 描述?, 依据?]：{spec}")
        spec = dict(zip(("l1", "l2", "l3", "value", "desc", "basis"), spec, strict=False))
    unknown = set(spec) - {"l1", "l2", "l3", "value", "desc", "basis", "unit", "op", "actual", "weight", "score"}
    if unknown:
        raise ValueError(f"指标行的未知字段 {sorted(unknown)}：{spec}")
    l1, l2, l3, value = (str(spec.get(k) or "") for k in ("l1", "l2", "l3", "value"))
    basis = spec.get("basis")
    if basis is None:
        basis = "问卷调查" if "满意" in l1 else f"{year or 2024}年工作计划"
    desc = spec.get("desc")
    return Indicator(
        level1=l1,
        level2=l2,
        level3=l3,
        description=f"{l3}：按年度计划统计" if desc is None else str(desc),
        value_raw=value,
        value=parse_value(value, l3, f"{l2} {l1}"),
        basis=str(basis),
        unit_column=str(spec.get("unit") or ""),
        operator_column=str(spec.get("op") or ""),
        actual_raw=str(spec.get("actual") or ""),
        weight=str(spec.get("weight") or ""),
        score=str(spec.get("score") or ""),
    )


def _apply_project(p: Project, spec: ProjectSpec) -> None:
    given = spec.model_fields_set
    for key, attr in (("name", "name"), ("goal", "goal"), ("purpose", "purpose"), ("period", "period")):
        if key in given:
            setattr(p, attr, getattr(spec, key) or "")
    if "budget" in given:
        p.budget = spec.budget
        p.fiscal_funds = spec.budget
    if "fiscal" in given:
        p.fiscal_funds = spec.fiscal
    if "other" in given:
        p.other_funds = spec.other
    if "plan" in given:
        plan = spec.plan or [None] * 4
        raw = [f"{v:g}%" if v is not None else "" for v in plan]
        p.spending_plan = SpendingPlan(mar=plan[0], jun=plan[1], oct=plan[2], dec=plan[3], raw=raw)
    if "layout" in given:
        p.layout = list(spec.layout or [])
    if "truncated" in given:
        p.truncated = bool(spec.truncated)


def _apply_document(fields: dict[str, Any], spec: DocumentSpec) -> None:
    for key in spec.model_fields_set:
        value = getattr(spec, key)
        if key == "goal_areas":
            value = [
                GoalArea(number=a.number, title=a.title, goal=a.goal, indicators_text=a.indicators)
                for a in value or []
            ]
        fields[key] = value


def _edit_rows(rows: list[Indicator], case: Case, year: int | None) -> list[Indicator]:
    if case.rows is not None:
        rows = [build_row(r, year) for r in case.rows]
    names = [i.level3 for i in rows]
    for name in [*case.replace, *case.remove]:
        if name not in names:
            raise ValueError(f"样例要替换或删除的三级指标「{name}」不在表中：{names}")
    rows = [build_row(case.replace[i.level3], year) if i.level3 in case.replace else i for i in rows]
    rows = [i for i in rows if i.level3 not in case.remove]
    return rows + [build_row(r, year) for r in case.add]


def build_case(fx: Fixture, case: Case) -> tuple[Document, str | None]:
    """The document a case describes (base project and document, then the case's changes) and the
    raw source text, if any."""
    fields: dict[str, Any] = {"budget_year": 2024, "kind": "target_table"}
    _apply_document(fields, fx.document)
    _apply_document(fields, case.document)
    source_text = fields.pop("source_text", None)
    year = fields["budget_year"]
    p = clean_project()
    _apply_project(p, fx.project)
    _apply_project(p, case.project)
    if fx.project.rows is not None:
        p.indicators = [build_row(r, year) for r in fx.project.rows]
    p.indicators = _edit_rows(p.indicators, case, year)
    p.source = SourceLocation(file="t.txt", table=1)
    for n, i in enumerate(p.indicators, start=1):
        i.source = SourceLocation(file="t.txt", table=1, row=n)
    doc = Document(
        projects=[p],
        source_file="t.txt",
        **{k: v for k, v in fields.items() if v is not None or k == "budget_year"},
    )
    return doc, source_text


def _fixture_ids() -> list[str]:
    return sorted(p.stem for p in FIXTURES.glob("*.yaml"))


def _params():
    out = []
    for rule_id in _fixture_ids():
        if rule_id not in RULES:
            continue  # test_every_rule_has_a_fixture names it
        counts = {"fail": 0, "pass": 0}
        for kind, case in load_fixture(rule_id).cases():
            counts[kind] += 1
            marks = [pytest.mark.xfail(strict=True, reason=case.known_wrong)] if case.known_wrong else []
            out.append(pytest.param(rule_id, kind, case, id=f"{rule_id}-{kind}{counts[kind]}", marks=marks))
    return out


def test_every_rule_has_a_fixture():
    fixtures = set(_fixture_ids())
    missing = sorted(set(RULES) - fixtures)
    unknown = sorted(fixtures - set(RULES))
    assert not missing, f"这些规则没有样例（tests/rules/<规则编号>.yaml）：{'、'.join(missing)}"
    assert not unknown, f"这些样例对应的规则不存在：{'、'.join(unknown)}"


@pytest.mark.parametrize("rule_id, kind, case", _params())
def test_rule_fixture(rule_id: str, kind: str, case: Case):
    fx = load_fixture(rule_id)
    doc, source_text = build_case(fx, case)
    rule = RULES[rule_id]
    findings = review_document(doc, rules=[rule], source_text=source_text).findings
    shown = [f"{f.evidence}｜{f.message}" for f in findings]
    if kind == "pass":
        assert case.finding is None, f"{rule_id} 的通过用例不应写 finding"
        assert findings == [], f"{rule_id} 不应提示（{case.note}）：{shown}"
        return
    fragments = [case.finding] if isinstance(case.finding, str) else case.finding or []
    assert fragments, f"{rule_id} 的失败用例要写 finding：提示必须指出的文字"
    assert findings, f"{rule_id} 应当提示（{case.note}），但没有提示"
    assert {(f.rule_id, f.category) for f in findings} == {(rule_id, rule.category)}
    for frag in fragments:
        assert any(
            frag in f"{f.evidence} {f.message} {f.suggestion} {f.indicator or ''}" for f in findings
        ), f"{rule_id} 的提示没有指出「{frag}」：{shown}"
