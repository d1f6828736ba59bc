"""Chat, offline engine: answers about one Document computed from its parsed tables, with citations.

Single-field and single-row questions are looked up; sums, counts, lists and threshold comparisons are
computed from the model, never guessed; defect questions use the reviewer's findings. A question that
maps to nothing gets 资料中未找到 plus the closest rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..categories import SATISFACTION, canonical_level1, canonical_level2
from ..models import Answer, Citation, Document, Finding, Indicator, Project
from ..values import format_wan, normalize_text
from .citations import locate
from .match import find_projects, find_rows, project_by_ordinal, remove_name
from .stream import AnswerStream, History

NOT_FOUND = "资料中未找到"

# Project fields a question can ask for: (pattern, field label, getter)
_FIELDS: list[tuple[str, str, Callable[[Project], str]]] = [
    (r"项目编码|项目代码|编码", "项目编码", lambda p: p.code),
    (r"财政资金|财政拨款", "财政资金", lambda p: format_wan(p.fiscal_funds)),
    (r"其他资金", "其他资金", lambda p: format_wan(p.other_funds)),
    (r"预算单位|哪个单位|所属单位|属于哪", "预算单位", lambda p: f"{p.unit_code}{p.unit_name}"),
    (r"资金用途|用途|用来做什么|干什么", "资金用途", lambda p: p.purpose),
    (r"绩效目标|项目目标|目标是什么", "绩效目标", lambda p: p.goal),
    (r"(?<!控制)预算(?!控制)|预算数|多少钱|金额|资金规模|安排了多少", "预算数", lambda p: format_wan(p.budget)),
]
_MONTHS = {"3": "mar", "三": "mar", "6": "jun", "六": "jun", "10": "oct", "十": "oct", "12": "dec", "十二": "dec"}
_COMPARE = re.compile(
    r"(低于|小于|少于|不足|不到|高于|大于|超过|多于|不低于|不少于|至少|不高于|不超过)\s*(\d+(?:\.\d+)?)\s*(%|万元|万|元)?"
)
_DEFECT_WORDS = {
    "cost_mismatch": r"成本.*(不一致|不符|对不上|不匹配)|(不一致|不符).*成本",
    "placeholder": r"涉密|占位|模板|密$|填“密”|写着密",
    "vague_value": r"模糊|不可衡量|不可量化|不明确",
    "stale_date": r"过期|已完成|往年|时间不对|日期.*(早于|过期)",
    "wrong_category": r"归类错误|分类错误|放错",
    "implausible_value": r"不合理",
    "spending_plan": r"支出计划.*(问题|不合理)",
}


def _cite_field(doc: Document, p: Project, field: str, quote: str) -> Citation:
    return Citation(document=doc.source_file, project=p.name, field=field, quote=quote, location=p.source)


def _cite_row(doc: Document, p: Project, ind: Indicator, quote: str | None = None) -> Citation:
    return Citation(
        document=doc.source_file, project=p.name, row=ind.source.row, field="指标值",
        quote=ind.value_raw if quote is None else quote, location=ind.source,
    )


def _units_in(doc: Document, q: str) -> list[str]:
    """Budget unit codes the question names (by code, full name or a distinctive part of it)."""
    out = []
    for u in doc.units:
        short = re.sub(r"^.*?县|本级$", "", u.name)
        if u.code in q or u.name in q or (short and short in q) or ("本级" in q and u.name.endswith("本级")):
            out.append(u.code)
    return out


def _merge(a: list, b: list) -> list:
    """Two scorings of the same rows: keep each row's better match, best first."""
    best: dict[int, tuple] = {}
    for p, ind, m in a + b:
        key = id(ind)
        if key not in best or m.best > best[key][2].best:
            best[key] = (p, ind, m)
    return sorted(best.values(), key=lambda r: (r[2].best, r[2].coverage, r[2].score), reverse=True)


class OfflineChat:
    """Rules and lookups over one Document; `findings` (from the reviewer) answer defect questions."""

    engine = "offline"

    def __init__(self, doc: Document, findings: list[Finding] | None = None):
        self.doc = doc
        self.findings = findings

    def stream(self, question: str, history: History = ()) -> AnswerStream:
        """The whole answer as one chunk."""

        def run():
            answer = self.ask(question, history)
            yield answer.text
            return answer

        return AnswerStream(run())

    def ask(self, question: str, history: History = ()) -> Answer:
        q = normalize_text(question)
        for handler in (self._defects, self._goal_areas, self._satisfaction, self._aggregate, self._lookup):
            answer = handler(q)
            if answer is not None:
                answer.question = question
                return answer
        return self._not_found(question, q)

    # -- aggregates over projects ------------------------------------------------------------
    def _scope(self, q: str) -> tuple[list[Project], str]:
        codes = _units_in(self.doc, q)
        if not codes:
            return self.doc.projects, "全部"
        names = [u.name for u in self.doc.units if u.code in codes]
        return [p for p in self.doc.projects if p.unit_code in codes], "、".join(names)

    def _aggregate(self, q: str) -> Answer | None:
        wants_list = bool(re.search(r"哪些项目|有哪些项目|列出.{0,4}项目|列举.{0,4}项目|都有什么项目|所有项目|项目清单", q))
        wants_count = bool(re.search(r"多少个项目|几个项目|项目数|多少项|几项|项目个数|多少个绩效目标表", q))
        wants_sum = bool(re.search(r"合计|总计|一共|总共|总额|加起来|共计|总预算|预算总|汇总", q))
        extreme = re.search(r"(预算|金额|资金)?.{0,4}(最高|最多|最大|最低|最少|最小)", q)
        plan = re.search(r"(3|6|10|12|三|六|十|十二)月底?.{0,8}(支出|进度|计划).{0,6}(0|零|100)", q)
        compare = _COMPARE.search(q) if re.search(r"预算|金额|资金|万元", q) else None
        if not (wants_list or wants_count or wants_sum or extreme or plan or compare):
            return None
        if "指标" in q and not re.search(r"预算|金额|钱", q):
            return None  # questions about indicator rows are handled elsewhere
        projects, scope = self._scope(q)
        if not projects:
            return None
        label = "" if scope == "全部" else f"{scope}"
        if plan:
            month = _MONTHS[plan.group(1)]
            target = 100.0 if plan.group(3) == "100" else 0.0
            hits = [p for p in projects if getattr(p.spending_plan, month) == target]
            head = f"{plan.group(1)}月底累计支出计划为{target:g}%的项目"
            idx = ["mar", "jun", "oct", "dec"].index(month)
            cites = [_cite_field(self.doc, p, "资金支出计划", p.spending_plan.raw[idx]) for p in hits if len(p.spending_plan.raw) > idx]
            return self._list_answer(head, hits, cites)
        if compare:
            op, num, unit = compare.groups()
            limit = float(num) / (1e4 if unit == "元" else 1)
            lower = op in ("低于", "小于", "少于", "不足", "不到", "不高于", "不超过")
            strict = op not in ("不高于", "不超过", "不低于", "不少于", "至少")
            hits = [
                p for p in projects if p.budget is not None
                and ((p.budget < limit if strict else p.budget <= limit) if lower else (p.budget > limit if strict else p.budget >= limit))
            ]
            cites = [_cite_field(self.doc, p, "预算数", format_wan(p.budget)) for p in hits]
            return self._list_answer(f"{label}预算数{op}{num}{unit or '万元'}的项目", hits, cites, with_sum=True)
        if extreme:
            valid = [p for p in projects if p.budget is not None]
            if not valid:
                return None
            high = extreme.group(2) in ("最高", "最多", "最大")
            p = max(valid, key=lambda x: x.budget) if high else min(valid, key=lambda x: x.budget)
            text = f"{label}预算数{extreme.group(2)}的项目是“{p.name}”（表{p.source.table}），预算数 {format_wan(p.budget)} 万元。"
            return Answer(question="", text=text, citations=[_cite_field(self.doc, p, "预算数", format_wan(p.budget))])
        cites = [_cite_field(self.doc, p, "预算数", format_wan(p.budget)) for p in projects if p.budget is not None]
        total = round(sum(p.budget or 0 for p in projects), 2)
        if wants_sum and not wants_list:
            text = f"{label}共 {len(projects)} 个项目，预算数合计 {total:.2f} 万元。"
            return Answer(question="", text=text, citations=cites)
        if wants_count and not wants_list:
            return Answer(question="", text=f"{label}共有 {len(projects)} 个项目（绩效目标表），预算数合计 {total:.2f} 万元。", citations=cites)
        return self._list_answer(f"{label}的项目" if label else "文档中的项目", projects, cites, with_sum=True)

    def _list_answer(self, head: str, projects: list[Project], cites: list[Citation], with_sum: bool = False) -> Answer:
        if not projects:
            return Answer(question="", text=f"{head}：没有。", citations=[])
        items = "；".join(f"表{p.source.table}“{p.name}”（{format_wan(p.budget)} 万元）" for p in projects)
        text = f"{head}共 {len(projects)} 个：{items}。"
        if with_sum:
            text += f"预算数合计 {sum(p.budget or 0 for p in projects):.2f} 万元。"
        return Answer(question="", text=text, citations=cites)

    # -- indicator aggregates ------------------------------------------------------------------
    def _satisfaction(self, q: str) -> Answer | None:
        m = _COMPARE.search(q)
        if "满意度" not in q or not (m or re.search(r"哪些|各项目|每个项目|所有项目", q)):
            return None
        rows = [
            (p, i) for p in self.doc.projects for i in p.indicators
            if canonical_level1(i.level1) == SATISFACTION or "满意度" in i.level3
        ]
        redacted = [p for p in self.doc.projects if any(i.value.kind == "placeholder" for i in p.indicators if canonical_level1(i.level1) == SATISFACTION)]
        rows = [(p, i) for p, i in rows if i.value.kind == "percentage" and i.value.number is not None]
        head = "各项目满意度指标"
        if m:
            op, num = m.group(1), float(m.group(2))
            lower = op in ("低于", "小于", "少于", "不足", "不到", "不高于", "不超过")
            strict = op not in ("不高于", "不超过", "不低于", "不少于", "至少")
            rows = [
                (p, i) for p, i in rows
                if ((i.value.number < num if strict else i.value.number <= num) if lower else (i.value.number > num if strict else i.value.number >= num))
            ]
            head = f"满意度指标值{op}{m.group(2)}%的项目"
        if not rows:
            return Answer(question="", text=f"{head}：没有。", citations=[])
        items = "；".join(f"表{p.source.table}“{p.name}”{i.level3} {i.value_raw}" for p, i in rows)
        text = f"{head}共 {len(rows)} 个：{items}。"
        if redacted:
            text += "另有 " + "、".join(f"“{p.name}”" for p in redacted) + " 的满意度指标值为“密”，无法比较。"
        return Answer(question="", text=text, citations=[_cite_row(self.doc, p, i) for p, i in rows])

    # -- defects -------------------------------------------------------------------------------
    def _defects(self, q: str) -> Answer | None:
        cats = [c for c, pattern in _DEFECT_WORDS.items() if re.search(pattern, q)]
        if not cats and not re.search(r"(有什么|有哪些|存在).{0,4}(问题|缺陷|错误)|审核意见", q):
            return None
        if self.findings is None:
            from ..review.reviewer import review_document

            self.findings = review_document(self.doc).findings
        found = [f for f in self.findings if not cats or f.category in cats]
        named = [p for p, m in find_projects(self.doc, q)[:1] if m.coverage >= 0.3]
        projects = named or ([project_by_ordinal(self.doc, q)] if project_by_ordinal(self.doc, q) else [])
        if projects:
            found = [f for f in found if f.project == projects[0].name]
        if not found:
            return Answer(question="", text="审核规则未发现此类问题。", citations=[])
        lines = [f"{i}. {f.project or '全文'}{('｜' + f.indicator) if f.indicator else ''}：{f.message}" for i, f in enumerate(found[:30], 1)]
        raw = [
            Citation(document=self.doc.source_file, project=f.project, row=f.location.row, field=f.category, quote=f.evidence, location=f.location.model_dump())
            for f in found[:30]
        ]
        cites = [c for c in (locate(self.doc, c) for c in raw) if c is not None]
        return Answer(question="", text=f"共发现 {len(found)} 处：\n" + "\n".join(lines), citations=cites)

    # -- department goals ----------------------------------------------------------------------
    def _goal_areas(self, q: str) -> Answer | None:
        if not re.search(r"分项绩效目标|分项目标|部门整体|总体绩效目标|部门.{0,4}目标", q):
            return None
        areas = self.doc.goal_areas
        if "总体" in q and "分项" not in q:
            if not self.doc.overall_goal:
                return None
            first = self.doc.overall_goal.splitlines()[0]
            return Answer(question="", text=f"总体绩效目标：{self.doc.overall_goal}", citations=[Citation(document=self.doc.source_file, field="总体绩效目标", quote=first)])
        if not areas:
            return None
        text = f"部门共有 {len(areas)} 项分项绩效目标：" + "；".join(f"{a.number}、{a.title}" for a in areas) + "。"
        return Answer(question="", text=text, citations=[Citation(document=self.doc.source_file, field="分项绩效目标", quote=a.title) for a in areas])

    # -- one project, one field or row -----------------------------------------------------------
    def _lookup(self, q: str) -> Answer | None:
        project = ordinal = project_by_ordinal(self.doc, q)
        rest, name_coverage = q, (1.0 if ordinal else 0.0)
        if project is None:
            candidates = find_projects(self.doc, q)
            if candidates:
                project, name_coverage = candidates[0][0], candidates[0][1].coverage
                rest = remove_name(q, project.name)
        row_words = re.search(r"指标|控制数|面积|数量|人数|率|满意度|依据|株数|时间|时限|标准", rest)
        # a field of a project needs the project really named: "乡村医生培训" is not "家庭医生签约服务"
        if project is not None and (ordinal or name_coverage >= 0.35):
            if not row_words or re.search(r"预算数|预算是多少|多少钱", rest):
                for pattern, label, get in _FIELDS:
                    if re.search(pattern, rest):
                        return self._field_answer(project, label, get(project))
                month = re.search(r"(3|6|10|12|三|六|十二|十)月", rest)
                if month and re.search(r"支出|进度|计划", rest):
                    return self._plan_answer(project, _MONTHS[month.group(1)])
                if re.search(r"支出计划|支出进度", rest):
                    return self._plan_answer(project, None)
            rows = _merge(find_rows([project], q), find_rows([project], rest))
            if (not rows or rows[0][2].best < 0.6) and "依据" in rest and project.indicators:
                return self._basis_answer(project)
        else:
            rows = []
        if name_coverage < 0.5:
            # the name match may have been incidental (登记, 防治): an equal or better row elsewhere wins
            everywhere = find_rows(self.doc.projects, q)
            if everywhere and (not rows or everywhere[0][2].best >= rows[0][2].best):
                rows = everywhere
        if not rows or rows[0][2].best < 0.6:
            return None
        best, cov = rows[0][2].best, rows[0][2].coverage
        top = [r for r in rows if r[2].best >= best - 1e-9 and r[2].coverage >= cov - 1e-9]
        wants_basis = "依据" in q
        parts, cites = [], []
        for p, ind, _ in top[:8]:
            if wants_basis:
                parts.append(f"“{p.name}”的“{ind.level3}”指标值确定依据为 {ind.basis}")
                cites.append(_cite_row(self.doc, p, ind, ind.basis).model_copy(update={"field": "指标值确定依据"}))
            else:
                parts.append(f"“{p.name}”的“{ind.level3}”（{canonical_level2(ind.level2)}）指标值为 {ind.value_raw}")
                cites.append(_cite_row(self.doc, p, ind))
        return Answer(question="", text="；".join(parts) + "。", citations=cites)

    def _basis_answer(self, p: Project) -> Answer:
        parts = [f"“{i.level3}”：{i.basis}" for i in p.indicators if i.basis]
        cites = [_cite_row(self.doc, p, i, i.basis).model_copy(update={"field": "指标值确定依据"}) for i in p.indicators if i.basis]
        return Answer(question="", text=f"“{p.name}”各指标的指标值确定依据：" + "；".join(parts) + "。", citations=cites)

    def _field_answer(self, p: Project, label: str, value: str) -> Answer:
        if not value.strip():
            return Answer(question="", text=f"“{p.name}”的{label}未填写。{NOT_FOUND}该项内容。", not_found=True)
        unit = " 万元" if label in ("预算数", "财政资金", "其他资金") else ""
        text = f"“{p.name}”（表{p.source.table}）的{label}为 {value}{unit}。"
        return Answer(question="", text=text, citations=[_cite_field(self.doc, p, label, value.splitlines()[0])])

    def _plan_answer(self, p: Project, month: str | None) -> Answer:
        plan, raw = p.spending_plan, p.spending_plan.raw
        names = {"mar": "3月底", "jun": "6月底", "oct": "10月底", "dec": "12月底"}
        keys = [month] if month else list(names)
        parts, cites = [], []
        for k in keys:
            idx = list(names).index(k)
            v = getattr(plan, k)
            if v is None:
                continue
            parts.append(f"{names[k]}累计 {v:g}%")
            if idx < len(raw):
                cites.append(_cite_field(self.doc, p, f"资金支出计划（{names[k]}）", raw[idx]))
        if not parts:
            return Answer(question="", text=f"“{p.name}”未填写资金支出计划。", not_found=True)
        return Answer(question="", text=f"“{p.name}”的资金支出计划：" + "，".join(parts) + "。", citations=cites)

    def _not_found(self, question: str, q: str) -> Answer:
        named = project_by_ordinal(self.doc, q) or next((p for p, _ in find_projects(self.doc, q)[:1]), None)
        rows = find_rows([named] if named else self.doc.projects, q)[:3]
        cites = [_cite_row(self.doc, p, ind) for p, ind, _ in rows]
        hint = ""
        if rows:
            hint = "最接近的内容：" + "；".join(f"“{p.name}”的“{ind.level3}”（{ind.value_raw}）" for p, ind, _ in rows) + "。"
        return Answer(question=question, text=f"{NOT_FOUND}与该问题直接对应的内容。{hint}", citations=cites, not_found=True)

