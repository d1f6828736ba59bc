"""The offline drafting engine: rules, retrieval and the indicator library, no generation.

Rows come, in this order, from (1) the description's own numbers, each named as a clerk names it
(quantities.py), (2) the total-cost row, (3) for every other slot a prior-year row of a project that is
really alike (same sector, similar enough), else (4) the sector's common indicators from the library,
else (5) a generic template. 效益 rows follow from what the money is for (降尘 -> 生态效益). The result
goes through `self_review`: a returned draft has no error-level findings from our reviewer.
"""

from __future__ import annotations

from ..categories import (
    BENEFIT,
    COST,
    ECOLOGICAL,
    ECONOMIC,
    OUTPUT,
    QUALITY,
    QUANTITY,
    SATISFACTION,
    SERVICE_SATISFACTION,
    SOCIAL,
    SUSTAINABLE,
    TIMELINESS,
    canonical_level2,
    level1_of_level2,
)
from ..kb.embeddings import Embedder, get_embedder
from ..models import Draft, DraftRequest, DraftRow, Project
from ..values import format_number
from .goal import goal_text
from .kinds import type_rows
from .library_rows import Pick, overlap, pick
from .notes import draft_notes
from .plan import WEAK_SIMILARITY, Plan, make_plan
from .precedents import PrecedentSource
from .quality import garbage_name
from .reading import Quantity
from .rows import (
    SLOTS,
    Candidate,
    Slot,
    is_measurable,
    make_indicator,
    measurable_benefit,
    scale_quantity,
    spending_plan,
)
from .selfcheck import self_review
from .templates import templates

__all__ = ["WEAK_SIMILARITY", "OfflineDrafter", "quantity_row", "library_row", "total_cost_row"]


def quantity_row(q: Quantity) -> DraftRow:
    """A row the description's own words call for."""
    ind = make_indicator(level1_of_level2(q.level2), q.level2, q.name, q.description, q.value, q.basis)
    note = f"取自项目描述“{q.source}”" if q.role != "derived" else f"由项目描述测算：{q.note}"
    if q.note and q.role != "derived":
        note += f"；{q.note}"
    return DraftRow(indicator=ind, precedents=[], confidence=0.9 if q.role != "derived" else 0.8, note=note)


def library_row(p: Pick, req: DraftRequest, sector_name: str) -> DraftRow:
    e = p.entry
    basis = e.basis if e.l2 != SERVICE_SATISFACTION or "问卷" in e.basis else "问卷调查"
    ind = make_indicator(level1_of_level2(e.l2), e.l2, e.name, e.description, e.value_for(req.year, req.budget), basis)
    if p.guessed:
        note, conf = f"指标库（{sector_name}）常用指标，数值为县级常见量级，请按本项目实际任务量修改", 0.3
    else:
        note, conf = f"指标库（{sector_name}）常用指标", 0.6 if p.hits else 0.5
    return DraftRow(indicator=ind, precedents=[], confidence=conf, note=note)


def total_cost_row(req: DraftRequest) -> DraftRow:
    t = templates()["total_cost"]
    value = t["value"].replace("{budget}", format_number(req.budget))
    ind = make_indicator(OUTPUT, COST, t["level3"], t["description"], value, t["basis"])
    return DraftRow(indicator=ind, precedents=[], confidence=1.0, note="按本项目预算数设定")


def template_row(level2: str, req: DraftRequest) -> DraftRow | None:
    t = templates()["rows"].get(level2)
    if t is None:
        return None
    value = str(t["value"]).replace("{year}", str(req.year))
    ind = make_indicator(level1_of_level2(level2), level2, t["level3"], t["description"], value, t["basis"])
    return DraftRow(indicator=ind, precedents=[], confidence=0.3, note="往年资料和指标库中没有合适的同类指标，采用通用指标")


def task_rows(plan: Plan) -> list[DraftRow]:
    """A quantity row named after what the description says is done (维修审判大楼玻璃幕墙 ->
    审判大楼玻璃幕墙维修数量) when it gives no number: the clerk fills in the amount."""
    import re

    from .naming import main_verb, rearranged, tail

    for clause in re.split(r"[，。；,;]", plan.req.purpose or ""):
        toks = tail(clause)
        k = main_verb(toks)
        if k is None:
            continue
        name = rearranged(toks[k:]) + "数量"
        if garbage_name(name) or name == text_of_toks(toks[k:]) + "数量":
            continue
        ind = make_indicator(OUTPUT, QUANTITY, name, f"反映年度{name.removesuffix('数量')}任务的完成数量", "≥1项", "计划标准（年度工作计划）")
        return [DraftRow(indicator=ind, precedents=[], confidence=0.3, note="描述中没有数量：指标值请按实际任务量填写（如面积、处数）")]
    return []


def text_of_toks(toks) -> str:
    return "".join(w for w, _ in toks)


class OfflineDrafter:
    """Rules, retrieval and the library, no generation."""

    engine = "offline"

    def __init__(self, precedents: PrecedentSource, embedder: Embedder | None = None):
        self.precedents = precedents
        self.embedder = embedder or get_embedder()

    def draft(self, req: DraftRequest) -> Draft:
        """A complete, self-reviewed draft (no error-level findings left)."""
        return self_review(self.compose(req))

    def compose(self, req: DraftRequest, plan: Plan | None = None) -> Draft:
        """The table as assembled from the description, precedents and the library, before self-review."""
        plan = plan or make_plan(req, self.precedents, self.embedder)
        project = Project(
            name=req.name, budget=req.budget, fiscal_funds=req.fiscal_funds if req.fiscal_funds is not None else req.budget,
            other_funds=req.other_funds, purpose=req.purpose, unit_code=req.unit_code, unit_name=req.unit_name,
        )
        draft = Draft(request=req, project=project, engine="offline")
        own = [quantity_row(q) for q in plan.reading.quantities]
        draft.rows = list(own)
        draft.rows.append(total_cost_row(req))
        self._fill_slots(plan, draft.rows)
        draft.rows.sort(key=lambda r: _ORDER.get(canonical_level2(r.indicator.level2), 99))
        project.indicators = [r.indicator for r in draft.rows]
        deadline = plan.reading.deadline
        project.spending_plan = spending_plan(deadline.number and int(deadline.number) if deadline else None, plan.recurring)
        project.goal = goal_text(req, draft.rows)
        draft.notes += draft_notes(plan, draft.rows)
        return draft

    # --- the slots the description does not fill --------------------------------------------------
    def _fill_slots(self, plan: Plan, rows: list[DraftRow]) -> None:
        """Add rows slot by slot; each step sees the rows already there (no duplicates)."""
        slot = {s.level2: s for s in SLOTS}

        def count(level2: str) -> int:
            return sum(1 for r in rows if canonical_level2(r.indicator.level2) == level2)

        def first(*options) -> None:
            for make in options:
                got = make()
                if got:
                    rows.extend(got)
                    return

        prec = lambda l2: (lambda: [r] if (r := self._from_precedent(slot[l2], plan, _names(rows))) else [])  # noqa: E731
        lib = lambda l2, cue=False, evidence=False: (lambda: self._library(plan, l2, rows, cue, evidence))  # noqa: E731
        typed = lambda l2: (lambda: self._typed(plan, l2, rows))  # noqa: E731
        tmpl = lambda l2: (lambda: [r] if (r := template_row(l2, plan.req)) else [])  # noqa: E731
        if not count(QUANTITY):
            first(prec(QUANTITY), lambda: task_rows(plan), lib(QUANTITY, True), tmpl(QUANTITY))
        if count(QUALITY) < 2:
            first(prec(QUALITY), lib(QUALITY, True))
            if count(QUALITY) < 2:
                first(typed(QUALITY))
            if not count(QUALITY):
                first(lib(QUALITY, evidence=True), tmpl(QUALITY))
        if not count(TIMELINESS):
            first(prec(TIMELINESS), typed(TIMELINESS), lib(TIMELINESS, evidence=True), tmpl(TIMELINESS))
        elif any(q.kind == "standard" for q in plan.reading.quantities):
            first(typed(TIMELINESS))  # a subsidy paid out: 发放及时率 beside the deadline
        for l2 in (ECONOMIC, ECOLOGICAL):
            if l2 in plan.intents and not count(l2):
                first(prec(l2), lib(l2, True), lib(l2))
        first(prec(SOCIAL), lib(SOCIAL, True), typed(SOCIAL), lib(SOCIAL), tmpl(SOCIAL))
        first(prec(SUSTAINABLE), lib(SUSTAINABLE, True))
        first(prec(SERVICE_SATISFACTION), lib(SERVICE_SATISFACTION, evidence=True), lib(SERVICE_SATISFACTION), tmpl(SERVICE_SATISFACTION))

    def _library(self, plan: Plan, level2: str, rows: list[DraftRow], need_cue: bool, need_evidence: bool = False) -> list[DraftRow]:
        units = tuple({q.unit.lstrip("万") for q in plan.reading.quantities if q.unit})
        picks = pick(plan.sectors, level2, plan.text, 1, _names(rows), need_cue=need_cue, embedder=self.embedder,
                     avoid_units=units, need_evidence=need_evidence)
        if level2 == QUANTITY:
            picks = [p for p in picks if p.hits]  # a guessed quantity only when the project's words ask for it
        name = plan.sector.sector if plan.sector else "通用"
        return [library_row(p, plan.req, name) for p in picks]

    def _typed(self, plan: Plan, level2: str, rows: list[DraftRow]) -> list[DraftRow]:
        """The quality or timeliness row of the project's kind (subsidy: 补助对象认定准确率 …)."""
        from rapidfuzz import fuzz

        for t in type_rows(plan.text, plan.reading, level2, plan.req.name):
            if any(fuzz.ratio(t.level3, n) >= 70 for n in _names(rows)):
                continue
            ind = make_indicator(level1_of_level2(level2), level2, t.level3, t.description, t.value, t.basis)
            return [DraftRow(indicator=ind, precedents=[], confidence=0.6, note=f"按项目类型（{_KIND_LABELS.get(t.kind, t.kind)}）的常设指标")]
        return []

    def _from_precedent(self, slot: Slot, plan: Plan, taken: tuple[str, ...]) -> DraftRow | None:
        """The best-fitting row of an alike prior-year project for this slot, made measurable."""
        options = [
            c for c in plan.pool
            if canonical_level2(c.indicator.level2) in slot.accepts and c.indicator.level3 not in taken
            and overlap(f"{c.indicator.level3}{c.indicator.description}", plan.text)  # it is about this project
            and not garbage_name(c.indicator.level3)
        ]
        if not options:
            return None
        best = options[0]
        i, conf, prec = best.indicator, round(best.similarity, 2), [best.precedent()]
        if slot.level2 == QUANTITY:
            return _precedent_quantity(best, plan.req.budget)
        if slot.level2 == QUALITY and i.value.kind == "percentage" and (i.value.number or 0) <= 100:
            value = "100%" if (i.value.number or 0) >= 100 else i.value_raw
            return DraftRow(indicator=make_indicator(OUTPUT, QUALITY, i.level3, i.description, value, i.basis or "行业标准"), precedents=prec, confidence=conf, note="沿用往年同类项目的质量指标")
        if slot.level2 == TIMELINESS and i.value.kind == "percentage" and (i.value.number or 0) <= 100 and i.value.operator != ">=":
            return DraftRow(indicator=make_indicator(OUTPUT, TIMELINESS, i.level3, i.description, i.value_raw, i.basis or "年度工作计划"), precedents=prec, confidence=conf, note="沿用往年同类项目的时效指标")
        if slot.level1 == BENEFIT and is_measurable(i) and i.value.kind != "money":
            ind, note = measurable_benefit(best, slot)
            return DraftRow(indicator=ind, precedents=prec, confidence=conf, note=note)
        if slot.level1 == SATISFACTION and i.value.kind == "percentage" and 80 <= (i.value.number or 0) < 100:
            basis = i.basis if "问卷" in (i.basis or "") else "问卷调查"
            return DraftRow(indicator=make_indicator(SATISFACTION, slot.level2, i.level3, "通过问卷调查了解服务对象对项目实施的满意程度", i.value_raw, basis), precedents=prec, confidence=conf, note="沿用往年同类项目的满意度指标")
        return None


_KIND_LABELS = {"subsidy": "补助类", "construction": "工程类", "procurement": "采购类", "service": "购买服务类", "training": "培训类"}


def _names(rows: list[DraftRow]) -> tuple[str, ...]:
    return tuple(r.indicator.level3 for r in rows)


_ORDER = {c: k for k, c in enumerate((QUANTITY, QUALITY, TIMELINESS, COST, ECONOMIC, SOCIAL, ECOLOGICAL, SUSTAINABLE, SERVICE_SATISFACTION))}


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
