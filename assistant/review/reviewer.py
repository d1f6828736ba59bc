"""Review: deterministic rules first, then optional LLM checks, one Finding shape for both.

`review_document` is pure (rules only). `Reviewer` adds the department-goal map with embeddings and
the hook for LLM checks; `review_project` reviews a single drafted Project (self-review of a draft).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, Field

from ..errors import AssistantError
from ..llm import not_configured
from ..models import CATEGORY_LABELS, SEVERITY_LABELS, Document, Finding, GoalArea, Project
from ..rules import SEVERITY_ORDER, Policy, Rule, default_rules, run_rules
from ..settings import get_settings
from .goals import GoalMap, map_goals

NO_LLM_NOTICE = not_configured("本次仅运行规则检查")


class ReviewResult(BaseModel):
    """Findings of one review, sorted: document-level first, then by project order, then severity."""

    document: str = ""
    findings: list[Finding] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list)  # e.g. LLM not configured: rules only
    goal_map: GoalMap | None = None

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def summary(self) -> dict[str, Any]:
        """Counts: total, by_severity (error/warning/info), by_category (every category, 0 included)."""
        sev = Counter(f.severity for f in self.findings)
        cat = Counter(f.category for f in self.findings)
        return {
            "total": len(self.findings),
            "by_severity": {s: sev.get(s, 0) for s in SEVERITY_ORDER},
            "by_category": {c: cat.get(c, 0) for c in CATEGORY_LABELS},
        }

    def summary_text(self) -> str:
        """One Chinese line: 共N条：错误a条、警告b条、提示c条。"""
        s = self.summary()["by_severity"]
        parts = "、".join(f"{SEVERITY_LABELS[k]}{v}条" for k, v in s.items())
        return f"共{len(self.findings)}条：{parts}。"

    def at_least(self, min_severity: str) -> ReviewResult:
        """A copy keeping findings at `min_severity` or above ('error' > 'warning' > 'info')."""
        limit = SEVERITY_ORDER[min_severity]
        kept = [f for f in self.findings if SEVERITY_ORDER[f.severity] <= limit]
        return self.model_copy(update={"findings": kept})


def sort_findings(findings: list[Finding], doc: Document) -> list[Finding]:
    order = {p.name: n for n, p in enumerate(doc.projects)}

    def key(f: Finding):
        project = -1 if f.project is None else order.get(f.project, len(order))
        return (project, SEVERITY_ORDER[f.severity], f.location.row or 0, f.location.line or 0, f.rule_id)

    return sorted(findings, key=key)


def review_document(
    doc: Document,
    policy: Policy | None = None,
    *,
    goal_map: GoalMap | None = None,
    source_text: str | None = None,
    rules: list[Rule] | None = None,
) -> ReviewResult:
    """Run the rule pack over a document. Pure: the goal map, when not given, is built from keywords
    only. `source_text` (the raw file text) lets the residue rule see lines the reader dropped, such
    as a cover page's "财政（厅/局）审核"."""
    if goal_map is None:
        goal_map = map_goals(doc)
    findings = run_rules(doc, rules, policy, goal_map=goal_map, source_text=source_text)
    return ReviewResult(
        document=doc.source_file, findings=sort_findings(findings, doc), goal_map=goal_map, notices=kind_notices(doc)
    )


def kind_notices(doc: Document) -> list[str]:
    """What the review did not do because of what the document is (Chinese, for every output)."""
    out = []
    if doc.kind == "other":
        out.append("这份文件是绩效评价指标表（评价或打分用），不是预算绩效目标表，未作审核。请上传部门预算绩效目标表。")
    elif doc.kind == "self_eval":
        out.append("这是绩效自评表：按实际完成值与年度指标值审核；资金支出计划、缺少栏目等目标设置类规则不适用。")
    cut = [f"表{n}" for n, p in enumerate(doc.projects, start=1) if p.truncated]
    if cut:
        out.append(f"{'、'.join(cut)}在原文中不完整（页面截断），缺少的指标类别和目标与指标的对应不作判断。")
    return out


def review_project(
    project: Project,
    year: int | None,
    goal_areas: list[GoalArea] | None = None,
    policy: Policy | None = None,
) -> ReviewResult:
    """Review one Project on its own (a draft): document-wide rules are skipped; with `goal_areas`
    the project is also checked against the department's 分项绩效目标."""
    doc = Document(budget_year=year, projects=[project], goal_areas=list(goal_areas or []))
    gm = map_goals(doc) if goal_areas else None
    findings = run_rules(doc, None, policy, goal_map=gm, single_project=True)
    return ReviewResult(findings=sort_findings(findings, doc), goal_map=gm)


class LLMChecker(Protocol):
    """What the LLM checks plug in as: given the document and the rule findings, return more findings
    (source="llm", evidence quoted from the document) and notices."""

    def review(self, doc: Document, findings: list[Finding]) -> tuple[list[Finding], list[str]]: ...


def document_text(doc: Document) -> str:
    """All text a finding may quote, for grounding LLM evidence."""
    parts = [doc.title, doc.department, doc.overall_goal, doc.safeguards]
    parts += [t for a in doc.goal_areas for t in (a.title, a.goal, a.indicators_text)]
    for p in doc.projects:
        parts += [p.name, p.code, p.unit_name, p.purpose, p.goal, *p.spending_plan.raw]
        parts += [
            t
            for i in p.indicators
            for t in (i.level1, i.level2, i.level3, i.description, i.value_raw, i.basis)
        ]
    return "\n".join(parts)


class Reviewer:
    """Rules, the department-goal map (keywords + embeddings), then optional LLM checks.

    `llm` is an LLMChecker (review/llm.py) or None for rules only.
    `embedder` defaults to assistant.kb.embeddings.get_embedder(); `use_embeddings=False` keeps the
    review keyword-only and free of any model."""

    def __init__(
        self,
        llm: LLMChecker | None = None,
        *,
        policy: Policy | None = None,
        embedder=None,
        use_embeddings: bool = True,
        rules: list[Rule] | None = None,
        llm_requested: bool = False,
    ):
        self.llm = llm
        self.policy = policy
        self.embedder = embedder
        self.use_embeddings = use_embeddings
        self.rules = rules
        self.llm_requested = llm_requested or llm is not None

    def goal_map(self, doc: Document, notices: list[str]) -> GoalMap:
        if not self.use_embeddings or not doc.goal_areas:
            return map_goals(doc)
        limit = get_settings().max_embedded_projects
        if len(doc.projects) > limit:  # one passage per project: bounded time for a very long document
            notices.append(
                f"文档有{len(doc.projects)}个项目，超过{limit}个（JIXIAO_MAX_EMBEDDED_PROJECTS），部门目标对应仅按关键词判断。"
            )
            return map_goals(doc)
        try:
            from ..kb.embeddings import get_embedder

            return map_goals(doc, self.embedder or get_embedder())
        # The model is an aid: fall back to keywords and say so.
        except (AssistantError, ImportError, OSError, RuntimeError, ValueError) as e:
            notices.append(f"向量模型不可用（{e.__class__.__name__}），部门目标对应仅按关键词判断。")
            return map_goals(doc)

    def review(self, doc: Document, source_text: str | None = None) -> ReviewResult:
        notices: list[str] = []
        gm = self.goal_map(doc, notices)
        result = review_document(doc, self.policy, goal_map=gm, source_text=source_text, rules=self.rules)
        result.notices = result.notices + notices
        if doc.kind == "other":
            return result  # not a target table: nothing for the model to review either
        if self.llm is None:
            if self.llm_requested:
                result.notices.append(NO_LLM_NOTICE)
            return result
        extra, llm_notices = self.llm.review(doc, list(result.findings))
        result.notices.extend(llm_notices)
        result.findings = sort_findings(result.findings + self.grounded(extra, doc, result.notices), doc)
        return result

    def review_in_steps(
        self,
        doc: Document,
        source_text: str | None = None,
        on_step: Callable[[int, int, str], None] | None = None,
        steps: int = 40,
    ) -> ReviewResult:
        """The same findings as `review`, produced in slices of projects so that a caller can show
        progress and cancel: `on_step(done, total, what)` runs before each step (steps done, steps in all,
        a Chinese label) and may raise to stop the review; nothing runs after it raises. The embedding
        model first reads the projects slice by slice (its cache then serves the goal map), then the
        project rules run per slice, then the document-wide rules once."""
        notices: list[str] = []
        n = len(doc.projects)
        size = max(1, -(-n // max(1, steps)))
        slices = [(start, min(start + size, n)) for start in range(0, n, size)]
        embed = self._slice_embedder(doc)
        total = len(slices) * (2 if embed else 1) + 2 + (self.llm is not None)
        done = 0

        def step(what: str) -> None:
            nonlocal done
            if on_step:
                on_step(done, total, what)
            done += 1

        if embed:
            from .goals import embedding_text

            for a, b in slices:
                step(f"读取项目内容（第 {a + 1}–{b} 个项目，共 {n} 个）")
                try:
                    embed.embed_passages([embedding_text(p) for p in doc.projects[a:b]])
                except (AssistantError, OSError, RuntimeError, ValueError):
                    break  # goal_map falls back to keywords and says so
        step("对应部门分项目标")
        gm = self.goal_map(doc, notices)
        rules = self.rules if self.rules is not None else default_rules()
        found: dict[tuple, Finding] = {}  # keyed as run_rules dedupes: a document-level line found by
        # a project rule comes back from every slice

        def keep(batch: list[Finding]) -> None:
            for f in batch:
                key = (f.rule_id, f.project, f.location.table, f.location.row, f.location.line, f.evidence)
                found.setdefault(key, f)

        per_project = [r for r in rules if r.scope == "project"]
        for a, b in slices:
            step(f"检查第 {a + 1}–{b} 个项目（共 {n} 个）")
            part = doc.model_copy(update={"projects": doc.projects[a:b]})
            keep(run_rules(part, per_project, self.policy, goal_map=gm, source_text=source_text))
        step("检查部门整体")
        whole = [r for r in rules if r.scope != "project"]
        keep(run_rules(doc, whole, self.policy, goal_map=gm, source_text=source_text))
        findings = sort_findings(list(found.values()), doc)
        result = ReviewResult(document=doc.source_file, findings=findings, goal_map=gm)
        result.notices = notices
        if self.llm is None:
            if self.llm_requested:
                result.notices.append(NO_LLM_NOTICE)
            return result
        step("大模型复核")
        extra, llm_notices = self.llm.review(doc, list(result.findings))
        result.notices.extend(llm_notices)
        result.findings = sort_findings(result.findings + self.grounded(extra, doc, result.notices), doc)
        return result

    def _slice_embedder(self, doc: Document):
        """The embedder the goal map will use, when it will use one; None otherwise."""
        if not self.use_embeddings or not doc.goal_areas or not doc.projects:
            return None
        try:
            from ..kb.embeddings import get_embedder

            return self.embedder or get_embedder()
        except (AssistantError, ImportError, OSError, RuntimeError, ValueError):
            return None

    def grounded(self, findings: list[Finding], doc: Document, notices: list[str]) -> list[Finding]:
        """LLM findings whose evidence is really in the document, with the policy applied."""
        text = document_text(doc)
        levels = self.policy.rules if self.policy else {}
        kept = []
        for f in findings:
            level = levels.get(f.rule_id)
            if level == "off":
                continue
            if not f.evidence.strip() or f.evidence not in text:
                continue
            kept.append(
                f.model_copy(update={"severity": level, "source": "llm"} if level else {"source": "llm"})
            )
        dropped = len(findings) - len(kept)
        if dropped:
            notices.append(f"大模型提出的{dropped}条问题因引文不在原文中或被策略关闭而未采用。")
        return kept


def read_source_text(path: str | Path) -> str | None:
    """The raw text of a .txt/.md file (for the residue rule); None for other formats."""
    p = Path(path)
    if p.suffix.lower() not in (".txt", ".md", ".text", ""):
        return None
    from ..readers.text import decode_text

    try:
        return decode_text(p.read_bytes(), p.name)
    except (OSError, AssistantError):
        return None


def review_file(path: str | Path, reviewer: Reviewer | None = None) -> ReviewResult:
    """Read a file and review it (the CLI's entry); bad input raises InputError."""
    from ..readers import read_document

    doc = read_document(path)
    return (reviewer or Reviewer()).review(doc, source_text=read_source_text(path))
