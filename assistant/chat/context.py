"""The materials the LLM chat engine shows the model, each under an id it must cite.

[R3] an indicator row, [P8-预算数] a project field, [D-总体绩效目标] / [D-分项2] the department's goals,
[K1] a knowledge-base hit from another document, [E2] a citation of the offline engine that maps to none
of these. Every id carries the Citation it stands for and the text a quoted excerpt must come from.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from ..models import CATEGORY_LABELS, Answer, Citation, Document, Indicator, Project
from ..values import format_wan, normalize_text
from .citations import is_grounded, row_grounding_text
from .question import parse

log = logging.getLogger(__name__)

MAX_ROWS = 20  # retrieved rows; rows the offline engine cited come on top (up to MAX_CITED)
MAX_CITED = 30
MAX_PROJECTS = 3  # projects whose header fields are listed
MIN_ROW_MATCH = 0.5  # rows from the whole document covering less of the question are left out
KB_HITS = 4
_AGGREGATE = re.compile(
    r"合计|总计|一共|总共|总额|加起来|共计|汇总|多少个|几个|几项|多少项|个数|哪些|列出|列举|清单|所有|全部|各项目|每个项目"
    r"|最高|最多|最大|最低|最少|最小|低于|小于|少于|不足|不到|高于|大于|超过|多于|不低于|不少于|至少|不高于|不超过|以上|以下"
    r"|问题|缺陷|错误|审核|不一致|不符|不合理|模糊|过期|涉密"  # defect questions: the reviewer's findings
)
_DEPARTMENT = re.compile(r"部门|总体|整体|分项")
_DEPARTMENT_FIELDS = ("总体绩效目标", "分项绩效目标")
_ROW_CELLS = (
    ("指标值", "value_raw"),
    ("指标值确定依据", "basis"),
    ("三级指标", "level3"),
    ("绩效指标描述", "description"),
    ("计量单位", "unit_column"),
    ("二级指标", "level2"),
    ("一级指标", "level1"),
)
_PLAN = ("3月底", "6月底", "10月底", "12月底")
MONEY_FIELDS = ("预算数", "财政资金", "其他资金")


def project_fields(p: Project) -> list[tuple[str, str]]:
    """(label, cell text) of a project's filled header fields; labels match the offline engine's."""
    out = [
        ("项目名称", p.name),
        ("项目编码", p.code),
        ("预算单位", f"{p.unit_code}{p.unit_name}"),
        ("预算数", format_wan(p.budget)),
        ("财政资金", format_wan(p.fiscal_funds)),
        ("其他资金", format_wan(p.other_funds)),
        ("资金用途", p.purpose),
        ("绩效目标", p.goal),
    ]
    out += [(f"资金支出计划（{m}）", raw) for m, raw in zip(_PLAN, p.spending_plan.raw)]
    return [(label, value) for label, value in out if value.strip()]


@dataclass
class Entry:
    citation: Citation  # what citing this id yields
    source: str  # the text a quoted excerpt must occur in
    line: str  # how the id is shown to the model
    money: bool = False  # a 万元 amount: the model may quote it with its unit
    in_document: bool = True  # checked with citations.is_grounded as well
    indicator: Indicator | None = None
    cid: str = ""  # set by Context.add

    def refine(self, quote: str) -> Citation:
        """The citation for a verified excerpt: for a row, the cell that holds it (value, basis, ...)."""
        if self.indicator is not None:
            for label, attr in _ROW_CELLS:
                cell = getattr(self.indicator, attr)
                if cell and quote in normalize_text(cell):
                    return self.citation.model_copy(update={"field": label, "quote": cell})
        if not self.in_document and self.citation.field == "知识库":
            return self.citation.model_copy(update={"quote": quote})
        return self.citation


@dataclass
class Context:
    entries: dict[str, Entry] = field(default_factory=dict)  # keyed by the normalised id
    sections: list[tuple[str, list[str]]] = field(default_factory=list)  # (heading, ids)
    facts: str = "（无）"

    def add(self, cid: str, entry: Entry) -> str:
        entry.cid = cid
        self.entries.setdefault(normalize_text(cid), entry)
        return cid

    def get(self, cid: str) -> Entry | None:
        return self.entries.get(normalize_text(cid))

    def render(self) -> str:
        blocks = []
        for heading, ids in self.sections:
            lines = [self.entries[normalize_text(i)].line for i in ids]
            blocks.append("\n".join([heading, *lines]))
        return "\n\n".join(blocks) if blocks else "（没有检索到相关内容）"


def _matched_projects(engine: Any, question: str, earlier: list[str]) -> list[Project]:
    """Projects the question names (as the offline engine reads it); for a follow-up that names none,
    those of the latest earlier question."""
    for q in [question, *reversed(earlier)]:
        ref = engine.index.resolve(normalize_text(q))
        if ref.tables:
            return engine.index.projects(ref)[: MAX_PROJECTS if q is question else 1]
    return []


def _rows(engine: Any, question: str, projects: list[Project]) -> list[tuple[Project, Indicator, float]]:
    """Rows matching the question's content words, best first (within `projects` when given)."""
    q = parse(question)
    doc = engine.doc
    keys = {("t", doc.projects.index(p) + 1) for p in projects}
    out = []
    for s in engine.matcher.score(q, q.terms, keys, set()):
        ind = s.passage.indicator
        if ind is None or (keys and s.passage.key not in keys):
            continue
        out.append((doc.projects[s.passage.table - 1], ind, s.coverage if q.terms else 0.0))
    return out


@dataclass
class _Wanted:
    """What to show before ids are assigned: rows, project fields (by project), other citations."""

    rows: list[tuple[Project, Indicator]] = field(default_factory=list)
    fields: dict[int, set[str]] = field(default_factory=dict)  # id(project) -> field labels
    extra: list[Citation] = field(default_factory=list)

    def row(self, p: Project, ind: Indicator) -> None:
        if not any(i is ind for _, i in self.rows):
            self.rows.append((p, ind))


def _wanted(engine: Any, question: str, earlier: list[str], offline: Answer | None) -> _Wanted:
    doc = engine.doc
    projects = _matched_projects(engine, question, earlier)
    w = _Wanted(fields={id(p): {f for f, _ in project_fields(p)} for p in projects})
    if projects:
        for p, ind, _ in _rows(engine, question, projects):
            w.row(p, ind)
    for ind in projects[0].indicators if projects else []:
        w.row(projects[0], ind)
    for p, ind, cov in _rows(engine, question, []):
        if len(w.rows) >= MAX_ROWS or cov < MIN_ROW_MATCH:
            break
        w.row(p, ind)
    w.rows = w.rows[:MAX_ROWS]
    by_table = {p.source.table: p for p in doc.projects}
    for c in (offline.citations if offline and not offline.not_found else [])[:MAX_CITED]:
        p = by_table.get(c.location.table) or next((x for x in doc.projects if x.name == c.project), None)
        if p is not None and c.location.row is not None and 1 <= c.location.row <= len(p.indicators):
            w.row(p, p.indicators[c.location.row - 1])
        elif p is not None and c.field in dict(project_fields(p)):
            w.fields.setdefault(id(p), {"项目名称"}).add(c.field)
        elif not (c.project is None and c.field in _DEPARTMENT_FIELDS) and is_grounded(doc, c):
            w.extra.append(c)  # e.g. a finding's evidence; one that is not in the source is not offered
    return w


def build_context(
    engine: Any, question: str, earlier: list[str], offline: Answer | None, kb: Any = None
) -> Context:
    """Rows and fields relevant to the question (or, for a follow-up, to the project asked about
    before), the sources the offline engine cited, department goals when asked about, knowledge-base
    hits; row ids are assigned in document order. `engine` is the OfflineChat over the document: the
    LLM sees what the offline engine would match."""
    doc = engine.doc
    w = _wanted(engine, question, earlier, offline)
    ctx = Context()
    n = 0
    for p in doc.projects:
        chosen = [i for i in p.indicators if any(i is r for _, r in w.rows)]
        if id(p) not in w.fields and not chosen:
            continue
        t, ids = p.source.table, []
        for label, value in project_fields(p):
            if label in w.fields.get(id(p), ()):
                c = Citation(
                    document=doc.source_file, project=p.name, field=label, quote=value, location=p.source
                )
                unit = "（万元）" if label in MONEY_FIELDS else ""
                line = f"[P{t}-{label}] {value}{unit}"
                ids.append(ctx.add(f"P{t}-{label}", Entry(c, value, line, money=bool(unit))))
        for ind in chosen:
            n += 1
            ids.append(ctx.add(f"R{n}", _row_entry(doc, p, ind, n)))
        ctx.sections.append((f"### 表{t}「{p.name}」（{p.unit_name}）", ids))
    asked = offline is not None and any(
        c.project is None and c.field in _DEPARTMENT_FIELDS for c in offline.citations
    )
    if _DEPARTMENT.search(question) or asked:
        ctx.sections.append(("### 部门整体绩效目标", _department(doc, ctx)))
    extra = []
    for i, c in enumerate(w.extra, 1):
        label = CATEGORY_LABELS.get(c.field or "", c.field or "")  # a finding's category, in Chinese
        line = f"[E{i}] {c.project or '全文'}｜{label}：{c.quote}"
        extra.append(ctx.add(f"E{i}", Entry(c, c.quote, line)))
    ctx.sections.append(("### 程序计算结果的依据", extra))
    if kb is not None:
        ctx.sections.append(("### 知识库中的其他文档（仅供参考）", _kb(doc, question, kb, ctx)))
    ctx.sections = [(h, ids) for h, ids in ctx.sections if ids]
    if offline is not None:
        refs = [
            e.cid for c in offline.citations[:MAX_CITED] for e in ctx.entries.values() if _same(e.citation, c)
        ]
        ctx.facts = _facts(question, offline, list(dict.fromkeys(refs)))
    return ctx


def _row_entry(doc: Document, p: Project, ind: Indicator, n: int) -> Entry:
    c = Citation(
        document=doc.source_file,
        project=p.name,
        row=ind.source.row,
        field="指标值",
        quote=ind.value_raw,
        location=ind.source,
    )
    unit = f"｜计量单位：{ind.unit_column}" if ind.unit_column else ""
    line = (
        f"[R{n}] 第{ind.source.row}行｜{ind.level1}/{ind.level2}/{ind.level3}｜描述：{ind.description}"
        f"｜指标值：{ind.value_raw}｜依据：{ind.basis}{unit}"
    )
    return Entry(c, row_grounding_text(ind), line, indicator=ind)


def _same(a: Citation, b: Citation) -> bool:
    """Whether an id's citation is the source an offline citation points at (same row, or same field)."""
    if a.project != b.project or a.location != b.location:
        return False
    return a.location.row is not None or a.field == b.field


def _department(doc: Document, ctx: Context) -> list[str]:
    ids = []
    if doc.overall_goal:
        c = Citation(document=doc.source_file, field="总体绩效目标", quote=doc.overall_goal.splitlines()[0])
        ids.append(
            ctx.add(
                "D-总体绩效目标", Entry(c, doc.overall_goal, f"[D-总体绩效目标] {doc.overall_goal[:600]}")
            )
        )
    for a in doc.goal_areas:
        c = Citation(document=doc.source_file, field="分项绩效目标", quote=a.title)
        text = f"{a.title} {a.goal} {a.indicators_text}"
        ids.append(
            ctx.add(
                f"D-分项{a.number}",
                Entry(c, text, f"[D-分项{a.number}] {a.number}、{a.title}：{a.goal[:300]}"),
            )
        )
    return ids


def _kb(doc: Document, question: str, kb: Any, ctx: Context) -> list[str]:
    try:
        hits = kb.search(question, k=KB_HITS, grain=None)
    except Exception as exc:  # noqa: BLE001 - the knowledge base is optional: answer from the document alone
        log.warning("knowledge base search failed: %s", exc)
        return []
    ids = []
    for hit in hits:
        if doc.source_file and hit.location.file == doc.source_file:
            continue  # already covered by the document's own rows
        i = len(ids) + 1
        c = Citation(
            document=hit.document,
            project=hit.project or None,
            row=hit.location.row,
            field="知识库",
            quote=hit.text[:80],
            location=hit.location,
        )
        line = f"[K{i}] 《{hit.document}》{hit.project}：{hit.text[:300]}"
        ids.append(ctx.add(f"K{i}", Entry(c, hit.text, line, in_document=False)))
    return ids


def _facts(question: str, offline: Answer, ids: list[str]) -> str:
    if offline.not_found:
        return "程序没有在表格中找到可直接回答的内容（以下仅供参考）：\n" + offline.text
    refs = f"\n对应编号：{'、'.join(ids)}" if ids else ""
    if _AGGREGATE.search(question):
        return (
            "以下结果由程序根据表格和审核规则逐项得出，合计、个数、清单和审核意见必须直接采用，不要自行计算或增减：\n"
            + offline.text
            + refs
        )
    return "按关键词匹配得到的参考答案（可能不准确，请以资料原文为准）：\n" + offline.text + refs
