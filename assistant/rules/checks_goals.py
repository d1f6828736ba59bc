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
    from ..retrieval import tokenize

    generic = set(lex.generic_tokens) | set(lex.outcome_verbs) | set(lex.outcome_adverbs)
    out = []
    for tok in tokenize(text or ""):
        if _HAN.match(tok) and tok not in generic and tok not in out:
            out.append(tok)
    return out


def indicator_values(p: Project) -> list[tuple[str, float]]:
    """(family, value) of every counted or money value in the table, plus the 预算数."""
    out = []
    for i in p.indicators:
        v = i.value
        if v.normalized is None:
            continue
        if v.kind == "money":
            out.append(("万元", v.normalized))
        elif v.kind == "quantity":
            fam = "亩" if v.normalized_unit == "亩" else (v.normalized_unit or v.unit or "")[:1]
            if fam:
                out.append((fam, v.normalized))
    if p.budget:
        out.append(("万元", p.budget))
    return out


def indicator_text(p: Project) -> str:
    return "\n".join(f"{i.level3} {i.description} {i.value_raw}" for i in p.indicators)


@check("goal_numbers")
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


@check("goal_promises")
def goal_promises(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """An outcome promised in the 绩效目标 (增加/提高/降低/改善 ...) whose object words appear in no
    indicator row: '增加农民收入' with no 收入 indicator."""
    for p in ctx.projects():
        if not p.indicators:
            continue
        table = indicator_text(p)
        for _, _, clause in clauses(p.goal):
            obj = _promise(clause, ctx.lexicon)
            if not obj:
                continue
            words = content_tokens(obj, ctx.lexicon)
            if words and not any(w in table for w in words):
                yield rule.finding(clause, project=p, clause=clause, words="、".join(words))
