"""Matching a reviewer's question to projects, fields and indicator rows of one Document.

Character bigrams weighted by inverse document frequency: robust for Chinese without a tokenizer,
and the same words that appear in every project name (资金, 项目, 经费…) count for little.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from ..models import Document, Indicator, Project
from ..values import chinese_number, normalize_text

# Words that carry no identity in project names or questions.
_STOP_WORDS = (
    "是多少", "是什么", "有哪些", "哪些", "多少", "什么", "请问", "一下", "是否", "有没有", "怎么", "如何",
    "项目", "资金", "经费", "费用", "绩效", "目标表", "指标值", "指标", "的", "了", "吗", "呢", "？", "?", "，", "。",
)
_ORDINAL = re.compile(r"(?:项目|表|第)\s*([0-9]+|[一二三四五六七八九十]+)\s*(?:个项目|个|号项目|项)?")


def bigrams(text: str) -> list[str]:
    t = normalize_text(text)
    t = re.sub(r"[\s，。、；：:;,.（）()“”\"'【】\[\]—\-+/]", "|", t)
    out = []
    for part in t.split("|"):
        out += [part[i : i + 2] for i in range(len(part) - 1)]
    return out


# Question phrasings mapped to the words tables use.
_SYNONYMS = (
    ("什么时候完成", "完成时间"), ("何时完成", "完成时间"), ("什么时候完工", "完工时间"), ("何时完工", "完工时间"), ("什么时候", "时间"), ("何时", "时间"),
    ("多长", "期限"), ("多少人", "人数"), ("几种", "多种"), ("涉及多少", "数量"),
)


def strip_stop(text: str) -> str:
    for a, b in _SYNONYMS:
        text = text.replace(a, b)
    for w in _STOP_WORDS:
        text = text.replace(w, " ")
    return text


@dataclass
class Match:
    score: float  # matched weight
    coverage: float  # matched weight / weight of the target's own bigrams
    query_coverage: float = 0.0  # matched weight / weight of the query's bigrams (unknown ones count fully)

    @property
    def best(self) -> float:
        return max(self.coverage, self.query_coverage)


class BigramIndex:
    """IDF-weighted bigram overlap between a query and a list of texts."""

    def __init__(self, texts: list[str]):
        self.grams = [set(bigrams(strip_stop(t))) for t in texts]
        df = Counter(g for gs in self.grams for g in gs)
        n = max(len(texts), 1)
        self.idf = {g: math.log(1 + n / c) for g, c in df.items()}

    def weight(self, grams: set[str]) -> float:
        return sum(self.idf.get(g, 0.0) for g in grams)

    def match(self, query: str) -> list[Match]:
        q = set(bigrams(strip_stop(query)))
        top = max(self.idf.values(), default=1.0)
        q_weight = sum(self.idf.get(g, top) for g in q)
        out = []
        for gs in self.grams:
            common = q & gs
            w = self.weight(common)
            out.append(Match(score=w, coverage=w / max(self.weight(gs), 1e-9), query_coverage=w / max(q_weight, 1e-9)))
        return out


def project_by_ordinal(doc: Document, question: str) -> Project | None:
    """'项目8', '第八个项目', '表3' -> that project (1-based, in document order)."""
    for m in _ORDINAL.finditer(question):
        raw = m.group(1)
        n = int(raw) if raw.isdigit() else int(chinese_number(raw) or 0)
        # "107号" inside a 文号 is not an ordinal: require the 项目/表/第 prefix matched above
        if 1 <= n <= len(doc.projects):
            return doc.projects[n - 1]
    return None


def find_projects(doc: Document, question: str, min_score: float = 1.5) -> list[tuple[Project, Match]]:
    """Projects whose name the question mentions, best first."""
    if not doc.projects:
        return []
    index = BigramIndex([p.name for p in doc.projects])
    scored = [(p, m) for p, m in zip(doc.projects, index.match(question)) if m.score >= min_score]
    scored.sort(key=lambda pm: (pm[1].score, pm[1].coverage), reverse=True)
    return scored


def row_match_text(ind: Indicator) -> str:
    return " ".join([ind.level3, ind.description])


def find_rows(projects: list[Project], question: str) -> list[tuple[Project, Indicator, Match]]:
    """Indicator rows of `projects` matching the question, best first. Coverage is how much of the
    row's 三级指标 (or, if better, its 描述) the question contains."""
    rows = [(p, i) for p in projects for i in p.indicators if i.value.kind != "placeholder"]
    if not rows:
        return []
    by_name = BigramIndex([i.level3 for _, i in rows]).match(question)
    by_desc = BigramIndex([i.description or i.level3 for _, i in rows]).match(question)
    out = []
    for (p, i), a, b in zip(rows, by_name, by_desc):
        best = a if a.best >= b.best else b
        if best.score > 0:
            out.append((p, i, best))
    out.sort(key=lambda r: (r[2].best, r[2].score), reverse=True)
    return out


def remove_name(question: str, name: str) -> str:
    """The question with the characters it shares with a project name's bigrams removed."""
    grams = set(bigrams(name))
    keep = []
    t = normalize_text(question)
    for i, ch in enumerate(t):
        if t[i : i + 2] in grams or (i > 0 and t[i - 1 : i + 1] in grams):
            continue
        keep.append(ch)
    return "".join(keep)
