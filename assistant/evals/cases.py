"""Eval cases as data: one loader for every suite under evals/cases/*.yaml, validated strictly.

A case file belongs to a suite by its `suite:` key or, failing that, by its name prefix
(review_*.yaml, drafts_*.yaml, qa_*.yaml, retrieval*.yaml). A typo in any key, a bad value or a
duplicate id fails with a Chinese message naming the file, the field and the case.

Review suite schema (the other three are in qa.py, drafts.py and retrieval_eval.py):

    suite: review
    document: corpus/….txt            # relative to the repository root
    cases:                            # one case per project of the document (all of them), plus
      - id: seed-t08                  # optionally one with project: null for document-level findings
        project: 项目名称              # exactly as in the document; null = document level
        expect:                       # the findings a reviewer should raise, matched by
          - {indicator: 预算控制数, category: cost_mismatch, evidence: 101.73万元}
          - {category: copied_text}   # indicator omitted/null = a project-level finding
        must_not_flag:                # rows that must NOT be flagged
          - {indicator: 预算控制数, category: cost_mismatch, note: 15000元 即 1.50 万元}
          - {category: stale_date, note: 文号中的年份不是日期}   # indicator "*" (default) = any row

A review file may instead point at hand-labelled pages (the schema of ../shared/wild/README.md): each page
of the labels file becomes a case (its key is the id) scored by review_labels.py.

    suite: review
    labels: ../shared/wild/labels.yaml   # relative to the repository root; pages are <case>.txt beside it
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError
from ..models import Category
from ..settings import PROJECT_ROOT
from ..yamlfile import read_yaml
from .drafts import DraftSuite
from .qa import QASuite
from .retrieval import RetrievalCases

CASES_DIR = PROJECT_ROOT / "evals" / "cases"
SUITES = ("review", "draft", "qa", "retrieval")
SUITE_LABELS = {"review": "审核", "draft": "起草", "qa": "问答", "retrieval": "检索"}
_PREFIXES = (
    ("review", "review"),
    ("drafts", "draft"),
    ("draft", "draft"),
    ("qa", "qa"),
    ("retrieval", "retrieval"),
)
ANY = "*"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExpectedFinding(Strict):
    indicator: str | None = None  # 三级指标; None = a project-level (or document-level) finding
    category: Category
    rule: str | None = None  # the rule expected to fire (documentation; matching ignores it)
    evidence: str = ""  # the source text it should quote (preferred when several findings share a key)
    note: str = ""


class MustNotFlag(Strict):
    indicator: str | None = ANY  # "*" = any row of the project; None = project-level findings only
    category: Category | None = None  # None = any category
    note: str = Field(min_length=1)  # why flagging it would be wrong


class ReviewCase(Strict):
    id: str
    project: str | None  # 项目名称; None = document-level findings
    expect: list[ExpectedFinding] = Field(default_factory=list)
    must_not_flag: list[MustNotFlag] = Field(default_factory=list)
    note: str = ""


class ReviewSuite(Strict):
    suite: Literal["review"] = "review"
    document: str
    cases: list[ReviewCase]


class LabelledDefect(Strict):
    indicator: str = Field(min_length=1)  # a 三级 name or a fragment of it (or of the goal text, a header)
    category: Category
    level: Literal["must", "should"]
    why: str = ""


class LabelledCase(Strict):
    """One labelled page as a review case (the labels' parsing fields, projects and rows, are not needed)."""

    id: str  # the page's key in the labels file
    document: str  # the page file, relative to the repository root
    doc_type: str | None = None
    defects: list[LabelledDefect] = Field(default_factory=list)
    clean: list[Category] = Field(default_factory=list)


class LabelledReviewSuite(Strict):
    """Review cases from a labels file: one per labelled page (filled in when the file loads)."""

    suite: Literal["review"] = "review"
    labels: str  # the labels file, relative to the repository root
    note: str = ""
    cases: list[LabelledCase] = Field(default_factory=list)
    missing: bool = False  # the labels file is not there (a checkout without ../shared): no cases


class RetrievalSuite(RetrievalCases):
    suite: Literal["retrieval"] = "retrieval"


MODELS: dict[str, type[BaseModel]] = {
    "review": ReviewSuite,
    "draft": DraftSuite,
    "qa": QASuite,
    "retrieval": RetrievalSuite,
}


@dataclass
class CaseFile:
    """One loaded case file: its suite, path (relative to the cases' root when possible), content hash."""

    suite: str
    path: Path
    rel: str
    sha: str
    data: Any  # ReviewSuite | LabelledReviewSuite | DraftSuite | QASuite | RetrievalSuite

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def labelled(self) -> bool:
        """Review cases from a labels file (LabelledReviewSuite) rather than expected findings."""
        return isinstance(self.data, LabelledReviewSuite)

    @property
    def documents(self) -> list[str]:
        """The documents the file's cases read, as written (relative to the repository root)."""
        if self.labelled:
            return [c.document for c in self.data.cases]
        doc = getattr(self.data, "document", None)
        return [doc] if doc else []

    @property
    def cases(self) -> list:
        return list(self.data.cases)


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def suite_of(path: Path, data: Any) -> str | None:
    declared = data.get("suite") if isinstance(data, dict) else None
    if declared in SUITES:
        return declared
    if declared == "drafts":
        return "draft"
    name = path.name.lower()
    return next((suite for prefix, suite in _PREFIXES if name.startswith(prefix)), None)


_ERROR_TEXT = {
    "extra_forbidden": "是未知字段（拼写错误？）",
    "missing": "缺少必填字段",
    "literal_error": "取值不在允许范围内",
    "string_type": "应为文本",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表",
    "model_type": "应为键值对象",
    "dict_type": "应为键值对象",
    "string_too_short": "不能为空",
    "too_short": "不能为空",
}


def _where(loc: tuple, data: Any) -> str:
    """'cases[3].expect[0].categroy（用例 seed-t08）' from a pydantic error location."""
    parts, case_id, node = [], None, data
    for key in loc:
        if isinstance(key, int):
            parts.append(f"[{key}]")
        else:
            parts.append(("." if parts else "") + str(key))
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            node = None
        if isinstance(node, dict) and case_id is None and "id" in node and parts[0] == "cases":
            case_id = node["id"]
    where = "".join(parts) or "（顶层）"
    return f"{where}（用例 {case_id}）" if case_id else where


def _explain(e: ValidationError, data: Any) -> str:
    """The first problem, a typo'd key before the 'missing' it causes (with the likely intended name)."""
    errors = sorted(e.errors(), key=lambda x: x["type"] != "extra_forbidden")
    err = errors[0]
    what = _ERROR_TEXT.get(err["type"])
    if err["type"] == "extra_forbidden":
        parent = tuple(err["loc"][:-1])
        missing = [x["loc"][-1] for x in errors if x["type"] == "missing" and tuple(x["loc"][:-1]) == parent]
        if missing:
            what += f"，是否应为“{missing[0]}”？"
    elif err["type"] == "literal_error":
        allowed = (err.get("ctx") or {}).get("expected", "")
        what = f"取值“{err.get('input')}”不在允许范围内（允许：{allowed}）"
    elif what is None:
        what = f"不符合要求（{err['msg']}）"
    more = f"（另有{len(errors) - 1}处问题）" if len(errors) > 1 else ""
    return f"字段「{_where(tuple(err['loc']), data)}」{what}{more}"


def load_case_file(path: str | Path, root: Path = PROJECT_ROOT) -> CaseFile:
    """Read and validate one case file; any problem raises InputError naming the file and field."""
    p = Path(path)
    rel = _rel(p, root)
    data = read_yaml(p, "评测用例文件", shown=rel)
    suite = suite_of(p, data)
    if suite is None:
        raise InputError(
            f"评测用例文件「{rel}」不属于任何评测集：请写明 suite: review|draft|qa|retrieval，"
            "或以 review_、drafts_、qa_、retrieval 开头命名文件。"
        )
    if isinstance(data, dict) and suite == "retrieval" and "suite" not in data:
        data = {"suite": "retrieval", **data}
    labelled = suite == "review" and isinstance(data, dict) and "labels" in data
    try:
        model = (LabelledReviewSuite if labelled else MODELS[suite]).model_validate(data)
    except ValidationError as e:
        raise InputError(f"评测用例文件「{rel}」格式错误：{_explain(e, data)}。") from None
    raw = p.read_bytes()
    if labelled:
        raw += _load_labels(model, rel, root)  # a change in the labels changes the case file's hash
    sha = hashlib.sha256(raw).hexdigest()[:12]
    ids = [c.id for c in model.cases]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError(f"评测用例文件「{rel}」中用例 id 重复：{'、'.join(dupes)}。")
    return CaseFile(suite, p, rel, sha, model)


def _load_labels(model: LabelledReviewSuite, rel: str, root: Path) -> bytes:
    """Fill `model.cases` from its labels file (one case per page) and return the file's bytes; a missing
    labels file leaves no cases (marked `missing`)."""
    labels = resolve(model.labels, root)
    if not labels.is_file():
        model.missing = True
        return b""
    data = read_yaml(labels, "标注文件", shown=model.labels)
    pages = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(pages, dict):
        raise InputError(
            f"标注文件「{model.labels}」应有 cases: {{页面名: 标注}}（评测用例文件「{rel}」引用）。"
        )
    folder = Path(model.labels).parent
    cases = []
    for name, label in pages.items():
        if not isinstance(label, dict):
            raise InputError(f"标注文件「{model.labels}」的「{name}」应为键值对象。")
        try:
            cases.append(
                LabelledCase(
                    id=str(name),
                    document=(folder / label.get("file", f"{name}.txt")).as_posix(),
                    doc_type=label.get("doc_type"),
                    defects=label.get("defects") or [],
                    clean=label.get("clean") or [],
                )
            )
        except ValidationError as e:
            raise InputError(
                f"标注文件「{model.labels}」的「{name}」格式错误：{_explain(e, label)}。"
            ) from None
    model.cases = cases
    return labels.read_bytes()


def load_cases(
    cases_dir: str | Path | None = None, suites: list[str] | None = None, root: Path = PROJECT_ROOT
) -> dict[str, list[CaseFile]]:
    """Every case file under `cases_dir`, grouped by suite (sorted by file name); ids are unique
    within a suite across its files."""
    folder = Path(cases_dir) if cases_dir else CASES_DIR
    if not folder.is_dir():
        raise InputError(f"找不到评测用例文件夹「{folder}」。")
    wanted = list(suites or SUITES)
    out: dict[str, list[CaseFile]] = {s: [] for s in wanted}
    for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
        cf = load_case_file(path, root)
        if cf.suite in out:
            out[cf.suite].append(cf)
    for suite, files in out.items():
        seen: dict[str, str] = {}
        for cf in files:
            for case in cf.cases:
                if case.id in seen:
                    raise InputError(
                        f"评测集「{SUITE_LABELS[suite]}」的用例 id「{case.id}」同时出现在"
                        f"「{seen[case.id]}」和「{cf.rel}」中：请改为不重复的 id。"
                    )
                seen[case.id] = cf.rel
    return out


def resolve(path: str, root: Path = PROJECT_ROOT) -> Path:
    """A document path from a case file: relative to the repository root, or absolute."""
    p = Path(path)
    return p if p.is_absolute() else root / p
