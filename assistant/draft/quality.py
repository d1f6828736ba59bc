"""Quality measures of a drafted table, shared by the engines (LLM revisions) and the draft eval suite:
required categories present, share of quantified values, cost row equal to the budget, coverage of a
reference table's 三级 names (semantic match by e5 cosine)."""

from __future__ import annotations

from ..categories import (
    BENEFIT,
    COST,
    QUALITY,
    QUANTITY,
    SATISFACTION,
    TIMELINESS,
    canonical_level1,
    canonical_level2,
)
from ..kb.embeddings import Embedder, get_embedder
from ..models import Project

QUANTIFIED = {"quantity", "percentage", "money", "unit_price", "date", "duration"}
REQUIRED_LEVEL2 = (QUANTITY, QUALITY, TIMELINESS, COST)
COVER_SAME_LEVEL2 = 0.935  # e5 cosine for two 三级 names under the same 二级 to count as the same indicator
COVER_ANY = 0.97  # ... and under different 二级 names


def missing_categories(project: Project) -> list[str]:
    """Required 二级 (产出: 数量/质量/时效/成本), at least one 效益 and one 满意度 row."""
    have = {canonical_level2(i.level2) for i in project.indicators}
    level1 = {canonical_level1(i.level1) for i in project.indicators}
    missing = [c for c in REQUIRED_LEVEL2 if c not in have]
    missing += [c for c in (BENEFIT, SATISFACTION) if c not in level1]
    return missing


def quantified_rate(project: Project) -> float:
    rows = project.indicators
    return sum(1 for i in rows if i.value.kind in QUANTIFIED and not i.value.past_tense) / max(len(rows), 1)


def cost_matches_budget(project: Project) -> bool:
    costs = [i for i in project.indicators if canonical_level2(i.level2) == COST and i.value.kind == "money"]
    return any(abs((i.value.normalized or 0) - (project.budget or 0)) < 0.005 for i in costs)


def coverage(draft: Project, reference: Project, embedder: Embedder | None = None) -> tuple[float, list[str]]:
    """Share of the reference's 三级 names that some drafted row matches, and the unmatched names."""
    refs = [i for i in reference.indicators if i.value.kind != "placeholder" and i.level3]
    if not refs:
        return 1.0, []
    ours = draft.indicators
    if not ours:
        return 0.0, [i.level3 for i in refs]
    e = embedder or get_embedder()
    sims = e.embed_passages([i.level3 for i in refs]) @ e.embed_passages([i.level3 for i in ours]).T
    missed = []
    for ref, row in zip(refs, sims):
        same = [float(s) for s, o in zip(row, ours) if canonical_level2(o.level2) == canonical_level2(ref.level2)]
        if not (max(same, default=0.0) >= COVER_SAME_LEVEL2 or float(row.max()) >= COVER_ANY):
            missed.append(ref.level3)
    return 1 - len(missed) / len(refs), missed


# --- names and values a clerk would accept ---------------------------------------------------------
_GARBAGE_START = ("开展", "实施", "进行", "组织", "计划", "预计", "用于", "通过", "按照", "围绕", "其中", "包括")
AGREE_SAME_LEVEL2 = 0.955  # e5 cosine for an expected row name and a drafted one under the same 二级
AGREE_ANY = 0.97  # ... under any 二级


def garbage_name(name: str) -> str:
    """Why a 三级 name is one no clerk would write, or '' when it is fine: it starts with a preposition
    or an empty verb (在数量, 开展每日次数), ends with a conjunction or particle (林场和), carries a
    number or punctuation, or is only a measure word (数量, 面积)."""
    from .numbers import lexicon

    lx = lexicon()
    n = (name or "").strip()
    if len(n) < 3:
        return "名称过短"
    from .naming import pos

    first = pos(n)[0]
    if first[0] in lx.prepositions:
        return f"以介词“{first[0]}”开头"
    if first[0] in _GARBAGE_START:
        return "以“开展、实施”等空泛动词开头"
    if any(n.endswith(p) for p in lx.trailing_particles):
        return f"以“{n[-1]}”结尾"
    if any(c in n for c in "，。；：,;:!?！？"):
        return "含标点"
    bare = n
    for m in sorted(lx.measures, key=len, reverse=True):
        if bare.endswith(m):
            bare = bare[: -len(m)]
            break
    if len(bare) < 1 or bare in ("总", "任务", "项目", "工作", "每", "其他"):
        return "只有计量词，没有指标对象"
    last = pos(bare)[-1][0] if bare else ""
    if last in lx.trailing_particles:
        return f"计量词前是“{last}”，名称不完整"
    toks = pos(bare)
    for k, (w, tag) in enumerate(toks[1:-1], 1):
        if tag == "e" and w in ("实施", "开展", "进行") and (toks[k - 1][0] in lx.attributive or toks[k - 1][1] in ("ns", "scope")):
            return f"含“{toks[k - 1][0]}{w}”这样的句子片段"  # 乡镇实施营造林面积
    if any(v in bare[:-2] for v in ("开展", "进行")) and not bare.endswith(("开展", "进行")):
        return "含“开展、进行”等空泛动词"
    return ""


_UNIT_SAME = {"名": "人", "位": "人", "餐": "次", "趟": "次", "樘": "樘", "千米": "公里", "天": "日"}


def _unit_key(unit: str | None) -> tuple[float, str]:
    u = (unit or "").split("/")[0]
    scale = 1e4 if u.startswith("万") and u not in ("万元",) else 1.0
    u = u[1:] if scale != 1.0 else u
    return scale, _UNIT_SAME.get(u, u)


def value_matches(expected: str, got: str, year: int | None = None) -> bool:
    """Whether a drafted value carries the expected number: the same number in the same unit (万 folded,
    名 = 人, per units and ≥/= ignored; ≤ and ≥ may not swap), the same month for a deadline, the same
    amount in 万元 for money."""
    from ..values import normalize_text, parse_value

    e, g = parse_value(expected), parse_value(got)
    if e.kind == "date" or g.kind == "date" or "每月" in expected:
        if normalize_text(expected) == normalize_text(got):
            return True
        return e.kind == g.kind == "date" and e.month == g.month and (e.year or year) == (g.year or year)
    if e.number is None or g.number is None:
        return normalize_text(expected) == normalize_text(got)
    if {e.operator, g.operator} == {">=", "<="}:
        return False
    if e.kind == "money" and g.kind == "money":
        return abs((e.normalized or 0) - (g.normalized or 0)) < 1e-6
    if e.kind == "unit_price" or g.kind == "unit_price":
        return e.kind == g.kind and abs((e.normalized or 0) - (g.normalized or 0)) < 1e-6
    (es, eu), (gs, gu) = _unit_key(e.unit), _unit_key(g.unit)
    return abs(e.number * es - g.number * gs) < 1e-6 * max(1.0, e.number * es) and eu == gu


def name_agreement(expected: list[tuple[str, str]], rows: list[tuple[str, str]], embedder=None) -> list[str | None]:
    """For each expected (二级, name), the drafted row name that agrees with it, or None: e5 cosine
    (stricter across 二级), or under the same 二级 nearly the same characters or one name contained in
    the other (放映频次 / 农村公益电影放映频次)."""
    if not expected:
        return []
    if not rows:
        return [None] * len(expected)
    from rapidfuzz import fuzz

    e = embedder or get_embedder()
    sims = e.embed_passages([n for _, n in expected]) @ e.embed_passages([n for _, n in rows]).T
    out: list[str | None] = []
    for (l2, name), row in zip(expected, sims):
        best, best_name = 0.0, None
        for s, (rl2, rname) in zip(row, rows):
            same = canonical_level2(rl2) == canonical_level2(l2) or not l2
            shorter = min(len(name), len(rname))
            lexical = fuzz.ratio(name, rname) >= 80 or (shorter >= 4 and fuzz.partial_ratio(name, rname) >= 90)
            ok = float(s) >= (AGREE_SAME_LEVEL2 if same else AGREE_ANY) or (same and lexical)
            if ok and float(s) > best:
                best, best_name = float(s), rname
        out.append(best_name)
    return out
