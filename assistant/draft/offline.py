"""Drafting a 绩效目标表 from a project description, grounded in similar prior-year projects.

The offline engine assembles the table from precedent rows and the description's own numbers; the
LLM engine (llm.py) asks a model for the same Draft. Both end in `self_review`: a returned draft has
no error-level findings from our reviewer.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..categories import (
    BENEFIT,
    COST,
    OUTPUT,
    QUALITY,
    QUANTITY,
    SATISFACTION,
    SUSTAINABLE,
    TIMELINESS,
    canonical_level2,
)
from ..kb.embeddings import Embedder, get_embedder
from ..models import Draft, DraftRequest, DraftRow, Project
from ..values import format_number
from ..yamlfile import read_yaml
from .precedents import PrecedentSource, flagged_rows
from .rows import (
    SLOTS,
    Candidate,
    Description,
    Slot,
    deadline_value,
    goal_text,
    is_measurable,
    make_indicator,
    measurable_benefit,
    read_description,
    scale_quantity,
    spending_plan,
)
from .selfcheck import self_review

WEAK_SIMILARITY = 0.875  # e5 cosine below which a precedent project is not really alike
ROW_FIT_MIN = 0.866  # e5 cosine between a precedent row and the description below which it does not fit
TEMPLATES = Path(__file__).resolve().parent.parent / "data" / "draft_templates.yaml"
_RECURRING = re.compile(r"运转|运行|维护|运维|经费|保险|工资|补助|补贴|日常|服务费")


@lru_cache(maxsize=1)
def templates() -> dict[str, dict[str, str]]:
    return read_yaml(TEMPLATES, "起草模板文件")


def _ranked(candidates: list[Candidate], text: str, embedder: Embedder) -> list[Candidate]:
    """Candidates whose row fits the description, best first: project similarity x row quality x fit."""
    if not candidates:
        return []
    vecs = embedder.embed_passages([f"{c.indicator.level3} {c.indicator.description}" for c in candidates])
    fit = vecs @ embedder.embed_query(text)
    scored = []
    for c, f in zip(candidates, fit):
        if float(f) < ROW_FIT_MIN:
            continue
        quality = 1.0 if is_measurable(c.indicator) else 0.6
        scored.append((c.similarity * quality * float(f), c))
    return [c for _, c in sorted(scored, key=lambda sc: sc[0], reverse=True)]


def _template_row(level1: str, level2: str) -> DraftRow | None:
    t = templates().get(level2)
    if t is None:
        return None
    ind = make_indicator(level1, level2, t["level3"], t["description"], str(t["value"]), t["basis"])
    return DraftRow(indicator=ind, precedents=[], confidence=0.3, note="往年资料中没有合适的同类指标，采用通用指标")


class OfflineDrafter:
    """Rules and retrieval, no generation."""

    engine = "offline"

    def __init__(self, precedents: PrecedentSource, embedder: Embedder | None = None):
        self.precedents = precedents
        self.embedder = embedder or get_embedder()

    def draft(self, req: DraftRequest) -> Draft:
        """A complete, self-reviewed draft (no error-level findings left)."""
        return self_review(self.compose(req))

    def compose(self, req: DraftRequest) -> Draft:
        """The table as assembled from precedents and the description, before self-review."""
        text = f"{req.name} {req.purpose} {req.hints}".strip()
        desc = read_description(f"{req.purpose} {req.hints}")
        similar = self.precedents.similar_projects(text, k=5)
        project = Project(
            name=req.name, budget=req.budget, fiscal_funds=req.fiscal_funds if req.fiscal_funds is not None else req.budget,
            other_funds=req.other_funds, purpose=req.purpose, unit_code=req.unit_code, unit_name=req.unit_name,
        )
        draft = Draft(request=req, project=project, engine="offline")
        flagged = flagged_rows(similar, req.year)
        pool = [
            Candidate(i, s.project, s.document, s.score) for s in similar for i in s.project.indicators
            if i.value.kind != "placeholder" and (id(s.project), i.source.row) not in flagged
        ]
        self.weak = not similar or similar[0].score < WEAK_SIMILARITY
        ranked = _ranked(pool, text, self.embedder)
        for slot in SLOTS:
            options = [c for c in ranked if canonical_level2(c.indicator.level2) in slot.accepts]
            draft.rows += self._fill(slot, options, req, desc)
        project.indicators = [r.indicator for r in draft.rows]
        grounded = [r for r in draft.rows if r.precedents and r.note.startswith(("沿用", "按往年"))]
        own = [r for r in draft.rows if r.note.startswith(("取自项目描述", "按本项目预算"))]  # the user's own words
        weak = [r.indicator.level3 for r in draft.rows if r not in grounded and r not in own]
        if weak and (self.weak or len(grounded) + len(own) < len(draft.rows) / 2 or any(not r.precedents for r in draft.rows if r not in own)):
            draft.notes.append(
                f"往年资料中没有足够相似的同类指标：{len(weak)} 行按通用要求或弱相关的往年指标起草，请重点核对："
                + "、".join(weak) + "。"
            )
        project.spending_plan = spending_plan(desc.deadline_month, bool(_RECURRING.search(req.name)) and not desc.deadline_month)
        project.goal = goal_text(req, draft.rows)
        return draft

    def _fill(self, slot: Slot, options: list[Candidate], req: DraftRequest, desc: Description) -> list[DraftRow]:
        best = options[0] if options else None
        prec = [best.precedent()] if best else []
        conf = round(best.similarity, 2) if best else 0.3
        y = req.year
        if slot.level2 == QUANTITY:
            rows = [
                DraftRow(
                    indicator=make_indicator(OUTPUT, QUANTITY, q.level3, q.description, q.value, "项目实施方案及年度工作计划"),
                    precedents=[], confidence=0.9, note="取自项目描述中的数量",
                )
                for q in desc.quantities[:3]
            ]
            if rows:
                return rows
            if best is not None and (not self.weak or best.similarity >= WEAK_SIMILARITY - 0.01):
                # the best row, plus a second quantity of the same precedent project when it has one
                companions = [o for o in options[1:] if o.project is best.project][:1]
                rows = []
                for c in [best, *companions]:
                    row = _precedent_quantity(c, req.budget)
                    if row is not None and row.indicator.level3 not in {r.indicator.level3 for r in rows}:
                        rows.append(row)
                if rows:
                    return rows
            return [DraftRow(indicator=make_indicator(OUTPUT, QUANTITY, f"{_short(req.name)}任务完成数量", "年度内完成项目规定的全部任务", "≥1项", "项目实施方案"), precedents=[], confidence=0.3, note="描述中没有数量，往年也无可比的同类项目，请按实际任务量修改")]
        if slot.level2 == QUALITY:
            if desc.rates:
                label, value = desc.rates[0]
                return [DraftRow(indicator=make_indicator(OUTPUT, QUALITY, label, f"{label}达到项目要求", f"≥{format_number(value)}%", "项目实施方案及行业标准"), precedents=[], confidence=0.9, note="取自项目描述中的比率")]
            if best is not None and best.indicator.value.kind == "percentage" and (best.indicator.value.number or 0) <= 100:
                i = best.indicator
                value = "100%" if (i.value.number or 0) >= 100 else i.value_raw
                return [DraftRow(indicator=make_indicator(OUTPUT, QUALITY, i.level3, i.description, value, i.basis or "行业标准"), precedents=prec, confidence=conf, note="沿用往年同类项目的质量指标")]
            return [_template_row(OUTPUT, QUALITY)]
        if slot.level2 == TIMELINESS:
            month = desc.deadline_month
            if month is None and best is not None and best.indicator.value.kind == "date" and not best.indicator.value.past_tense:
                month = best.indicator.value.month
            if best is not None and month is None and best.indicator.value.kind == "percentage" and (best.indicator.value.number or 0) <= 100 and best.indicator.value.operator != ">=":
                i = best.indicator
                return [DraftRow(indicator=make_indicator(OUTPUT, TIMELINESS, i.level3, i.description, i.value_raw, i.basis or "年度工作计划"), precedents=prec, confidence=conf, note="沿用往年同类项目的时效指标")]
            note = "取自项目描述中的完成时限" if desc.deadline_month else "完成时间设在预算年度内"
            return [DraftRow(indicator=make_indicator(OUTPUT, TIMELINESS, "项目完成时间", "在规定时限内完成项目全部任务", deadline_value(y, month), "项目实施方案及年度工作计划"), precedents=[] if desc.deadline_month else prec, confidence=0.8 if desc.deadline_month else conf * 0.8, note=note)]
        if slot.level2 == COST:
            value = f"≤{format_number(req.budget)}万元"
            return [DraftRow(indicator=make_indicator(OUTPUT, COST, "项目预算控制数", "项目全年支出控制在批复预算以内", value, "年初预算安排"), precedents=[], confidence=1.0, note="按本项目预算数设定")]
        if slot.level1 == BENEFIT:
            if slot.level2 == SUSTAINABLE and (best is None or not is_measurable(best.indicator)):
                return []  # optional: only a measurable precedent earns a place
            if best is None:
                row = _template_row(BENEFIT, slot.level2)
                return [row] if row else []
            ind, note = measurable_benefit(best, slot)
            return [DraftRow(indicator=ind, precedents=prec, confidence=conf * (1.0 if "沿用" in note else 0.7), note=note)]
        if slot.level1 == SATISFACTION:
            if best is None or best.indicator.value.kind != "percentage" or not 80 <= (best.indicator.value.number or 0) < 100:
                return [_template_row(SATISFACTION, slot.level2)]
            i = best.indicator
            return [DraftRow(indicator=make_indicator(SATISFACTION, slot.level2, i.level3, "通过问卷调查了解服务对象对项目实施的满意程度", i.value_raw, "问卷调查"), precedents=prec, confidence=conf, note="满意度以问卷调查为准")]
        return []


def _precedent_quantity(c: Candidate, budget: float) -> DraftRow | None:
    """A precedent's quantity row for the new project: scaled by budget when its unit cost supports
    it, else kept as it was when measurable; None when it cannot serve."""
    i, conf = c.indicator, round(c.similarity, 2)
    scaled = scale_quantity(c, budget)
    if scaled is not None:
        value, note = scaled
        ind = make_indicator(OUTPUT, QUANTITY, i.level3, i.description, value, "项目实施方案及往年同类项目")
        return DraftRow(indicator=ind, precedents=[c.precedent()], confidence=conf * 0.8, note=note)
    if is_measurable(i) and i.value.kind == "quantity":
        ind = make_indicator(OUTPUT, QUANTITY, i.level3, i.description, i.value_raw, i.basis or "年度工作计划")
        return DraftRow(indicator=ind, precedents=[c.precedent()], confidence=conf * 0.7, note="沿用往年同类项目的数量，请按本年任务核对")
    return None


def _short(name: str) -> str:
    return re.sub(r"(经费|费用|资金|项目)$", "", name)[:16] or name
