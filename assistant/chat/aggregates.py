"""Answers computed over several projects or rows, never guessed: sums, counts, lists, the highest and the
lowest, two projects compared, and lists by a condition (预算超过100万元, 6月底支出为0, 满意度低于90%,
设置了/没有设置 时效指标, 时效指标写着已完成).
"""

from __future__ import annotations

import re

from ..categories import canonical_level1, canonical_level2
from ..models import Answer, Citation, Document, Indicator, Project
from ..values import format_wan, normalize_text
from .passages import row_citation
from .question import Question

_MONTH_NAMES = {"mar": "3月底", "jun": "6月底", "oct": "10月底", "dec": "12月底"}
_OPS = {
    "<": lambda a, b: a < b - 1e-9, ">": lambda a, b: a > b + 1e-9, "<=": lambda a, b: a <= b + 1e-9,
    ">=": lambda a, b: a >= b - 1e-9, "=": lambda a, b: abs(a - b) < 1e-9,
}
_OP_WORDS = {"<": "低于", ">": "高于", "<=": "不高于", ">=": "不低于", "=": "为"}


def field_citation(doc: Document, p: Project, label: str, quote: str) -> Citation:
    return Citation(document=doc.source_file, project=p.name, field=label, quote=quote, location=p.source)


def _table(doc: Document, p: Project) -> int:
    return p.source.table or doc.projects.index(p) + 1


def project_item(doc: Document, p: Project, extra: str = "") -> str:
    money = f"{format_wan(p.budget)} 万元" if p.budget is not None else "预算未填"
    return f"表{_table(doc, p)}“{p.name}”（{extra or money}）"


def list_answer(doc: Document, head: str, projects: list[Project], cites: list[Citation], with_sum: bool = True, extras: dict[int, str] | None = None) -> Answer:
    if not projects:
        return Answer(question="", text=f"{head}：没有。", citations=cites)
    items = "；".join(project_item(doc, p, (extras or {}).get(id(p), "")) for p in projects)
    text = f"{head}共 {len(projects)} 个：{items}。"
    if with_sum and len(projects) > 1:
        text += f"预算数合计 {sum(p.budget or 0 for p in projects):.2f} 万元。"
    return Answer(question="", text=text, citations=cites)


def budget_cites(doc: Document, projects: list[Project]) -> list[Citation]:
    return [field_citation(doc, p, "预算数", format_wan(p.budget)) for p in projects if p.budget is not None]


def budgets(doc: Document, projects: list[Project], q: Question, scope: str) -> Answer | None:
    """Sum, count, list, max/min and thresholds over project budgets."""
    label = scope or "文档中"
    valid = [p for p in projects if p.budget is not None]
    if q.compare and q.compare[0] == "between":
        unit, high = q.compare[2].split("|")
        scale = 1e4 if unit == "元" else 1
        low, top = q.compare[1] / scale, float(high) / scale
        hits = [p for p in valid if low - 1e-9 <= p.budget <= top + 1e-9]
        head = f"{label}预算数在{q.compare[1]:g}到{float(high):g}{unit or '万元'}之间的项目"
        return list_answer(doc, head, hits, budget_cites(doc, hits))
    if q.compare and (q.field == "预算数" or q.compare[2] in ("万元", "万", "元") and not q.terms):
        op, num, unit = q.compare
        limit = num / (1e4 if unit == "元" else 1)
        hits = [p for p in valid if _OPS[op](p.budget, limit)]
        head = f"{label}预算数{_OP_WORDS[op]}{num:g}{unit or '万元'}的项目"
        return list_answer(doc, head, hits, budget_cites(doc, hits))
    if {"max", "min"} & q.intents or ({"more", "less"} & q.intents and len(projects) >= 2):
        if not valid:
            return None
        high = bool({"max", "more"} & q.intents)
        best = max(p.budget for p in valid) if high else min(p.budget for p in valid)
        top = [p for p in valid if abs(p.budget - best) < 1e-9]
        word = "最高" if high else "最低"
        if len(valid) == 2 and {"more", "less"} & q.intents:
            word = "更高" if high else "更低"
            a, b = valid
            text = f"“{top[0].name}”的预算数{word}：{a.name} {format_wan(a.budget)} 万元，{b.name} {format_wan(b.budget)} 万元。"
            return Answer(question="", text=text, citations=budget_cites(doc, valid))
        names = "、".join(f"“{p.name}”（表{_table(doc, p)}）" for p in top)
        text = f"{scope}预算数{word}的项目是{names}，预算数 {format_wan(best)} 万元。"
        return Answer(question="", text=text, citations=budget_cites(doc, top))
    total = round(sum(p.budget or 0 for p in projects), 2)
    cites = budget_cites(doc, projects)
    if "list" in q.intents or q.field == "项目名称":
        return list_answer(doc, f"{label}的项目", projects, cites + [field_citation(doc, p, "项目名称", p.name) for p in projects])
    if "count" in q.intents or "sum" in q.intents or q.field == "预算数":
        return Answer(question="", text=f"{label}共有 {len(projects)} 个项目（绩效目标表），预算数合计 {total:.2f} 万元。", citations=cites)
    return None


def spending_plans(doc: Document, projects: list[Project], q: Question) -> Answer | None:
    """Projects whose cumulative spending by a month meets a condition (为0, 100%, 没到100%)."""
    if q.month is None:
        return None
    cond = q.compare
    if cond is None:
        m = re.search(r"(?:为|是|就|达到|到)?\s*(?<![\d.])(0|零|100\s*%?|百分之百)(?![\d月])", q.rest)
        if not m:
            return None
        cond = ("=", 0.0 if m.group(1) in ("0", "零") else 100.0, "%")
    op, num, _ = cond
    idx = ["mar", "jun", "oct", "dec"].index(q.month)
    hits, cites = [], []
    for p in projects:
        v = getattr(p.spending_plan, q.month)
        if v is not None and _OPS[op](v, num):
            hits.append(p)
            if idx < len(p.spending_plan.raw):
                cites.append(field_citation(doc, p, "资金支出计划", p.spending_plan.raw[idx]))
    head = f"{_MONTH_NAMES[q.month]}累计支出计划{_OP_WORDS[op]}{num:g}%的项目"
    extras = {id(p): f"{_MONTH_NAMES[q.month]}累计 {getattr(p.spending_plan, q.month):g}%" for p in hits}
    return list_answer(doc, head, hits, cites, with_sum=False, extras=extras)


def in_category(ind: Indicator, category: str) -> bool:
    if category in ("产出指标", "效益指标", "满意度指标", "成本指标"):
        l1 = canonical_level1(ind.level1)
        if category == "成本指标":
            return l1 == "成本指标" or "成本" in canonical_level2(ind.level2)
        if category == "满意度指标":
            return l1 == "满意度指标" or "满意度" in ind.level3
        return l1 == category
    return canonical_level2(ind.level2) == category or (category == "满意度指标" and "满意度" in ind.level3)


def value_rows(doc: Document, projects: list[Project], q: Question) -> Answer | None:
    """哪个项目的预算控制数是15000元: rows named by the question whose value is the one stated."""
    if not q.compare or q.compare[0] != "=" or not q.terms:
        return None
    from .lookup import covers

    num, unit = q.compare[1], q.compare[2]
    hits = []
    for p in projects:
        for i in p.indicators:
            name = normalize_text(i.level3 + i.description)
            if i.value.number is None or not all(covers(t, name) >= 0.8 for t in q.terms):
                continue
            same = abs(i.value.number - num) < 1e-9 and (not unit or unit in i.value_raw or unit == "%" and i.value.kind == "percentage")
            if same:
                hits.append((p, i))
    if not hits:
        return None
    return _rows_answer(doc, f"{'、'.join(q.terms)}为 {num:g}{unit} 的项目", hits, hits)


def share_of_total(doc: Document, p: Project, q: Question) -> Answer | None:
    """项目9的预算占部门总预算的比例: the project's budget over the document's total, computed."""
    total = doc.total_budget()
    if p.budget is None or not total:
        return None
    share = p.budget / total * 100
    text = f"“{p.name}”（表{_table(doc, p)}）预算数 {format_wan(p.budget)} 万元，占全部 {len(doc.projects)} 个项目预算数合计 {total:.2f} 万元的 {share:.2f}%。"
    return Answer(question="", text=text, citations=budget_cites(doc, [p]))


def category_rows(doc: Document, projects: list[Project], q: Question) -> Answer | None:
    """Rows of a named category across projects: which projects set it (or do not), which of its values
    meet a condition, which is the highest or lowest, which are written in the past tense."""
    if not q.categories:
        return None
    cat = q.categories[0]
    rows = [(p, i) for p in projects for i in p.indicators if in_category(i, cat)]
    yes_no = re.search(r"有没有|是否|有无|吗", q.rest)
    if "missing" in q.intents and re.search(r"没有|没|未|缺", re.sub(r"有没有", "", q.rest)):
        lacking = [p for p in projects if not any(in_category(i, cat) for i in p.indicators)]
        cites = [field_citation(doc, p, "项目名称", p.name) for p in lacking]
        return list_answer(doc, f"没有设置{cat}的项目", lacking, cites, with_sum=False)
    numeric = [(p, i) for p, i in rows if i.value.number is not None and i.value.kind in ("percentage", "quantity", "money", "unit_price")]
    if q.compare and q.compare[0] != "between" and (q.compare[2] not in ("万元", "万", "元") or cat == "满意度指标"):
        op, num, _ = q.compare
        hits = [(p, i) for p, i in numeric if _OPS[op](i.value.number, num)]
        head = f"{cat}的指标值{_OP_WORDS[op]}{num:g}{q.compare[2]}的项目"
        return _rows_answer(doc, head, hits, rows)
    if {"max", "min"} & q.intents and numeric:
        high = "max" in q.intents
        best = (max if high else min)(i.value.number for _, i in numeric)
        hits = [(p, i) for p, i in numeric if abs(i.value.number - best) < 1e-9]
        return _rows_answer(doc, f"{cat}的指标值{'最高' if high else '最低'}（{hits[0][1].value_raw}）的项目", hits, rows)
    if yes_no and len(projects) == 1:
        p = projects[0]
        own = [i for _, i in rows]
        if not own:
            return Answer(question="", text=f"没有。“{p.name}”（表{_table(doc, p)}）没有设置{cat}。", citations=[field_citation(doc, p, "项目名称", p.name)])
        items = "；".join(f"“{i.level3}” {i.value_raw}" for i in own)
        return Answer(question="", text=f"有。“{p.name}”（表{_table(doc, p)}）设置了{len(own)}个{cat}：{items}。", citations=[row_citation(doc, _table(doc, p), p.name, i) for i in own])
    if re.search(r"(?:几|多少)个?(?:[^，。？?]{0,6})指标", q.rest) and not q.compare and q.atype in (None, "number", "quantity"):
        names = "；".join(f"“{i.level3}”" for _, i in rows)
        text = f"{cat}共 {len(rows)} 个" + (f"：{names}。" if rows else "。")
        return Answer(question="", text=text, citations=[row_citation(doc, _table(doc, p), p.name, i) for p, i in rows])
    if "past" in q.intents:
        hits = [(p, i) for p, i in rows if i.value.past_tense]
        return _rows_answer(doc, f"{cat}写成已完成或已支付的项目", hits, rows)
    if "list" in q.intents or "present" in q.intents:
        return _rows_answer(doc, f"设置了{cat}的项目", rows, rows)
    return None


def _rows_answer(doc: Document, head: str, hits: list[tuple[Project, Indicator]], pool: list) -> Answer:
    if not hits:
        return Answer(question="", text=f"{head}：没有。", citations=[])
    items = "；".join(f"表{_table(doc, p)}“{p.name}”的“{i.level3}” {i.value_raw}" for p, i in hits)
    redacted = sorted({p.name for p, i in pool if i.value.kind == "placeholder"})
    text = f"{head}共 {len(hits)} 个：{items}。"
    if redacted:
        text += "另有 " + "、".join(f"“{n}”" for n in redacted) + " 的相应指标值为占位内容（如“密”），无法判断。"
    cites = [row_citation(doc, _table(doc, p), p.name, i) for p, i in hits]
    return Answer(question="", text=text, citations=cites)


def cost_vs_budget(doc: Document, p: Project) -> Answer | None:
    """Whether a project's money-valued cost rows match its budget (both in 万元)."""
    rows = [i for i in p.indicators if in_category(i, "成本指标") and i.value.kind == "money" and i.value.normalized is not None]
    if not rows or p.budget is None:
        return None
    parts, cites = [], [field_citation(doc, p, "预算数", format_wan(p.budget))]
    bad = False
    for i in rows:
        wan = i.value.normalized
        same = abs(wan - p.budget) < 0.005
        bad |= not same and i.value.operator not in ("<=", "<") or (i.value.operator in ("<=", "<") and wan + 1e-9 < p.budget * 0.5) or wan > p.budget + 0.005
        parts.append(f"“{i.level3}”为 {i.value_raw}（合 {format_wan(wan)} 万元）")
        cites.append(row_citation(doc, _table(doc, p), p.name, i))
    verdict = "与预算数不一致" if bad else "与预算数一致"
    text = f"“{p.name}”预算数 {format_wan(p.budget)} 万元；成本指标" + "，".join(parts) + f"，{verdict}。"
    return Answer(question="", text=text, citations=cites)
