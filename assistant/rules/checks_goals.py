"""绩效目标 text against the indicator table: numbers and promises that no indicator measures."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..models import Document, Finding, Project
from .engine import Context, Lexicon, Rule, check
from .mentions import clauses, find_mentions, matched_mentions

_HAN = re.compile(r"^[\u4e00-\u9fff]{2,}$")


def content_tokens(text: str, lex: Lexicon) -> list[str]:
    """Chinese words of two characters or more, without the generic ones (工作, 提高, 全县...).
    Uses the knowledge base's tokenizer (jieba search mode with the domain dictionary), so a review
    tokenizes the same way whichever module loaded jieba first."""
    from ..tokens import tokenize

    generic = set(lex.generic_tokens) | set(lex.outcome_verbs) | set(lex.outcome_adverbs)
    out = []
    for tok in tokenize(text or ""):
        if _HAN.match(tok) and tok not in generic and tok not in out:
            out.append(tok)
    return out


def indicator_values(p: Project) -> list[tuple[str, float]]:
    """(family, value) of every counted or money value in the table, plus the 预算数. A unit price
    counts as its money amount, so '每生每年2000元' in the goal matches a '2000元/人' row."""
    out = []
    for i in p.indicators:
        v = i.value
        if v.normalized is None:
            continue
        if v.kind == "money":
            out.append(("万元", v.normalized))
        elif v.kind == "unit_price":
            out.append(("万元", v.normalized / 1e4))
        elif v.kind == "quantity":
            fam = "亩" if v.normalized_unit == "亩" else (v.normalized_unit or v.unit or "")[:1]
            if fam:
                out.append((fam, v.normalized))
    if p.budget:
        out.append(("万元", p.budget))
    return out


def project_values_text(p: Project) -> str:
    return "\n".join(f"{i.level3} {i.description} {i.value_raw}" for i in p.indicators)


@check("goal_numbers", fields=("clause", "number"))
def goal_numbers(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A number promised in the 绩效目标 that no indicator value (or sum of values) matches. A clause
    where another number does match is left alone ('四个单位57人': the 57人 is measured)."""
    for p in ctx.projects():
        mentions = find_mentions(p.goal, ctx.lexicon.measure_units)
        if not mentions or not p.indicators:
            continue
        hit = matched_mentions(mentions, indicator_values(p))
        covered = {mentions[n].clause for n in hit}
        reported: set[str] = set()
        for n, m in enumerate(mentions):
            if n in hit or m.clause in covered or m.clause in reported:
                continue
            reported.add(m.clause)
            number = p.goal[m.start : m.end]
            yield rule.finding(m.clause, project=p, number=number, clause=m.clause)


def _promise(clause: str, lex: Lexicon) -> str | None:
    """The object of an outcome promise ('增加农民收入' -> '农民收入'), or None."""
    rest = clause
    for adv in sorted(lex.outcome_adverbs, key=len, reverse=True):
        if rest.startswith(adv):
            rest = rest[len(adv) :].lstrip("地")
            break
    for verb in sorted(lex.outcome_verbs, key=len, reverse=True):
        if rest.startswith(verb):
            return rest[len(verb) :]
    return None


def maximal(tokens: list[str]) -> list[str]:
    """Tokens that are not part of a longer token in the list (search-mode jieba gives 信息, 技术 and
    信息技术 for one word: count it once)."""
    return [t for t in tokens if not any(t != o and t in o for o in tokens)]


def promise_parts(obj: str, lex: Lexicon) -> list[str]:
    """A promise's object split at its conjunctions: '教师教育教学能力和信息技术应用能力' ->
    ['教师教育教学能力', '信息技术应用能力']. Split on whole jieba words, so 参与 stays one word."""
    from ..tokens import init_tokenizer

    parts, cur = [], ""
    for tok in init_tokenizer().lcut(obj):
        if tok in lex.promise_conjunctions:
            parts.append(cur)
            cur = ""
        else:
            cur += tok
    parts.append(cur)
    return [x for x in parts if x.strip()]


def uncovered_words(obj: str, table: str, lex: Lexicon) -> list[str]:
    """Words of the promised object parts that no indicator row names. Each part joined by a
    conjunction needs a word of its own in the table: '教师' does not cover '信息技术应用能力'. A
    one-word part ('规范化、标准化') only qualifies the part before it and shares its words."""
    groups: list[list[str]] = []
    for part in promise_parts(obj, lex):
        words = content_tokens(part, lex)
        if groups and len(maximal(words)) < 2:
            groups[-1] += words
        elif words:
            groups.append(words)
    return [w for g in groups if not any(w in table for w in g) for w in maximal(g)]


@check("goal_promises", fields=("clause", "words"))
def goal_promises(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """An outcome promised in the 绩效目标 (增加/提高/降低/改善 ...) whose key words appear in no
    indicator row: '增加农民收入' with no 收入 indicator; '提升…和信息技术应用能力' with none on 信息技术."""
    for p in ctx.projects():
        if not p.indicators:
            continue
        table = project_values_text(p)
        for _, _, clause in clauses(p.goal):
            obj = _promise(clause, ctx.lexicon)
            if not obj:
                continue
            words = uncovered_words(obj, table, ctx.lexicon)
            if words:
                yield rule.finding(clause, project=p, clause=clause, words="、".join(words))
