"""Review: deterministic rules first, then optional LLM checks, one Finding shape for both.

`review_document` is pure (rules only). `Reviewer` adds the department-goal map with embeddings and
the hook for LLM checks; `review_project` reviews a single drafted Project (self-review of a draft).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, Field

from ..errors import AssistantError
from ..llm import not_configured
from ..models import CATEGORY_LABELS, SEVERITY_LABELS, Document, Finding, GoalArea, Project
from ..rules import SEVERITY_ORDER, Policy, Rule, run_rules
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
    return ReviewResult(document=doc.source_file, findings=sort_findings(findings, doc), goal_map=goal_map)


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
        result.notices = notices
        if self.llm is None:
            if self.llm_requested:
                result.notices.append(NO_LLM_NOTICE)
            return result
        extra, llm_notices = self.llm.review(doc, list(result.findings))
        result.notices.extend(llm_notices)
        result.findings = sort_findings(result.findings + self.grounded(extra, doc, result.notices), doc)
        return result

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
