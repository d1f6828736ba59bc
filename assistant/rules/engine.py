"""Rule packs as data: loading rules, word lists and policies; the registry of check kinds.

A rule is a YAML entry (id, category, severity, kind, message, suggestion, params). Its `kind`
names a pure check function registered with `@check("kind")`; the function gets the Document,
the rule and a shared Context and yields Findings made with `rule.finding(...)`.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError
from ..models import Category, Document, DocumentKind, Finding, Indicator, Project, Severity, SourceLocation
from ..values import normalize_text
from ..yamlfile import read_yaml

if TYPE_CHECKING:
    from ..review.goals import GoalMap

REVIEW_YEAR: ContextVar[int | None] = ContextVar("review_year", default=None)  # set by run_rules for the templates
RULES_DIR = Path(__file__).resolve().parent
DEFAULT_PACK = RULES_DIR / "default.yaml"
LEXICON_FILE = RULES_DIR / "lexicon.yaml"
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class Rule(BaseModel):
    """One rule of a pack. `message`/`suggestion` are str.format templates over the check's fields."""

    model_config = ConfigDict(extra="forbid")

    id: str
    category: Category
    severity: Severity
    kind: str
    message: str
    suggestion: str
    scope: Literal["project", "document"] = "project"  # document rules are skipped for a lone project
    # the document kinds the rule makes sense for (a self-evaluation has no 资金支出计划 to check)
    kinds: list[DocumentKind] = Field(default_factory=lambda: ["target_table", "approval", "dept_overall", "self_eval"])
    complete_only: bool = False  # skipped on a table the reader found cut off (a missing category may be below)
    description: str = ""
    params: dict[str, Any] = Field(default_factory=dict)

    def finding(
        self,
        evidence: str,
        project: Project | None = None,
        indicator: Indicator | None = None,
        location: SourceLocation | None = None,
        **fields: Any,
    ) -> Finding:
        """A Finding with the templates filled from `fields` (plus 项目/指标 names)."""
        from .examples import examples

        values = {
            "project": project.name if project else "",
            "indicator": indicator.level3 if indicator else "",
            **examples(project, REVIEW_YEAR.get()),
        }
        values.update(fields)
        if location is None:
            location = indicator.source if indicator else project.source if project else SourceLocation()
        return Finding(
            category=self.category,
            severity=self.severity,
            rule_id=self.id,
            project=project.name if project else None,
            indicator=indicator.level3 if indicator else None,
            location=location.model_copy(),
            message=self.message.format(**values),
            suggestion=self.suggestion.format(**values),
            evidence=evidence,
            source="rule",
        )


class RulePack(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: list[Rule]


class Lexicon(BaseModel):
    """The editable word lists (rules/lexicon.yaml)."""

    model_config = ConfigDict(extra="forbid")

    vague_phrases: list[str] = Field(default_factory=list)
    binary_values: list[str] = Field(default_factory=list)
    outcome_patterns: list[str] = Field(default_factory=list)
    standard_markers: list[str] = Field(default_factory=list)
    placeholder_cells: list[str] = Field(default_factory=list)
    placeholder_patterns: list[str] = Field(default_factory=list)
    residue_patterns: list[str] = Field(default_factory=list)
    survey_methods: list[str] = Field(default_factory=list)
    level2_keywords: dict[str, list[str]] = Field(default_factory=dict)
    level2_lenient: list[str] = Field(default_factory=list)
    rate_keywords: list[str] = Field(default_factory=list)
    not_rate_words: list[str] = Field(default_factory=list)
    quality_rate_words: list[str] = Field(default_factory=list)
    count_units: list[str] = Field(default_factory=list)
    time_name_words: list[str] = Field(default_factory=list)
    cost_total_words: list[str] = Field(default_factory=list)
    growth_keywords: list[str] = Field(default_factory=list)
    reverse_keywords: list[str] = Field(default_factory=list)
    outcome_verbs: list[str] = Field(default_factory=list)
    outcome_adverbs: list[str] = Field(default_factory=list)
    promise_conjunctions: list[str] = Field(default_factory=list)
    generic_tokens: list[str] = Field(default_factory=list)
    mapping_stopwords: list[str] = Field(default_factory=list)
    measure_units: list[str] = Field(default_factory=list)
    topics: dict[str, list[str]] = Field(default_factory=dict)


Level = Literal["off", "error", "warning", "info"]


class Policy(BaseModel):
    """A department's choices: `rules: {RULE_ID: off | error | warning | info}`."""

    model_config = ConfigDict(extra="forbid")

    rules: dict[str, Level] = Field(default_factory=dict)

    def apply(self, rules: list[Rule]) -> list[Rule]:
        out = []
        for r in rules:
            level = self.rules.get(r.id)
            if level == "off":
                continue
            out.append(r.model_copy(update={"severity": level}) if level else r)
        return out


def load_rules(path: str | Path | None = None) -> list[Rule]:
    """Load a rule pack (default: rules/default.yaml); a broken pack raises InputError."""
    p = Path(path) if path else DEFAULT_PACK
    data = read_yaml(p, "规则文件")
    try:
        pack = RulePack.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        raise InputError(f"规则文件「{p}」格式有误：{'.'.join(map(str, err['loc']))} {err['msg']}") from None
    unknown = sorted({r.kind for r in pack.rules} - set(CHECKS))
    if unknown:
        raise InputError(f"规则文件「{p}」含未知的检查类型：{'、'.join(unknown)}。")
    ids = [r.id for r in pack.rules]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError(f"规则文件「{p}」中规则编号重复：{'、'.join(dupes)}。")
    try:
        return [validate_contract(r) for r in pack.rules]
    except InputError as e:
        raise InputError(f"规则文件「{p}」：{e}") from None


@lru_cache(maxsize=8)
def _default_rules() -> tuple[Rule, ...]:
    return tuple(load_rules())


def default_rules() -> list[Rule]:
    return list(_default_rules())


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> Lexicon:
    p = Path(path) if path else LEXICON_FILE
    try:
        return Lexicon.model_validate(read_yaml(p, "词表文件") or {})
    except ValidationError as e:
        err = e.errors()[0]
        raise InputError(f"词表文件「{p}」格式有误：{'.'.join(map(str, err['loc']))} {err['msg']}") from None


def load_policy(path: str | Path, known: Iterable[str] | None = None) -> Policy:
    """Read a policy file; unknown rule ids or levels raise InputError (typos fail loudly)."""
    data = read_yaml(Path(path), "策略文件")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(f"策略文件「{path}」应为 “rules: {{规则编号: off|error|warning|info}}” 的形式。")
    if isinstance(data.get("rules"), dict):  # YAML reads a bare `off` as False
        data["rules"] = {k: ("off" if v is False else v) for k, v in data["rules"].items()}
    try:
        policy = Policy.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(map(str, err["loc"]))
        raise InputError(f"策略文件「{path}」有误（{loc}）：级别只能是 off、error、warning、info。") from None
    ids = set(known) if known is not None else {r.id for r in default_rules()}
    # LLM findings carry "LLM-<category>" ids; a department may re-level or silence those too
    llm_ids = {f"LLM-{c}" for c in get_args(Category)}
    unknown = sorted(set(policy.rules) - ids - llm_ids)
    if unknown:
        raise InputError(
            f"策略文件「{path}」中有未知的规则编号：{'、'.join(unknown)}。可用 assistant check --help 查看说明。"
        )
    return policy


# -- matching helpers shared by the checks ---------------------------------------------------------


def _char_class(c: str) -> str:
    """A character and its full/half-width twin, so patterns match either spelling."""
    o = ord(c)
    twins = {c}
    if 0x21 <= o <= 0x7E:
        twins.add(chr(o + 0xFEE0))
    elif 0xFF01 <= o <= 0xFF5E:
        twins.add(chr(o - 0xFEE0))
    if len(twins) == 1:
        return re.escape(c)
    return "[" + "".join(re.escape(t) for t in sorted(twins)) + "]"


@lru_cache(maxsize=1024)
def phrase_regex(phrase: str) -> re.Pattern[str]:
    """A regex for `phrase` over original text: width-insensitive, whitespace between characters
    allowed, and "…" matching up to 10 characters."""
    parts = []
    for part in phrase.split("…"):
        chars = [_char_class(c) for c in normalize_text(part)]
        parts.append(r"\s*".join(chars))
    return re.compile(".{0,10}?".join(p for p in parts if p))


def find_phrase(text: str, phrases: Iterable[str]) -> tuple[str, str] | None:
    """(phrase, matched original text) for the first phrase found in `text`, or None."""
    for ph in phrases:
        if not ph.strip():
            continue
        m = phrase_regex(ph).search(text or "")
        if m:
            return ph, m.group(0)
    return None


def line_with(text: str, needle: str | None = None) -> str:
    """The stripped line of a (multi-line) cell that holds `needle`, or its first non-empty line:
    evidence must be verbatim source text, and a cell's lines are verbatim one by one."""
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    if needle:
        for ln in lines:
            if needle in ln:
                return ln
    return lines[0] if lines else ""


def is_rate_name(name: str, lex: Lexicon) -> bool:
    """A 三级 name that measures a rate (合格率, 满意度, 及时性…): its value should be a percentage."""
    n = re.sub(r"[（(][^()（）]*[)）]", "", normalize_text(name))
    return any(n.endswith(k) or k in n and k.endswith("率") for k in lex.rate_keywords) and not any(
        w in n for w in lex.not_rate_words
    )


def is_quality_rate(name: str, lex: Lexicon) -> bool:
    """A rate that measures quality or timeliness (合格率, 成活率, 及时率), not how much was done."""
    n = normalize_text(name)
    return is_rate_name(name, lex) and any(w in n for w in lex.quality_rate_words)


def same_text(a: str, b: str) -> bool:
    """Equal after width folding and whitespace removal; empty never equals."""
    na, nb = normalize_text(a), normalize_text(b)
    return bool(na) and na == nb


# -- context and registry ----------------------------------------------------------------------------


@dataclass
class Context:
    """What every check may read besides the Document. Built once per review; never does I/O."""

    doc: Document
    lexicon: Lexicon
    goal_map: GoalMap | None = None
    source_text: str | None = None  # the raw file text, when the caller has it (residue outside fields)
    single_project: bool = False
    redacted: set[int] = field(default_factory=set)  # indexes of wholly redacted projects
    skipped: set[int] = field(default_factory=set)  # projects the running rule leaves alone (cut-off tables)

    @property
    def year(self) -> int | None:
        return self.doc.budget_year

    def projects(self) -> Iterator[Project]:
        """Projects a check should look at: a wholly redacted one gets a single placeholder finding."""
        for n, p in enumerate(self.doc.projects):
            if n not in self.redacted and n not in self.skipped:
                yield p

    def rows(self) -> Iterator[tuple[Project, Indicator]]:
        for p in self.projects():
            for i in p.indicators:
                yield p, i


CheckFn = Callable[[Document, Rule, Context], Iterable[Finding]]
# every message may name the project and the row, the budget year, and examples from the project's sector
ALWAYS_FIELDS = ("project", "indicator", "year", "ex_date", "ex_quantity", "ex_description", "ex_goal", "ex_basis")


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FieldParams(NoParams):
    field: Literal["goal", "purpose", "budget"] = "goal"


class ToleranceParams(NoParams):
    tolerance: float = Field(0.02, ge=0, le=1)  # relative: 0.02 = 2%
    abs_tolerance: float = Field(0.01, ge=0)  # 万元


class NeedParams(NoParams):
    need: Literal["indicators", "output_parts", "benefit", "cost", "satisfaction"] = "benefit"


class PercentTestParams(NoParams):
    test: Literal["over_100", "rate_ge_100", "growth"] = "over_100"
    limit: float = 50


@dataclass(frozen=True)
class CheckKind:
    """A check function and its contract: the fields its findings fill (a rule's message and suggestion
    may name only these) and the model its rules' `params` must fit."""

    fn: CheckFn
    fields: tuple[str, ...]
    params: type[BaseModel]


CHECKS: dict[str, CheckKind] = {}


def check(kind: str, fields: tuple[str, ...] = (), params: type[BaseModel] = NoParams) -> Callable[[CheckFn], CheckFn]:
    """Register a check function under a rule kind, with its contract."""

    def register(fn: CheckFn) -> CheckFn:
        CHECKS[kind] = CheckKind(fn, ALWAYS_FIELDS + tuple(fields), params)
        return fn

    return register


def _placeholders(template: str) -> set[str]:
    """The field names a str.format template uses ('{value}' -> 'value'); a broken template raises."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def validate_contract(rule: Rule) -> Rule:
    """The rule with its params validated (defaults filled); InputError naming the rule and the field when
    its message names a field its kind does not fill or its params do not fit the kind."""
    kind = CHECKS[rule.kind]
    for label, template in (("message", rule.message), ("suggestion", rule.suggestion)):
        try:
            used = _placeholders(template)
        except ValueError as e:
            raise InputError(f"规则“{rule.id}”的 {label} 模板有误（{e}）：花括号须成对，如“{{value}}”。") from None
        unknown = sorted(used - set(kind.fields))
        if unknown:
            raise InputError(
                f"规则“{rule.id}”的 {label} 使用了检查类型“{rule.kind}”不提供的字段：{'、'.join(unknown)}。"
                f"可用字段：{'、'.join(kind.fields)}。"
            )
    try:
        params = kind.params.model_validate(rule.params)
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(map(str, err["loc"])) or "params"
        what = "是未知参数（拼写错误？）" if err["type"] == "extra_forbidden" else f"取值不对（{err['msg']}）"
        allowed = "、".join(kind.params.model_fields) or "无"
        raise InputError(f"规则“{rule.id}”的参数“{where}”{what}。检查类型“{rule.kind}”的参数：{allowed}。") from None
    return rule.model_copy(update={"params": params.model_dump()})
