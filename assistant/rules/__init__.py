"""Rule packs (YAML) and the pure check functions that run them.

    from assistant.rules import run_rules, load_policy
    findings = run_rules(doc, policy=load_policy("policy.yaml"))

Rules live in rules/default.yaml, word lists in rules/lexicon.yaml; each rule's `kind` names a
check function in one of the checks_*.py modules.
"""

from __future__ import annotations

from ..models import Document, Finding
from . import checks_cells, checks_dept, checks_goals, checks_kinds, checks_structure, checks_values  # noqa: F401 (registers kinds)
from .checks_cells import redacted_projects
from .engine import (
    CHECKS,
    DEFAULT_PACK,
    LEXICON_FILE,
    REVIEW_YEAR,
    SEVERITY_ORDER,
    Context,
    Lexicon,
    Policy,
    Rule,
    RulePack,
    check,
    default_rules,
    load_lexicon,
    load_policy,
    load_rules,
)

__all__ = [
    "CHECKS",
    "DEFAULT_PACK",
    "LEXICON_FILE",
    "SEVERITY_ORDER",
    "Context",
    "Lexicon",
    "Policy",
    "Rule",
    "RulePack",
    "check",
    "default_rules",
    "load_lexicon",
    "load_policy",
    "load_rules",
    "run_rules",
]


def run_rules(
    doc: Document,
    rules: list[Rule] | None = None,
    policy: Policy | None = None,
    *,
    goal_map=None,
    source_text: str | None = None,
    single_project: bool = False,
    lexicon: Lexicon | None = None,
) -> list[Finding]:
    """Run every enabled rule over `doc`. Pure: no I/O beyond the packaged YAML, loaded once.
    `goal_map` feeds the 部门目标 rules (none when absent); `source_text` lets the residue rule see
    lines the reader did not keep; `single_project` skips document-wide rules."""
    active = list(rules) if rules is not None else default_rules()
    if policy is not None:
        active = policy.apply(active)
    lex = lexicon or load_lexicon()
    ctx = Context(
        doc=doc,
        lexicon=lex,
        goal_map=goal_map,
        source_text=source_text,
        single_project=single_project,
        redacted=redacted_projects(doc, lex),
    )
    findings: list[Finding] = []
    seen: set[tuple] = set()
    REVIEW_YEAR.set(doc.budget_year)  # suggestions speak of the document's own year
    truncated = {n for n, p in enumerate(doc.projects) if p.truncated}
    for rule in active:
        if single_project and rule.scope == "document":
            continue
        if doc.kind not in rule.kinds:
            continue
        ctx.skipped = truncated if rule.complete_only else set()
        for f in CHECKS[rule.kind].fn(doc, rule, ctx):
            key = (f.rule_id, f.project, f.location.table, f.location.row, f.location.line, f.evidence)
            if key not in seen:
                seen.add(key)
                findings.append(f)
    return findings
