"""How offline answers read: the value first, then the quoted source and where it is, in Chinese."""

from __future__ import annotations

import re

from ..categories import canonical_level2
from ..models import Answer, Citation, Document, Indicator, Project, SourceLocation
from ..values import format_wan, normalize_text
from .lookup import Scored
from .passages import row_citation
from .question import Question

NOT_FOUND = "资料中未找到"
MONEY = ("预算数", "财政资金", "其他资金", "中期资金")
_PLAN = {"mar": "3月底", "jun": "6月底", "oct": "10月底", "dec": "12月底"}


def not_found(reason: str) -> Answer:
    return Answer(question="", text=f"{NOT_FOUND}。{reason}", not_found=True)


def _table(doc: Document, p: Project) -> int:
    return p.source.table or doc.projects.index(p) + 1


def field_value(p: Project, label: str) -> str:
    return {
        "预算数": format_wan(p.budget),
        "财政资金": format_wan(p.fiscal_funds),
        "其他资金": format_wan(p.other_funds),
        "中期资金": format_wan(p.mid_budget),
        "资金用途": p.purpose,
        "绩效目标": p.goal,
        "项目编码": p.code,
        "预算单位": f"{p.unit_code}{p.unit_name}",
        "单位编码": p.unit_code,
        "项目名称": p.name,
    }.get(label, "")


def field_citation(doc: Document, p: Project, label: str, quote: str) -> Citation:
    return Citation(document=doc.source_file, project=p.name, field=label, quote=quote, location=p.source)


def field_answer(doc: Document, p: Project, label: str) -> Answer:
    value = field_value(p, label)
    t = _table(doc, p)
    if label == "预算单位" and not value.strip() and re.search(r"(局|委|办|院|中心|站|所|校|会|部|厅|政府)$", doc.department or "") and len(doc.department) <= 20:
        c = Citation(document=doc.source_file, field="部门", quote=doc.department, location=SourceLocation(file=doc.source_file))
        return Answer(question="", text=f"“{p.name}”（表{t}）没有填写预算单位；文档所属部门为 {doc.department}。", citations=[c])
    if not value.strip():
        return not_found(f"“{p.name}”（表{t}）的{label}未填写。")
    if label == "项目名称":
        return Answer(question="", text=f"表{t}的项目名称为“{p.name}”。", citations=[field_citation(doc, p, label, p.name)])
    if label == "单位编码":
        text = f"预算单位“{p.unit_name}”的单位编码为 {value}（见表{t}“{p.name}”）。"
        return Answer(question="", text=text, citations=[field_citation(doc, p, "预算单位", value)])
    unit = " 万元" if label in MONEY else ""
    text = f"“{p.name}”（表{t}）的{label}为 {value.rstrip('。；; ')}{unit}。"
    if label == "预算数" and p.fiscal_funds is not None and p.other_funds:
        text += f"其中财政资金 {format_wan(p.fiscal_funds)} 万元，其他资金 {format_wan(p.other_funds)} 万元。"
    return Answer(question="", text=text, citations=[field_citation(doc, p, label, value.splitlines()[0])])


def units_answer(doc: Document) -> Answer:
    """The budget units of the document, each with its projects."""
    units = [(u, [p for p in doc.projects if p.unit_name == u.name and p.unit_code == u.code]) for u in doc.units]
    if not units:
        return not_found("文档中没有写明预算单位。")
    parts = [f"{u.code}{u.name}（{len(ps)} 个项目）" for u, ps in units]
    cites = [field_citation(doc, ps[0], "预算单位", f"{u.code}{u.name}") for u, ps in units if ps]
    return Answer(question="", text=f"共 {len(units)} 个预算单位：" + "；".join(parts) + "。", citations=cites)


def project_summary(doc: Document, p: Project) -> Answer:
    """What a project is: its name, budget and purpose."""
    t = _table(doc, p)
    text = f"表{t}是“{p.name}”"
    cites = [field_citation(doc, p, "项目名称", p.name)]
    if p.budget is not None:
        text += f"，预算数 {format_wan(p.budget)} 万元"
        cites.append(field_citation(doc, p, "预算数", format_wan(p.budget)))
    if p.purpose.strip():
        text += f"，资金用途：{p.purpose.strip().rstrip('。')}"
        cites.append(field_citation(doc, p, "资金用途", p.purpose.splitlines()[0]))
    return Answer(question="", text=text + "。", citations=cites)


def plan_answer(doc: Document, p: Project, month: str | None, until_all: bool = False) -> Answer:
    """The cumulative spending plan (one month's, or all four); `until_all` leads with the month it reaches 100%."""
    plan, raw = p.spending_plan, p.spending_plan.raw
    parts, cites = [], []
    for k in [month] if month else list(_PLAN):
        idx = list(_PLAN).index(k)
        v = getattr(plan, k)
        if v is None:
            continue
        parts.append(f"{_PLAN[k]}累计支出 {v:g}%")
        if idx < len(raw):
            cites.append(field_citation(doc, p, f"资金支出计划（{_PLAN[k]}）", raw[idx]))
    if not parts:
        return not_found(f"“{p.name}”没有填写资金支出计划。")
    lead = ""
    if until_all:
        full = next((k for k in _PLAN if (getattr(plan, k) or 0) >= 100), None)
        lead = f"计划到{_PLAN[full]}累计支出100%。" if full else "计划到年底仍未全部支出。"
    return Answer(question="", text=lead + f"“{p.name}”（表{_table(doc, p)}）的资金支出计划：" + "，".join(parts) + "。", citations=cites)


def where_answer(doc: Document, s: Scored) -> Answer:
    """Where a passage is: its table and row, or its section and item of 第一部分."""
    p = s.passage
    if p.indicator is not None:
        place = f"表{p.table}“{doc.projects[p.table - 1].name}”第{p.indicator.source.row}行（{p.indicator.level3}）"
    elif p.table is not None:
        place = f"表{p.table}“{doc.projects[p.table - 1].name}”的{p.label}"
    else:
        place = where(p.citation)
    return Answer(question="", text=f"在{place}：“{p.text}”。", citations=[p.citation])


def _wants(q: Question, *words: str) -> bool:
    return any(w in q.text for w in words)


def rows_answer(doc: Document, rows: list[tuple[int, Project, Indicator]], q: Question, count: bool = False) -> Answer:
    parts, cites = [], []
    if count and rows:  # 这个项目有几个指标
        t, p, _ = rows[0]
        names = "；".join(f"“{i.level3}” {i.value_raw}" for _, _, i in rows)
        return Answer(question="", text=f"“{p.name}”（表{t}）共设置 {len(rows)} 个指标：{names}。", citations=[row_citation(doc, t, p.name, i) for _, _, i in rows])
    for t, p, ind in rows:
        level2 = canonical_level2(ind.level2) or ind.level2
        head = f"“{p.name}”（表{t}）的“{ind.level3}”（{level2}）"
        if q.column == "指标值确定依据" and ind.basis:
            parts.append(f"{head}指标值为 {ind.value_raw}，指标值确定依据为“{ind.basis}”")
            cites.append(row_citation(doc, t, p.name, ind, ind.basis, "指标值确定依据"))
            continue
        text = f"{head}指标值为 {ind.value_raw}"
        if ind.unit_column and ind.unit_column not in ind.value_raw and q.column != "计量单位":
            text += f"（计量单位：{ind.unit_column}）"
        if q.column == "绩效指标描述" and ind.description:
            text += f"，绩效指标描述为“{ind.description}”"
        if q.column == "指标方向":
            text += f"，指标方向（计算符号）为 {ind.operator_column or ind.value.operator or '未填写'}"
        if q.column == "指标类别":
            text += f"，属于一级指标“{ind.level1}”、二级指标“{ind.level2}”"
        if q.column == "计量单位" and ind.unit_column:
            text += f"，计量单位为 {ind.unit_column}"
        if ind.actual_raw:
            text += f"，实际完成值为 {ind.actual_raw}"
            cites.append(row_citation(doc, t, p.name, ind, ind.actual_raw, "实际完成值"))
            if ind.weight and ind.score:
                text += f"（分值 {ind.weight}，得分 {ind.score}）"
            if ind.reason and ind.reason not in ("无", "—", "/"):
                text += f"，偏差原因：“{ind.reason}”"
                cites.append(row_citation(doc, t, p.name, ind, ind.reason, "偏差原因"))
        extra = [c for c in (ind.description, ind.basis) if c and c != ind.level3 and any(w in normalize_text(c) for w in q.terms if w not in normalize_text(ind.level3))]
        if q.atype is None and re.search(r"什么|怎么|如何|怎样|哪些", q.text) and ind.description and ind.description != ind.level3 and ind.description not in extra:
            extra.insert(0, ind.description)  # 按什么标准发放: the row's description says how
        if _wants(q, "调查", "问卷", "回访", "怎么评", "如何评", "方式", "方法"):
            extra += [c for c in (ind.description, ind.basis) if c and c not in extra and re.search(r"调查|问卷|回访|测评|抽样", c)]
        if extra:
            text += "（" + "；".join(f"“{c}”" for c in extra) + "）"
        parts.append(text)
        cites.append(row_citation(doc, t, p.name, ind))
    return Answer(question="", text="；".join(parts) + "。", citations=cites)


def where(c: Citation) -> str:
    loc = c.location
    if loc.section:
        return "第一部分·" + loc.section + (f"第{loc.item}项" if loc.item is not None and loc.section != "工作保障措施" else "") + (f"（原文第{loc.line}行）" if loc.line else "")
    return "封面" if c.project is None else f"“{c.project}”的{c.field}"


def passage_answer(doc: Document, top: list[Scored], q: Question) -> Answer:
    rows = [(s.passage.table, doc.projects[s.passage.table - 1], s.passage.indicator) for s in top if s.passage.indicator is not None]
    if rows and len(rows) == len(top):
        return rows_answer(doc, rows, q)
    best = next(s for s in top if s.passage.indicator is None) if not rows else top[0]
    if best.passage.indicator is not None:
        return rows_answer(doc, rows[:1], q)
    p = best.passage
    c = p.citation
    quote = f"“{p.text}”"
    if best.span and best.span != p.text:
        text = f"{best.span}。原文：{quote}（{where(c)}）。"
    else:
        text = f"{where(c)}：{quote}。"
    return Answer(question="", text=text, citations=[c])


def clarify(doc: Document, candidates: list[tuple[int, Project]], q: Question, scored: list[Scored] | None = None) -> Answer:
    """Several projects fit: ask which one, showing what each would answer."""
    shown, cites = [], []
    by_table = {s.passage.table: s for s in scored or []}
    for t, p in candidates:
        extra = ""
        s = by_table.get(t)
        if s is not None and s.passage.indicator is not None:
            extra = f"“{s.passage.indicator.level3}” {s.passage.indicator.value_raw}"
            cites.append(row_citation(doc, t, p.name, s.passage.indicator))
        elif q.field in MONEY + ("资金用途", "项目编码", "预算单位") and field_value(p, q.field):
            extra = f"{q.field} {field_value(p, q.field)}" + (" 万元" if q.field in MONEY else "")
            cites.append(field_citation(doc, p, q.field, field_value(p, q.field).splitlines()[0]))
        shown.append(f"表{t}“{p.name}”" + (f"（{extra}）" if extra else ""))
    options = "、".join(shown[:-1]) + "还是" + shown[-1]
    text = f"有 {len(candidates)} 个项目符合，您指的是{options}？请说明是哪一个。"
    return Answer(question="", text=text, citations=cites)
