"""Finding the passage that answers a question, and the span of it that is the answer.

Each passage is scored by how much of the question's content it covers (words weighted by how rare they
are in the document, synonyms from lexicon.yaml counting as the word), whether it can give the kind of
answer asked for (a date for 什么时候, a count in 亩 for 多少亩), and whether it lies in the project the
question names. A passage that leaves a content word of the question uncovered does not answer it: the
engine then says 资料中未找到 rather than quoting the nearest text.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..categories import canonical_level2
from ..models import Document
from ..values import normalize_text
from .lexicon import lexicon
from .passages import Passage, clauses
from .question import Question

MIN_COVERAGE = 0.6  # share of the question's content weight a passage must cover to answer it
_SPAN_NUMBER = r"(?:[≥≤><=]|不低于|不少于|不超过|大于等于|小于等于)?\s*\d+(?:\.\d+)?"
_DATE = re.compile(r"\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?[^，。；、]{0,8}?(?:前|底|完成|完工|以前|之前)?|\d{1,2}\s*月(?:底|末|前)|[\d一二三四五六七八九十]+\s*个?(?:工作日|自然日|日|天|周|个月|年)(?:内|以内)?")


@dataclass
class Scored:
    passage: Passage
    score: float
    coverage: float
    type_ok: bool | None  # None: the question asks for no particular kind of answer
    in_scope: bool | None = None  # None when the question names nothing; False: elsewhere, not naming it
    own: float = 0.0  # coverage by the passage's own words (not its project's name or purpose)
    span: str = ""  # the extracted answer (a value, a date, a clause)
    sentence: str = ""  # the clause the span was taken from


def variants(term: str) -> set[str]:
    """A question word and the words that stand for it (lexicon.yaml synonyms, also inside longer words)."""
    lex = lexicon()
    out = {term} | set(lex.variants(term))
    for w, group in lex.synonyms.items():
        if len(w) >= 2 and w in term:
            out |= {term.replace(w, g) for g in group}
    return out


def covers(term: str, text: str) -> float:
    """How far `text` contains `term`: 1 for the word or a synonym, less for part of it."""
    if any(v in text for v in variants(term)):
        return 1.0
    if len(term) == 2 and re.search(re.escape(term[0]) + r"[\u4e00-\u9fff]" + re.escape(term[1]), text):
        return 0.8  # 老人 / 老年人, 公卫 / 公共卫生: one character left out
    if len(term) >= 3:  # 满意率 vs 满意度, 完工期限 vs 完工时间: part of the word
        grams = {term[i : i + 2] for i in range(len(term) - 1)}
        hit = sum(1 for g in grams if g in text) / len(grams)
        return 0.8 * hit if hit >= 0.5 else 0.0
    return 0.0


def _importance(term: str, known: bool) -> float:
    """Single-character acts and unknown phrasing count half; pieces glued across words count nothing."""
    if len(term) == 1:
        return 0.5
    if known:
        return 1.0
    from ..tokens import init_tokenizer

    real = init_tokenizer().dt.FREQ.get(term, 0) > 0 or len(term) >= 4
    return 0.5 if real else 0.0


class Matcher:
    """Scores the passages of one document against a parsed question."""

    def __init__(self, doc: Document, passages: list[Passage]):
        self.doc = doc
        self.passages = passages
        self.names = {t: normalize_text(p.name) for t, p in enumerate(doc.projects, 1)}
        # what a project is about: a row of 公路安全生命防护工程 answers a question about 护栏工程
        self.about = {t: normalize_text(p.purpose + p.goal) for t, p in enumerate(doc.projects, 1)}
        self.all_text = normalize_text(" ".join(p.match + " " + p.heading for p in passages) + " ".join(self.names.values()))
        self._df: dict[str, int] = {}
        from ..tokens import init_tokenizer

        jieba = init_tokenizer()
        words = {w for p in passages for w in jieba.lcut(p.match + " " + p.heading) if len(w) >= 2}
        words |= {normalize_text(p.indicator.level3) for p in passages if p.indicator is not None and 2 <= len(p.indicator.level3) <= 10}
        self.vocab = frozenset(w for w in words | set(self.names.values()) if re.fullmatch(r"[\u4e00-\u9fff]+", w))

    # -- words --------------------------------------------------------------------------------------
    def variants(self, term: str) -> set[str]:
        return variants(term)

    def covers(self, term: str, text: str) -> float:
        return covers(term, text)

    def known(self, term: str) -> bool:
        """Whether the document says this word anywhere (or a synonym, or most of it)."""
        return self.covers(term, self.all_text) >= 0.5

    def weight(self, term: str) -> float:
        if term not in self._df:
            self._df[term] = sum(1 for p in self.passages if self.covers(term, p.match + p.heading) >= 0.99)
        return math.log(1 + len(self.passages) / (1 + self._df[term]))

    # -- passages -------------------------------------------------------------------------------------
    def context(self, p: Passage) -> str:
        return p.match + p.heading + (self.names.get(p.table, "") if p.table else "")

    def score(self, q: Question, terms: list[str], scope: set, near: set, mention: str = "") -> list[Scored]:
        """Every passage with its score, best first. `scope`: keys (Passage.key) the question names;
        `near`: keys it may mean (an earlier turn's project, a weak name match). Words the document never
        uses (phrasing such as 修好, 打算) do not count; single-character acts (种, 建) count half."""
        weights = {t: self.weight(t) * _importance(t, self.known(t)) for t in terms}
        total = sum(weights.values())
        out = []
        for p in self.passages:
            ctx, about = self.context(p), self.about.get(p.table, "")
            cov = sum(w * max(self.covers(t, ctx), 0.7 * self.covers(t, about)) for t, w in weights.items()) / total if total else (1.0 if p.key in scope else 0.5)
            own = sum(w * self.covers(t, p.match) for t, w in weights.items()) / total if total else 0.0
            span, sentence, type_ok = self.answer_span(q, p, terms)
            s = cov + 0.2 * own
            if type_ok is True:
                s += 0.25
            elif type_ok is False:
                s -= 0.4
            in_scope = None
            if p.key in scope:
                s += 0.3
                in_scope = True
            elif p.key in near:
                s += 0.05
            elif scope and not (mention and mention in p.match):
                s -= 0.3
                in_scope = False  # outside the project asked about, and not mentioning it
            if q.department or q.section:
                s += 0.15 if p.kind == "part" and (q.section in (None, p.section)) else 0.0
            if p.kind == "row":
                s += 0.05  # the tables first (a placeholder such as XX樘 is still what the table says)
            out.append(Scored(p, s, cov, type_ok, in_scope, own, span, sentence))
        out.sort(key=lambda x: x.score, reverse=True)
        return out

    # -- the answer inside a passage -----------------------------------------------------------------
    def answer_span(self, q: Question, p: Passage, terms: list[str]) -> tuple[str, str, bool | None]:
        """(span, clause, fits): the answer a passage gives to `q`; fits is None when any text will do."""
        if p.kind == "row":
            return p.value, p.text, row_fits(q, p)
        parts = clauses(p.text) or [p.text]
        if terms:
            ranked = sorted(parts, key=lambda c: sum(self.covers(t, normalize_text(c)) * self.weight(t) for t in terms), reverse=True)
        else:
            ranked = parts
        for c in ranked:
            span = extract(q, c)
            if span:
                return span, c, True if q.atype or q.unit else None
        if q.atype or q.unit:
            return "", ranked[0], False
        return p.text, p.text, None


def row_fits(q: Question, p: Passage) -> bool | None:
    """Whether a row's value is the kind of answer asked for (None: it may be)."""
    ind = p.indicator
    if ind is None:
        return None
    v = ind.value
    if q.atype == "entity":
        return False
    if q.atype == "time":
        if re.search(r"哪天|哪一天|几号|几月几日|日期", q.text):  # a day is asked
            return bool(re.search(r"\d{1,2}\s*[日号]", ind.value_raw))
        return canonical_level2(ind.level2) == "时效指标" or v.kind in ("date", "duration") or bool(re.search(r"时间|时限|期限|进度", ind.level3))
    if q.per is not None:
        return v.kind in ("unit_price", "money")
    if q.unit:
        if q.unit == "个":
            return v.kind == "quantity"
        return lexicon().same_unit(q.unit, (v.unit or "") + ind.unit_column + ind.level3 + ind.value_raw)
    if q.atype == "percent":
        if v.kind in ("money", "unit_price", "date", "quantity"):
            return False
        return v.kind == "percentage" or "率" in ind.level3 or None
    if q.atype == "money":
        return v.kind in ("money", "unit_price") or None
    if q.atype == "number":
        return True if re.search(r"\d", ind.value_raw) else None
    return None


def counts_asked(q: Question, p: Passage, sentence: str = "", span: str = "") -> bool:
    """A row answers a 多少 question only when its own words name what is counted (签约医生有多少名 is not
    answered by 重点人群签约人数), and not with a number the question already states (57人里退休人员有多少)."""
    ind = p.indicator
    if q.atype not in ("number", "quantity"):
        return True
    if ind is not None and ind.value.number is not None and ind.value.number in q.numbers:
        return False
    if ind is not None and q.unit and ind.value.unit and not same_unit_family(q.unit, ind.value.unit):
        return False  # 陪审员有多少名 is not answered by 陪审员参审案件数量 ≥900件
    if not q.head:
        return True
    own = normalize_text(sentence if ind is None else " ".join([ind.level3, ind.description]))
    words = [t for t in q.terms if t in q.head] or [q.head]
    if ind is not None:  # a row's name: the word for what is counted (the other words may be its project's)
        if covers(words[-1], own) < 0.8:
            return False
    elif not _in_order(words, normalize_text(p.text)):  # a sentence: in the question's order (签约医生 ≠ 家庭医生签约)
        return False
    if ind is None and span and span in own:  # 36个村卫生室: the number counts the noun that follows it
        noun = _noun_after(own[own.index(span) + len(span) :])
        last = next((t for t in reversed(q.terms) if t in q.head), q.head)
        if noun and noun not in ("项目", "以上", "以下", "左右") and covers(last, noun) < 0.75 and covers(noun, q.head) < 0.75:
            return False
    return True


def same_unit_family(asked: str, unit: str) -> bool:
    """Whether a question's measure word (名, 个, 亩…) can be answered in a row's unit: the same word, one
    of its equivalents (chat/lexicon.yaml unit_equivalents), or a unit no equivalence group knows. A word
    of one group is not answered by a unit of another (多少名 is not ≥900件)."""
    from .lexicon import lexicon

    lex = lexicon()
    if lex.same_unit(asked, unit) or unit.endswith(asked) or asked.endswith(unit):
        return True
    known = [g for g in lex.unit_groups if asked in g]
    other = [g for g in lex.unit_groups if unit in g]
    return not (known and other)


def _noun_after(text: str) -> str:
    """The noun right after a number in a sentence (村卫生室 in 36个村卫生室配备…), or ''."""
    import jieba.posseg as pseg

    from ..tokens import init_tokenizer

    init_tokenizer()
    noun = ""
    for w in pseg.lcut(text[:8]):
        if w.flag[:1] not in ("n", "z", "j", "s"):
            break
        noun += w.word
    return noun if len(noun) >= 2 else ""


def _in_order(words: list[str], text: str) -> bool:
    pos = 0
    for w in words:
        found = [i for v in variants(w) if (i := text.find(v, pos)) >= 0]
        if not found:
            return False
        pos = min(found) + 1
    return True


def extract(q: Question, clause: str) -> str:
    """The span of a clause that answers `q`: a number with the asked unit, a date, a percentage."""
    c = clause.strip()
    if q.atype == "entity":
        return ""
    if q.unit:
        lex = lexicon()
        units = next((g for g in lex.unit_groups if q.unit in g), frozenset((q.unit,))) if q.unit != "个" else frozenset(lex.units) - {"元", "万元", "年", "月", "日", "天"}
        alt = "|".join(map(re.escape, sorted(units | {q.unit}, key=len, reverse=True)))
        counted = re.search(_SPAN_NUMBER + r"\s*(?:万|千|百)?个", c) if q.unit == "个" else None
        if counted:
            return counted.group(0)  # 共29个项目: 29个
        m = re.search(_SPAN_NUMBER + r"\s*(?:万|千|百)?个?(?:" + alt + r")(?:/[\u4e00-\u9fff]{1,3})?(?:以上|以下|左右)?", c)
        return m.group(0) if m else ""
    if q.atype == "time":
        if re.search(r"哪天|哪一天|几号|几月几日|日期", q.text):  # a day is asked: a year alone does not answer
            m = re.search(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日", c)
            return m.group(0) if m else ""
        m = _DATE.search(c)
        return m.group(0) if m else ""
    if q.atype == "percent":
        m = re.search(_SPAN_NUMBER + r"\s*%(?:以上|以下)?", c)
        return m.group(0) if m else ""
    if q.atype == "money":
        m = re.search(_SPAN_NUMBER + r"\s*(?:万元|元|亿元)(?:/[^\s，。]{1,3})?", c)
        return m.group(0) if m else ""
    if q.atype == "number":
        for m in re.finditer(_SPAN_NUMBER + r"\s*(?:万|千|百)?[\u4e00-\u9fff%]{0,2}(?:/[\u4e00-\u9fff]{1,3})?", c):
            if not re.match(r"\d{4}年", m.group(0)):
                return m.group(0)
    return ""
