"""Positions in a normalised description: clauses, sentences, the text with numbers cut out, and what a
clause is about (its object, its activity). Used by quantities.py and parts.py to name rows."""

from __future__ import annotations

from .naming import head_np, is_verb, pos, tail, text_of
from .numbers import CLAUSE_MARKS, lexicon

SENTENCE_MARKS = "。；！？\n"


class Spans:
    def __init__(self, t: str, cut: list[tuple[int, int]]):
        self.t, self.cut = t, sorted(cut)

    def clause(self, i: int) -> tuple[int, int]:
        return self._bounds(i, CLAUSE_MARKS)

    def sentence(self, i: int) -> tuple[int, int]:
        return self._bounds(i, SENTENCE_MARKS)

    def _bounds(self, i: int, marks: str) -> tuple[int, int]:
        a = max([-1] + [k for k in range(0, i) if self.t[k] in marks]) + 1
        b = next((k for k in range(i, len(self.t)) if self.t[k] in marks), len(self.t))
        return a, b

    def plain(self, a: int, b: int) -> str:
        """t[a:b] without numbers, per words and deadlines."""
        return "".join(c for k, c in enumerate(self.t[a:b], a) if not any(x <= k < y for x, y in self.cut))

    def earlier_clauses(self, start: int):
        """(a, b) of the clauses before `start` in its sentence, nearest first."""
        sa, _ = self.sentence(start)
        ca, _ = self.clause(start)
        while ca > sa:
            pa, pb = self.clause(ca - 2)
            yield pa, pb
            ca = pa

    def object(self, a: int, b: int) -> list:
        """The object of the last main verb in t[a:b] (更新全民健身路径器材 -> 全民健身路径器材)."""
        toks = list(pos(self.plain(a, b)))
        lx = lexicon()
        verbs = [k for k, t in enumerate(toks) if is_verb(t) and (t[0] in lx.verbs or t[0] in lx.keep_order_verbs)]
        verbs = verbs or [k for k, t in enumerate(toks) if is_verb(t)]
        for k in reversed(verbs):
            np = head_np(text_of(toks[k + 1 :]))
            if np:
                return np
        return head_np(text_of(toks))

    def activity(self, a: int, b: int) -> list:
        """What a clause is about (开展农村公益电影放映 -> 农村公益电影放映; 为…提供日常生活照料 -> 日常生活照料)."""
        toks = tail(self.plain(a, b))
        k = next((i for i, t in enumerate(toks) if is_verb(t)), None)
        if k is not None and len(text_of(toks[k + 1 :])) >= 2:
            return toks[k + 1 :]
        return toks

    def object_of_verb(self, verb: str, before: int) -> list:
        """The object of `verb` where the sentence uses it before `before` (举办第十届全县农民运动会 …
        10月底前举办 -> 农民运动会)."""
        sa, _ = self.sentence(before)
        text = self.plain(sa, before)
        at = text.find(verb)
        return head_np(text[at + len(verb) :]) if verb and at >= 0 else []

    def first_object(self, before: int) -> list:
        """The object of the sentence's first clause that has one (采购储备应急救灾物资 …)."""
        sa, _ = self.sentence(before)
        a = sa
        while a < before:
            ca, cb = self.clause(a)
            obj = self.object(ca, cb)
            if obj:
                return obj
            a = cb + 1
        return []
