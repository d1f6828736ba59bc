"""The LLM drafting engine: a model writes the 绩效目标表 from similar prior-year projects, our reviewer
checks it, and the model revises what the reviewer objects to (bounded).

`LLMDrafter.draft` always returns a Draft with the same contract as the offline engine (self-reviewed,
no error-level findings): when the model fails, or its table is still incomplete or wrong after the last
revision, the offline engine drafts instead and Draft.notes says why.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from ..categories import COST, canonical_level2
from ..errors import AssistantError, LLMError
from ..kb.embeddings import get_embedder
from ..llm import StructuredResult, action, prompt, structured_call
from ..models import SEVERITY_LABELS, Draft, DraftRequest, DraftRow, Finding, Indicator, Project, SpendingPlan
from ..values import format_number, parse_value
from .library_rows import pick
from .offline import OfflineDrafter
from .plan import Plan, make_plan
from .precedents import PrecedentSource, Similar, flagged_rows
from .quality import cost_matches_budget, garbage_name, missing_categories, value_matches
from .rows import Candidate
from .selfcheck import review_draft, self_review

MAX_REVISIONS = 2
Text = Annotated[str, Field(min_length=1)]
Percent = Annotated[float, Field(ge=0, le=100)]


class RowOut(BaseModel):
    """One indicator row as the model writes it."""

    level1: Text = Field(description="一级指标：产出指标 / 效益指标 / 满意度指标")
    level2: Text = Field(
        description="二级指标，如 数量指标、质量指标、时效指标、成本指标、社会效益指标、服务对象满意度指标"
    )
    level3: Text = Field(description="三级指标名称")
    description: Text = Field(description="绩效指标描述，不能与三级指标相同")
    value: Text = Field(description="指标值，如 ≥1000亩、≥95%、2025年6月底前完成、≤80万元")
    basis: Text = Field(description="指标值确定依据")
    precedents: list[str] = Field(
        default_factory=list, description="借鉴的往年指标编号，如 P1-R3；没有则为空数组"
    )
    confidence: float = Field(0.5, description="对该行指标值的把握，0～1")


class DraftOut(BaseModel):
    """The table the model drafts."""

    goal: Text = Field(description="绩效目标")
    spending_plan: list[Percent] = Field(
        min_length=4,
        max_length=4,
        description="截至3月底、6月底、10月底、12月底的累计支出百分比，如 [25, 50, 75, 100]",
    )
    rows: list[RowOut] = Field(min_length=1, description="指标行")


class _Rejected(Exception):
    """The model's table was still incomplete or wrong after the last revision."""


# --- what the model sees --------------------------------------------------------------------------
def request_text(req: DraftRequest) -> str:
    lines = [f"项目名称：{req.name}", f"预算数：{format_number(req.budget)}万元"]
    if req.fiscal_funds is not None or req.other_funds is not None:
        lines.append(
            f"其中财政资金：{format_number(req.fiscal_funds or 0)}万元，其他资金：{format_number(req.other_funds or 0)}万元"
        )
    for label, value in (
        ("预算单位", req.unit_name),
        ("部门", req.department),
        ("资金用途/项目描述", req.purpose),
        ("补充说明", req.hints),
    ):
        if value:
            lines.append(f"{label}：{value}")
    return "\n".join(lines)


def quantities_text(plan: Plan) -> str:
    """The description's numbers as the rows they call for, the numbers that are not quantities, checks."""
    r = plan.reading
    lines = [f"- {q.level2}｜{q.name}｜{q.value}（原文“{q.source}”）" for q in r.quantities if q.role != "derived" or q.kind == "derived"]
    lines += [f"- “{u.text}”：不设指标（{u.reason}）" for u in r.unused]
    lines += [f"- 核对：{c}" for c in r.checks]
    return "\n".join(lines) or "（描述中没有数字：数量指标请按项目任务合理设定）"


def library_text(plan: Plan, per_level2: int = 3) -> str:
    """The sector's common indicators per 二级 (ranked for this project), for the model to draw on."""
    if not plan.sectors:
        return "（未识别出领域：请按项目用途设定常见指标）"
    lines = [f"领域：{plan.sector.sector}"]
    for level2 in ("数量指标", "质量指标", "时效指标", "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标"):
        for p in pick(plan.sectors, level2, plan.text, per_level2):
            e = p.entry
            lines.append(f"- {level2}｜{e.name}｜{e.value_for(plan.req.year, plan.req.budget)}｜{e.basis}")
    return "\n".join(lines)


def precedent_catalog(similar: list[Similar], year: int) -> tuple[dict[str, Candidate], str]:
    """Ids P<k>-R<n> for the usable rows of the similar projects, and their text for the prompt.
    Rows our reviewer objects to (vague, stale, misfiled…) and placeholders are not offered."""
    flagged = flagged_rows(similar, year)
    catalog: dict[str, Candidate] = {}
    blocks = []
    for k, s in enumerate(similar, 1):
        p = s.project
        budget = f"{format_number(p.budget)}万元" if p.budget is not None else "未注明"
        lines = [f"### P{k}《{s.document}》「{p.name}」（预算数{budget}，相似度{s.score:.2f}）"]
        lines += [f"资金用途：{p.purpose}"] if p.purpose else []
        lines += [f"资金支出计划（累计）：{' / '.join(p.spending_plan.raw)}"] if p.spending_plan.raw else []
        lines += [f"绩效目标：{p.goal}"] if p.goal else []
        for n, ind in enumerate(p.indicators, 1):
            if ind.value.kind == "placeholder" or (id(p), ind.source.row) in flagged:
                continue
            rid = f"P{k}-R{n}"
            catalog[rid] = Candidate(ind, p, s.document, s.score)
            cells = (ind.level1, ind.level2, ind.level3, ind.description, ind.value_raw, ind.basis)
            lines.append(f"[{rid}] " + "｜".join(c or "（空）" for c in cells))
        blocks.append("\n".join(lines))
    return catalog, "\n\n".join(blocks) or "（没有可参考的往年项目：请依据项目描述和通用要求起草）"


# --- from answer to Draft -------------------------------------------------------------------------
def build_draft(
    req: DraftRequest, answer: DraftOut, catalog: dict[str, Candidate]
) -> tuple[Draft, list[str]]:
    """The answer as a Draft (values parsed, precedent ids mapped to real rows); also the unknown ids."""
    plan = answer.spending_plan
    project = Project(
        name=req.name,
        budget=req.budget,
        fiscal_funds=req.fiscal_funds if req.fiscal_funds is not None else req.budget,
        other_funds=req.other_funds,
        purpose=req.purpose,
        unit_code=req.unit_code,
        unit_name=req.unit_name,
        goal=answer.goal.strip(),
        spending_plan=SpendingPlan(
            mar=plan[0], jun=plan[1], oct=plan[2], dec=plan[3], raw=[f"{format_number(v)}%" for v in plan]
        ),
    )
    draft = Draft(request=req, project=project, engine="llm")
    unknown: list[str] = []
    for r in answer.rows:
        ids = [i.strip().strip("[]") for i in r.precedents]
        unknown += [i for i in ids if i not in catalog]
        known = list(dict.fromkeys(i for i in ids if i in catalog))
        level3 = r.level3.strip()
        ind = Indicator(
            level1=r.level1.strip(),
            level2=r.level2.strip(),
            level3=level3,
            description=r.description.strip(),
            value_raw=r.value.strip(),
            value=parse_value(r.value.strip(), level3, r.level2 + r.level1),
            basis=r.basis.strip(),
        )
        note = "大模型参考往年同类指标起草" if known else "大模型起草，未引用往年指标，请核对"
        draft.rows.append(
            DraftRow(
                indicator=ind,
                precedents=[catalog[i].precedent() for i in known],
                confidence=round(min(1.0, max(0.0, r.confidence)), 2),
                note=note,
            )
        )
    project.indicators = [r.indicator for r in draft.rows]
    return draft, unknown


def problems_of(draft: Draft, plan: Plan | None = None) -> tuple[list[str], bool]:
    """Problem lines for a revision request, and whether any of them blocks the draft (incomplete,
    cost ≠ budget, a description number lost, a name no clerk would write, an error finding). Warnings
    are sent back too but may remain after the last round."""
    lines, blocking = [], False
    if plan is not None:
        values = [i.value_raw for i in draft.project.indicators]
        for q in plan.reading.quantities:
            if q.role != "derived" and not any(value_matches(q.value, v, draft.request.year) for v in values):
                lines.append(f"- [错误] 项目描述中的“{q.source}”没有对应的指标行：请设置“{q.name}”，指标值 {q.value}。")
                blocking = True
    for i in draft.project.indicators:
        why = garbage_name(i.level3)
        if why:
            lines.append(f"- [错误] 三级指标“{i.level3}”不是规范的指标名称（{why}），请改成“对象+动作+计量”的名词短语。")
            blocking = True
    findings: list[Finding] = [f for f in review_draft(draft) if f.severity in ("error", "warning")]
    if missing := missing_categories(draft.project):
        lines.append(f"- [错误] 缺少必备指标：{'、'.join(missing)}。")
        blocking = True
    if not cost_matches_budget(draft.project):
        have = [i.value_raw for i in draft.project.indicators if canonical_level2(i.level2) == COST]
        got = f"（现为 {'、'.join(have)}）" if have else "（现在没有成本指标）"
        lines.append(
            f"- [错误] 成本指标应有一行“项目总成本”，指标值 ≤{format_number(draft.request.budget)}万元{got}。"
        )
        blocking = True
    for f in findings:
        where = f"第{f.location.row}行「{f.indicator}」" if f.location.row else "整表"
        lines.append(
            f"- [{SEVERITY_LABELS[f.severity]}] {where}：{f.message}（原文：{f.evidence}）建议：{f.suggestion}"
        )
        blocking = blocking or f.severity == "error"
    return lines, blocking


# --- the engine -----------------------------------------------------------------------------------
class LLMDrafter:
    """Draft with the model (one call plus at most MAX_REVISIONS revisions), then self-review; on any
    failure the offline engine drafts instead and the first note says why."""

    engine = "llm"

    def __init__(self, chat_model, precedents: PrecedentSource):
        self.chat, self.precedents = chat_model, precedents

    def draft(self, req: DraftRequest) -> Draft:
        try:
            with action():  # one deadline for the draft and its revisions
                return _draft(req, self.precedents, self.chat)
        except _Rejected as exc:
            reason = str(exc)
        except AssistantError as exc:
            reason = f"大模型起草失败（{str(exc).rstrip('。')}）"
        d = OfflineDrafter(self.precedents).draft(req)
        d.notes.insert(0, f"{reason}，已改用离线引擎。")
        return d


def _draft(req: DraftRequest, precedents: PrecedentSource, chat_model) -> Draft:
    plan = make_plan(req, precedents, get_embedder())
    catalog, examples = precedent_catalog(plan.alike, req.year)
    chat = chat_model
    system = prompt(
        "draft", year=req.year, budget=format_number(req.budget), request=request_text(req), precedents=examples,
        quantities=quantities_text(plan), library=library_text(plan),
    )
    base = [("system", system), ("user", f"请为项目「{req.name}」起草绩效目标表，按要求输出 JSON。")]
    result = _ask(chat, base)
    for revision in range(MAX_REVISIONS + 1):
        draft, unknown = build_draft(req, result.parsed, catalog)
        problems, blocking = problems_of(draft, plan)
        if not problems or (revision == MAX_REVISIONS and not blocking):
            break
        if revision == MAX_REVISIONS:
            summary = "；".join(p.lstrip("- ") for p in problems[:3])
            raise _Rejected(f"大模型起草的绩效目标表经{MAX_REVISIONS}次修改仍未通过检查（{summary}）")
        revise = prompt(
            "draft_revise",
            problems="\n".join(problems),
            round=revision + 1,
            max_rounds=MAX_REVISIONS,
            budget=format_number(req.budget),
            year=req.year,
        )
        try:
            result = _ask(chat, [*base, ("assistant", result.raw), ("user", revise)])
        except LLMError as exc:
            if blocking:
                raise
            # The table is complete and free of errors: keep it rather than lose it to a failed revision.
            draft.notes.append(f"大模型修改时出错（{str(exc).rstrip('。')}），保留修改前的稿子。")
            break
    if revision:
        draft.notes.append(f"大模型按自查意见修改了{revision}次。")
    if unknown:
        draft.notes.append(f"大模型引用的往年指标编号{'、'.join(dict.fromkeys(unknown))}不存在，已忽略。")
    if not plan.alike:
        draft.notes.append(
            "往年资料中没有足够相似的同领域项目，大模型依据项目描述和指标库起草，请重点核对各项指标值。"
        )
    draft.notes += [f"项目描述中的“{u.text}”未设指标：{u.reason}。" for u in plan.reading.unused] + plan.reading.checks
    return self_review(draft)


def _ask(chat, messages) -> StructuredResult[DraftOut]:
    try:
        return structured_call(chat, messages, DraftOut, max_retries=2)
    except (ValueError, TypeError, KeyError) as exc:  # a non-OpenAI body the client could not read
        raise LLMError(f"大模型服务返回了无法识别的响应（{type(exc).__name__}）") from exc
