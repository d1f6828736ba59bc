"""LLM review checks: one structured call per project table, findings grounded in the table's own text.

`LLMReviewChecker` implements review.LLMChecker. Each project is sent with its department goals, the
rule findings already made and (optionally) similar rows from the knowledge base; the answer is a list
of findings in the taxonomy. A quote that is not verbatim in the table, or a row that does not exist or
does not hold the quote, is reported back to the model (bounded re-asks) and dropped if it survives;
findings the rules already made are not repeated. The whole pass runs within one deadline
(settings.llm_deadline) and stops early when `cancel` is set; any endpoint failure leaves the review
rules-only, with a notice that says so.
"""

from __future__ import annotations

import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from pydantic import BaseModel, Field

from ..errors import AssistantError, LLMError
from ..llm import action, build_chat_model, check_answer, prompt, structured_call
from ..models import CATEGORY_LABELS, Category, Document, Finding, Indicator, Project, Severity
from ..settings import Settings, get_settings

NOT_DONE = "大模型检查未完成（{reason}），本次审核仅含规则检查结果。"
ROW_FIELDS = ("level1", "level2", "level3", "description", "value_raw", "basis")


class LLMIssue(BaseModel):
    """One problem the model found in a project table."""

    category: Category = Field(description="问题类别代码")
    severity: Severity = Field(description="error / warning / info")
    row: int | None = Field(None, description="指标行号（第N行的N）；针对整张表时为 null")
    evidence: str = Field(description="从项目绩效目标表逐字摘录的原文")
    message: str = Field(description="问题说明（中文）")
    suggestion: str = Field(description="修改建议（中文）")


class LLMReview(BaseModel):
    # required: an answer of another shape ({"answer": ...}) must not pass as "no problems found"
    findings: list[LLMIssue] = Field(description="发现的问题；没有问题时为空数组 []")


# --- what the model sees --------------------------------------------------------------------------
def _money(x: float | None) -> str:
    return "—" if x is None else f"{x:g}万元"


def project_table(p: Project) -> str:
    """The table as numbered lines: fields, then 第N行｜一级｜二级｜三级｜描述｜指标值｜依据."""
    plan = " / ".join(p.spending_plan.raw) or "（未填写）"
    lines = [
        f"项目名称：{p.name}",
        f"项目编码：{p.code or '（未填写）'}",
        f"预算单位：{p.unit_name or '（未填写）'}",
        f"预算数：{_money(p.budget)}（财政资金{_money(p.fiscal_funds)}，其他资金{_money(p.other_funds)}）",
        f"资金用途：{p.purpose or '（未填写）'}",
        f"资金支出计划（累计，3月/6月/10月/12月）：{plan}",
        f"绩效目标：{p.goal or '（未填写）'}",
        "指标行（行号｜一级指标｜二级指标｜三级指标｜绩效指标描述｜指标值｜指标值确定依据）：",
    ]
    for n, ind in enumerate(p.indicators, 1):
        cells = [getattr(ind, f) or "（空）" for f in ROW_FIELDS]
        lines.append(f"第{n}行｜" + "｜".join(cells))
    return "\n".join(lines)


def goals_text(doc: Document) -> str:
    if not doc.goal_areas:
        return "（文档中没有分项绩效目标）"
    out = []
    for a in doc.goal_areas:
        out.append(
            f"{a.number}.{a.title}：{a.goal}"
            + (f"（绩效指标：{a.indicators_text}）" if a.indicators_text else "")
        )
    return "\n".join(out)


def known_text(findings: list[Finding]) -> str:
    if not findings:
        return "（无）"
    return "\n".join(
        f"- {CATEGORY_LABELS[f.category]}（{f.category}）{('，指标：' + f.indicator) if f.indicator else ''}："
        f"{f.message}（原文：{f.evidence}）"
        for f in findings
    )


def _cells(p: Project) -> list[str]:
    """Every text a finding about `p` may quote."""
    texts = [p.name, p.code, p.unit_name, p.purpose, p.goal, *p.spending_plan.raw]
    texts += [getattr(i, f) for i in p.indicators for f in ROW_FIELDS]
    return [t for t in texts if t]


def is_grounded(evidence: str, p: Project) -> bool:
    e = evidence.strip()
    return bool(e) and any(e in t for t in _cells(p))


def _in_row(evidence: str, ind: Indicator) -> bool:
    return any(evidence in (getattr(ind, f) or "") for f in ROW_FIELDS)


def issue_errors(issue: LLMIssue, p: Project) -> list[str]:
    """Why a finding cannot be placed: a quote that is not in the table, a row that does not exist, a
    row that does not hold the quote. Nothing is ever moved to another row."""
    e = issue.evidence.strip()
    if not is_grounded(e, p):
        return [f"引文不在项目绩效目标表中（必须逐字摘录某个单元格的原文）：「{issue.evidence}」"]
    if issue.row is None:
        return []
    if not 1 <= issue.row <= len(p.indicators):
        return [f"第{issue.row}行不存在（本表共{len(p.indicators)}行指标）：请写出引文所在的行号，针对整张表时写 null"]
    if not _in_row(e, p.indicators[issue.row - 1]):
        return [f"第{issue.row}行中没有引文「{e}」：请改为引文所在的行号，针对整张表时写 null"]
    return []


def grounding_errors(p: Project):
    """The structured_call validator: one line per finding that cannot be placed in the table."""

    def check(answer: LLMReview) -> list[str]:
        return [f"findings.{n}: {err}" for n, f in enumerate(answer.findings) for err in issue_errors(f, p)]

    return check


# --- turning answers into findings ----------------------------------------------------------------
def _row_of(issue: LLMIssue, p: Project) -> Indicator | None:
    e = issue.evidence.strip()
    if issue.row is not None:
        return p.indicators[issue.row - 1]  # checked by issue_errors: in range and holding the quote
    if any(e in t for t in (p.name, p.purpose, p.goal, *p.spending_plan.raw) if t):
        return None
    return next((i for i in p.indicators if _in_row(e, i)), None)


def to_findings(answer: LLMReview, p: Project) -> list[Finding]:
    """Placeable findings in the common shape; an ungrounded quote or a wrong row is dropped."""
    out = []
    for issue in answer.findings:
        if issue_errors(issue, p):
            continue
        ind = _row_of(issue, p)
        out.append(
            Finding(
                category=issue.category,
                severity=issue.severity,
                rule_id=f"LLM-{issue.category}",
                project=p.name,
                indicator=ind.level3 if ind else None,
                location=(ind.source if ind else p.source).model_copy(),
                message=issue.message.strip(),
                suggestion=issue.suggestion.strip(),
                evidence=issue.evidence.strip(),
                source="llm",
            )
        )
    return out


def _place(f: Finding) -> tuple:
    """Where a finding is: its project and table row (or 三级指标 when the row is unknown)."""
    return (f.project, f.location.table, f.location.row if f.location.row is not None else f.indicator)


def _overlap(a: str, b: str) -> bool:
    a, b = a.strip(), b.strip()
    return bool(a and b) and (a in b or b in a)


def merge_findings(rule: list[Finding], llm: list[Finding]) -> list[Finding]:
    """The LLM findings that are new. Two findings are the same when project, row, category and quote
    agree; against a rule finding, the same row and category is enough when the row is known (the rule
    already said it), and a quote overlapping the rule's quote in the same project and category too.
    Findings in different projects are never merged."""
    seen = {(_place(f), f.category, f.evidence.strip()) for f in rule}
    by_project: dict[tuple, list[Finding]] = {}
    for f in rule:
        by_project.setdefault((f.project, f.category), []).append(f)
    kept = []
    for f in llm:
        key = (_place(f), f.category, f.evidence.strip())
        if key in seen:
            continue
        same_row = f.location.row is not None and any(
            _place(r) == _place(f) for r in by_project.get((f.project, f.category), [])
        )
        same_quote = any(_overlap(r.evidence, f.evidence) for r in by_project.get((f.project, f.category), []))
        if same_row or same_quote:
            continue
        seen.add(key)
        kept.append(f)
    return kept


# --- the checker ----------------------------------------------------------------------------------
class LLMReviewChecker:
    """review.LLMChecker over an OpenAI-compatible endpoint. `chat` defaults to the configured model;
    `kb` (a KnowledgeBase) adds similar prior-year rows to each request; `workers` calls run at once.
    `cancel` (a threading.Event the app may set) stops the pass: calls not yet made are not made."""

    def __init__(
        self,
        chat=None,
        *,
        settings: Settings | None = None,
        kb=None,
        workers: int = 4,
        max_retries: int = 2,
        cancel: threading.Event | None = None,
    ):
        self.settings = settings or get_settings()
        self.chat, self.kb, self.workers, self.max_retries = chat, kb, max(1, workers), max_retries
        self.cancel = cancel

    def review(self, doc: Document, findings: list[Finding]) -> tuple[list[Finding], list[str]]:
        from ..rules import load_lexicon, redacted_projects

        hidden = redacted_projects(doc, load_lexicon())  # a 密 table has nothing to review (or to send)
        projects = [p for n, p in enumerate(doc.projects) if n not in hidden and (p.indicators or p.goal)]
        if not projects:
            return [], []
        try:
            # one deadline for the whole pass: every project's calls, retries and waits count against it
            with action(cancel=self.cancel):
                results = self._check_all(doc, projects, findings)
        except Exception as exc:  # noqa: BLE001 - the LLM is an aid: it never breaks a review
            return [], [NOT_DONE.format(reason=_reason(exc))]
        extra = [f for n in sorted(results) for f in results[n]]
        return merge_findings(findings, extra), []

    def _check_all(self, doc: Document, projects: list[Project], findings: list[Finding]) -> dict[int, list[Finding]]:
        chat = self.chat if self.chat is not None else build_chat_model(self.settings)
        goals = goals_text(doc)
        pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="llm-review")
        futures = {
            # each task runs in a copy of this context: the action's deadline reaches the worker threads
            pool.submit(
                contextvars.copy_context().run,
                self.check_project,
                chat,
                doc,
                p,
                goals,
                [f for f in findings if f.project == p.name],
            ): n
            for n, p in enumerate(projects)
        }
        results: dict[int, list[Finding]] = {}
        try:
            for fut in as_completed(futures):
                results[futures[fut]] = fut.result()
        finally:  # on a failure, calls not yet started are cancelled and the review is rules-only
            pool.shutdown(wait=False, cancel_futures=True)
        return results

    def check_project(
        self, chat, doc: Document, p: Project, goals: str, known: list[Finding]
    ) -> list[Finding]:
        system = prompt(
            "review",
            year=doc.budget_year or "未注明",
            project=project_table(p),
            goals=goals,
            precedents=self.precedents(doc, p),
            known=known_text(known),
        )
        messages = [("system", system), ("user", f"请审核项目「{p.name}」的绩效目标表，按要求输出 JSON。")]
        try:
            answer = structured_call(
                chat, messages, LLMReview, max_retries=self.max_retries, validate=grounding_errors(p)
            ).parsed
        except LLMError as exc:
            # After the last re-ask an answer that parses but still misquotes is kept; its bad quotes go.
            answer, errors = check_answer(exc.raw, LLMReview) if exc.raw else (None, [])
            if answer is None or errors:
                raise
        except (ValueError, TypeError, KeyError) as exc:  # a non-OpenAI body the client could not read
            raise LLMError(f"大模型服务返回了无法识别的响应（{type(exc).__name__}）") from exc
        return to_findings(answer, p)

    def precedents(self, doc: Document, p: Project) -> str:
        """Similar indicator rows from other documents in the knowledge base, or a line saying none."""
        if self.kb is None:
            return "（无）"
        from ..kb.records import doc_id_for

        name = Path(doc.source_file).name if doc.source_file else None
        own = doc_id_for(name) if name else None  # the id a document had when names were the key

        def other(h) -> bool:  # the document under review may be in the knowledge base itself
            return h.doc_id != own and (not name or h.metadata.get("source_file") != name)

        try:
            hits = self.kb.search(f"{p.name} {p.purpose} {p.goal}", k=8, grain="indicator")
        except Exception:  # noqa: BLE001 - precedents are optional context
            return "（知识库检索失败）"
        lines = [f"[K{n}] 《{h.document}》{h.text}" for n, h in enumerate((h for h in hits if other(h)), 1)]
        return "\n".join(lines[:6]) or "（无）"


def _reason(exc: Exception) -> str:
    text = str(exc).strip() if isinstance(exc, AssistantError) else type(exc).__name__
    return text.rstrip("。") or type(exc).__name__


def build_llm_checker(settings: Settings | None = None, kb=None, chat=None) -> LLMReviewChecker:
    """The checker for `assistant check --llm` and the app. The knowledge base is used when given, or
    when one exists on disk (a shared server or a local store that was ingested into)."""
    s = settings or get_settings()
    if kb is None and (s.chroma_host or s.chroma_dir.exists()):
        try:
            from ..kb.index import KnowledgeBase

            kb = KnowledgeBase(s)
            kb = kb if kb.count("indicator") else None
        except Exception:  # noqa: BLE001 - precedents are optional context
            kb = None
    return LLMReviewChecker(chat, settings=s, kb=kb)
