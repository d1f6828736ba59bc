"""Which projects a question names, the way people name them: by number (项目8, 第八个项目, 表3), by the
文号 in the name (91号, 冀财资环【2022】91号那个), by budget unit (不动产登记中心的项目), by a fragment or an
abbreviation of the name (白蛾那个, 公卫补助, 数据库运维), by what the project does (湿地监控那个项目), or by
its budget (预算10万元的那个项目). Several projects fitting equally is reported, never silently resolved.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from ..models import Document, Project
from ..values import chinese_number, normalize_text
from .lexicon import lexicon

_CN = "零一二两三四五六七八九十百"
_ORDINAL = re.compile(
    rf"第\s*([0-9]+|[{_CN}]+)\s*(?:个项目|个表|张表|个|张|号项目|项(?!目标|指标|措施))|(?:项目|表)\s*([0-9]+|[{_CN}]+)(?![0-9号年月日万元%个])"
)
_DOCNO = re.compile(r"(?:[【\[〔(（](\d{4})[】\]〕)）])?\s*(\d{1,4})\s*号(?!项目)")
_BUDGET_REF = re.compile(r"(?:预算|资金|金额)(?:数|是|为)?\s*(\d+(?:\.\d+)?)\s*(万元|万|元)的?(?:那个|这个|那)?项目")
_EXPLICIT = re.compile(r"([^，。？?、的]{2,14}?)(?:那个项目|这个项目|那个|这个|那一项|这一项|那项|这项|项目的|的项目|这张表|那张表|这块|方面)")
_NOT_ORDINAL = set("共起直样般些下次项体致定并同律半边点")
_CODE = re.compile(r"[0-9A-Za-z]{10,}")
_JOINERS = re.compile(r"和|与|跟|同|以及|还是|比|、|，|,|vs")
_NUMERIC = re.compile(r"[\d.%年月日号万元个]+")
_PREFIX = re.compile(r"^.*?(?:省|自治区|市|县|区|旗)(?=.{2,})")


@dataclass
class Ref:
    """Projects (1-based table numbers) a question names and how."""

    tables: list[int] = field(default_factory=list)
    how: str = ""  # ordinal | docno | unit | name | text | budget | ""
    tied: bool = False  # several projects fit one singular mention equally
    firm: bool = False  # named for sure (number, 文号, unit, a distinctive part of the name)
    mention: str = ""  # the question's characters the reference used; matched no further
    out_of_range: int | None = None  # 项目25 in an 18-project document
    unknown_docno: str = ""  # a 文号 no project carries
    department: bool = False  # the whole department (its name without 本级)
    unknown_name: str = ""  # "X那个项目" where no project's name or text says X
    explicit: bool = False  # named as a project ("X那个项目", "X项目的"), not words that may belong to a row

    @property
    def one(self) -> int | None:
        return self.tables[0] if len(self.tables) == 1 else None


def short_names(name: str) -> list[str]:
    """A unit's name as people say it: in full, without the county prefix, without 本级."""
    n = normalize_text(name)
    out = [n]
    short = _PREFIX.sub("", n)
    out.append(short)
    for x in (n, short):
        if x.endswith("本级") and len(x) > 4:
            out.append(x[:-2])
    return [x for x in dict.fromkeys(out) if len(x) >= 3]


def common_substrings(q: str, name: str, min_len: int = 2) -> list[tuple[int, int]]:
    """Maximal runs of `q` (start, end) that also occur in `name`, greedy longest-first, non-overlapping."""
    spans = []
    i = 0
    while i < len(q):
        best = 0
        for j in range(i + min_len, len(q) + 1):
            if q[i:j] in name:
                best = j - i
            else:
                break
        if best >= min_len:
            spans.append((i, i + best))
            i += best
        else:
            i += 1
    return spans


def abbreviation_window(token: str, name: str) -> str | None:
    """The part of `name` that `token` abbreviates (公卫 -> 公共卫, 运维 -> 运行维, 疾控 -> 疾病预防控)."""
    if len(token) < 2:
        return None
    limit = 2 * len(token) + 1
    for start in (i for i, ch in enumerate(name) if ch == token[0]):
        k, end = 1, start + 1
        while end < len(name) and end - start < limit and k < len(token):
            if name[end] == token[k]:
                k += 1
            end += 1
        if k == len(token):
            return name[start:end]
    return None


class ProjectIndex:
    """Names, units and texts of one document's projects, weighted so that distinctive characters count."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.names = [normalize_text(p.name) for p in doc.projects]
        self.texts = [normalize_text(" ".join([p.purpose, p.goal, *(i.level3 for i in p.indicators)])) for p in doc.projects]
        grams = [set(_bigrams(n)) for n in self.names]
        df = Counter(g for gs in grams for g in gs)
        n = max(len(self.names), 1)
        self.idf = {g: math.log(1 + n / c) for g, c in df.items()}
        self.doc_text = normalize_text(" ".join([doc.title, doc.overall_goal, doc.safeguards, *(a.title + a.goal + a.indicators_text for a in doc.goal_areas)] + self.names + self.texts))
        lex = lexicon()
        self.noise = set(lex.question_words) | set(lex.soft_words) | {c for cues in lex.fields.values() for c in cues}
        self.cues = self.noise | {c for cues in [*lex.intents.values(), *lex.compare.values(), *lex.answer_types.values()] for c in cues}

    def weight(self, s: str) -> float:
        return sum(self.idf.get(g, 0.0) for g in _bigrams(s))

    # -- the resolvers, tried in order by `resolve` ---------------------------------------------------
    def by_ordinal(self, q: str) -> Ref | None:
        for m in _ORDINAL.finditer(q):
            raw = m.group(1) or m.group(2)
            if q[m.end() : m.end() + 2] in ("部分",) or "分项" in q[m.end() : m.end() + 6]:
                continue
            if m.group(2) and not raw.isdigit() and q[m.end() : m.end() + 1] in _NOT_ORDINAL:
                continue  # 项目一共, 项目一起: a word, not 项目1
            n = int(raw) if raw.isdigit() else int(chinese_number(raw) or 0)
            if n < 1:
                continue
            if n > len(self.doc.projects):
                return Ref(out_of_range=n, how="ordinal", mention=m.group(0), firm=True)
            return Ref([n], "ordinal", firm=True, mention=m.group(0))
        return None

    def by_docno(self, q: str) -> Ref | None:
        for m in _DOCNO.finditer(q):
            year, num = m.group(1), m.group(2)
            if q[m.end() : m.end() + 1] in ("人", "件", "个") or re.search(r"\d月$", q[: m.start(2)]):
                continue  # 5号 of a date, 57号 of a count
            pat = re.compile(rf"(?<!\d){num}号")
            hits = [t for t, n in enumerate(self.names, 1) if pat.search(n) and (not year or year in n)]
            if hits:
                prefix = re.search(r"[\u4e00-\u9fff]{2,6}$", q[: m.start()])
                mention = (prefix.group(0) if prefix and any(prefix.group(0) in self.names[t - 1] for t in hits) else "") + m.group(0)
                return Ref(hits, "docno", tied=len(hits) > 1, firm=True, mention=mention + ("文" if q[m.end() : m.end() + 1] == "文" else ""))
            return Ref(how="docno", unknown_docno=m.group(0).strip(), firm=True)
        return None

    def by_code(self, q: str) -> Ref | None:
        """项目编码13032424P00443210083H是哪个项目: the project with that code."""
        for m in _CODE.finditer(q):
            hits = [t for t, p in enumerate(self.doc.projects, 1) if p.code and normalize_text(p.code).upper() == m.group(0).upper()]
            if hits:
                return Ref(hits, "code", firm=True, mention=m.group(0))
        return None

    def by_budget(self, q: str) -> Ref | None:
        m = _BUDGET_REF.search(q)
        if not m:
            return None
        amount = float(m.group(1)) / (1e4 if m.group(2) == "元" else 1)
        hits = [t for t, p in enumerate(self.doc.projects, 1) if p.budget is not None and abs(p.budget - amount) < 0.005]
        return Ref(hits, "budget", tied=len(hits) > 1, firm=True, mention=m.group(0))

    def by_unit(self, q: str) -> Ref | None:
        dept = short_names(self.doc.department) if self.doc.department else []
        best: tuple[str, str, list[int]] | None = None  # (the unit's name as matched, the question's words, tables)
        for u in self.doc.units:
            for s in short_names(u.name):
                found = s if s in q else self._abbreviated(q, s)
                if found and (best is None or len(found) > len(best[1])):
                    best = (s, found, [t for t, p in enumerate(self.doc.projects, 1) if p.unit_code == u.code and p.unit_name == u.name or (not u.code and p.unit_name == u.name)])
        if best and best[2]:
            # 交通局 / 交通运输局 without 本级: the whole department, not its 本级 unit
            if "本级" not in q and (best[0] in dept or any(d in q and len(d) > len(best[1]) for d in dept)):
                return Ref(department=True, how="unit", mention=best[1], firm=True)
            return Ref(best[2], "unit", firm=True, mention=best[1])
        own = [u for u in self.doc.units if u.name.endswith("本级")]
        if "本级" in q and len(own) == 1:  # 局本级 / 本级: the one unit that is the department itself
            tables = [t for t, p in enumerate(self.doc.projects, 1) if p.unit_name == own[0].name]
            if tables:
                m = re.search(r"[\u4e00-\u9fff]{0,3}本级", q)
                return Ref(tables, "unit", firm=True, mention=m.group(0) if m else "本级")
        found = next((d for d in dept if d in q), None)
        if found:
            return Ref(department=True, how="unit", mention=found, firm=True)
        return None

    def _abbreviated(self, q: str, name: str) -> str | None:
        """The longest part of the question (3+ characters, not itself in the document) that abbreviates
        `name`: 疾控中心 for 疾病预防控制中心, 不动产中心 for 不动产登记中心."""
        best = None
        for i, ch in enumerate(q):
            if ch != name[0]:
                continue
            for j in range(i + 3, min(len(q), i + len(name)) + 1):
                part = q[i:j]
                if part[-1] == name[-1] and part not in self.doc_text and abbreviation_window(part, name) and (best is None or len(part) > len(best)):
                    best = part
        return best

    def by_name(self, q: str) -> Ref | None:
        """Fragments and abbreviations of project names; for an explicit "X那个项目", also what X does."""
        singles = "".join(w for w in lexicon().question_words if len(w) == 1)  # 这是 / 那个: pointing, not a name
        explicit = [x.strip(singles) for x in (_strip_words(m.group(1), self.cues) for m in _EXPLICIT.finditer(q))]
        explicit = [x for x in explicit if len(re.sub(r"[^\u4e00-\u9fff]", "", x)) >= 2 and not re.search(r"\d", x)]
        scores = []
        for t, name in enumerate(self.names, 1):
            spans = []
            for a, b in common_substrings(q, name):
                s = q[a:b]
                if s in self.noise or self.weight(s) <= 0 or _NUMERIC.fullmatch(s) or any(s in x for x in spans):
                    continue  # a repeat (签约 again in 签约医生) describes what is asked, not the project
                spans.append(s)
            for tok in _tokens(q):
                if tok not in self.doc_text and tok not in self.cues and not any(tok in s for s in spans) and abbreviation_window(tok, name):
                    spans.append(tok)
            score = sum(self.weight(s) if s in name else 0.8 * self.weight(abbreviation_window(s, name) or "") for s in spans)
            scores.append((score, t, spans))
        best = max((s for s, _, _ in scores), default=0.0)
        if best <= 0:
            found = self._by_text(q, explicit)
            return found or (Ref(how="name", unknown_name=explicit[0], mention=explicit[0]) if explicit else None)
        top = [(t, spans) for s, t, spans in scores if s >= best * 0.999]
        spans = list(dict.fromkeys(s for _, sp in top for s in sp))
        chars = sum(len(s) for s in top[0][1])
        whole = [s for s in spans for n in self.names if s == n or (len(s) >= 4 and len(s) >= 0.8 * len(n) and s in n)]
        covered = [x for x in explicit if _coverage(x, spans) >= 0.99] + whole  # 我想了解国土空间规划项目的…
        partial = [x for x in explicit if 0 < _coverage(x, spans) < 0.7]
        abbreviated = any(s not in self.names[t - 1] for t, sp in top for s in sp)  # 公卫: named on purpose
        firm = bool(covered) or abbreviated or max(len(s) for s in top[0][1]) >= 3 or (
            len(top) == 1 and chars / max(len(self.names[top[0][0] - 1]), 1) >= 0.3
        )
        ref = Ref([t for t, _ in top], "name", tied=len(top) > 1, firm=firm, mention="\x00".join(spans), explicit=bool(covered))
        if partial and not covered:
            by_text = self._by_text(q, partial)
            return by_text or Ref(how="name", unknown_name=partial[0], mention=partial[0])
        if not firm and explicit:
            return self._by_text(q, explicit) or ref
        return ref

    def _by_text(self, q: str, explicit: list[str]) -> Ref | None:
        """An explicit "X那个项目" whose X is not in any name: the projects whose purpose, goal or rows say X."""
        for x in explicit:
            grams = set(_bigrams(x))
            if not grams:
                continue
            cover = [(len(grams & set(_bigrams(n + text))) / len(grams), t) for t, (n, text) in enumerate(zip(self.names, self.texts), 1)]
            best = max((c for c, _ in cover), default=0.0)
            if best >= 0.99 or (best >= 0.6 and len(grams) >= 3):
                top = [t for c, t in cover if c >= best - 1e-9]
                return Ref(top, "text", tied=len(top) > 1, firm=True, mention=x, explicit=True)
        return None

    def resolve(self, q: str) -> Ref:
        both = self.several(q)
        if both is not None:
            return both
        for finder in (self.by_code, self.by_ordinal, self.by_budget, self.by_docno, self.by_unit, self.by_name):
            ref = finder(q)
            if ref is not None and (ref.tables or ref.out_of_range or ref.unknown_docno or ref.department or ref.unknown_name):
                if ref.one is not None and ref.how != "name":  # 第5个项目的造林面积: its name's words are spent too
                    name = self.names[ref.one - 1]
                    extra = [q[a:b] for a, b in common_substrings(q, name) if q[a:b] not in self.noise and not _NUMERIC.fullmatch(q[a:b])]
                    ref.mention = "\x00".join([ref.mention, *extra])
                return ref
        return Ref()

    def several(self, q: str) -> Ref | None:
        """Two or more projects named side by side (白蛾防治和野生动物保护哪个预算多)."""
        parts = [x for x in _JOINERS.split(q) if len(x) >= 2]
        if len(parts) < 2:
            return None
        found: list[int] = []
        mentions = []
        for part in parts:
            for finder in (self.by_ordinal, self.by_docno, self.by_name):
                ref = finder(part)
                if ref is not None and ref.one is not None and ref.firm:
                    if ref.one not in found:
                        found.append(ref.one)
                        mentions.append(ref.mention)
                    break
        if len(found) < 2:
            return None
        return Ref(found, "several", firm=True, mention="\x00".join(mentions))

    def projects(self, ref: Ref) -> list[Project]:
        return [self.doc.projects[t - 1] for t in ref.tables]


def _bigrams(text: str) -> list[str]:
    t = re.sub(r"[\s，。、；：:;,.（）()“”\"'【】\[\]—\-+/]", "|", text or "")
    return [part[i : i + 2] for part in t.split("|") for i in range(len(part) - 1)]


def _tokens(q: str) -> list[str]:
    from ..tokens import init_tokenizer

    return [w for w in init_tokenizer().lcut(q) if len(w) >= 2]


def _coverage(x: str, spans: list[str]) -> float:
    """Share of the characters of `x` inside one of `spans`."""
    hit = [False] * len(x)
    for s in spans:
        start = x.find(s)
        while start >= 0:
            hit[start : start + len(s)] = [True] * len(s)
            start = x.find(s, start + 1)
    return sum(hit) / max(len(x), 1)


def _strip_words(text: str, words: set[str]) -> str:
    for w in sorted(words, key=len, reverse=True):
        if len(w) >= 2:
            text = text.replace(w, "")
    return text
