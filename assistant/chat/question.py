"""What a question asks, read from its words (lexicon.yaml) rather than from templates: the field or row it
wants, the kind of answer (a date, a percentage, an amount, a count with a unit), aggregate and list
intents, conditions (预算超过100万元, 6月底支出为0, 满意度低于90%), categories (时效指标, 满意度), the years
and months it names, whether it continues the previous turn, and its content words: the words a passage
must contain to answer it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as _field

from ..values import normalize_text
from .lexicon import first, lexicon

_NUMBER = r"(\d+(?:\.\d+)?|[零一二两三四五六七八九十百]+)"
_YEAR = re.compile(r"(?<!\d)(20\d{2})\s*年?(?!\d)")
_MONTH = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,2})\s*月(?:底|末|份)?")
_CATEGORIES = (
    ("数量", "数量指标"), ("质量", "质量指标"), ("时效", "时效指标"), ("成本", "成本指标"),
    ("经济效益", "经济效益指标"), ("社会效益", "社会效益指标"), ("生态效益", "生态效益指标"),
    ("可持续", "可持续影响指标"), ("满意度", "满意度指标"), ("产出", "产出指标"), ("效益", "效益指标"),
)
_RELATIVE_YEARS = (("明年", 1), ("下一年", 1), ("下年度", 1), ("后年", 2), ("去年", -1), ("上一年", -1), ("前年", -2))
_PUNCT = re.compile(r"[\s，。、；：:;,.？?！!（）()“”\"'《》【】\[\]]")


@dataclass
class Question:
    text: str  # normalised question
    rest: str = ""  # the question with the project mention blanked out
    field: str | None = None  # a project header field asked for (预算数, 资金用途, ...)
    field_cue: str = ""
    atype: str | None = None  # time | percent | money | quantity
    unit: str | None = None  # 亩 in 多少亩
    years: list[int] = _field(default_factory=list)
    month: str | None = None  # mar | jun | oct | dec
    compare: tuple[str, float, str] | None = None  # (op, number, unit) of a condition
    categories: list[str] = _field(default_factory=list)  # canonical 二级/一级 names named as such
    intents: set[str] = _field(default_factory=set)
    follow_up: bool = False
    row_follow_up: bool = False
    section: str | None = None
    department: bool = False
    terms: list[str] = _field(default_factory=list)  # content words of `rest`
    column: str | None = None  # a row cell other than 指标值 (指标值确定依据, 实际完成值, ...)
    per: str | None = None  # 每公里多少钱: the unit of a unit price ("" for 单价 without one)
    head: str | None = None  # what a 多少 question counts (医生 in 签约医生有多少名)
    numbers: list[float] = _field(default_factory=list)  # numbers the question states (57人里…)
    shift: int = 0  # 明年 +1, 去年 -1: a year other than the document's
    mention: list[str] = _field(default_factory=list)  # the words that named the project
    defect_kind: str | None = None  # a reviewer's category the question names (涉密 -> placeholder)


def _number(raw: str) -> float | None:
    from ..values import chinese_number

    try:
        return float(raw)
    except ValueError:
        return chinese_number(raw)


def condition(text: str) -> tuple[str, float, str] | None:
    """(op, number, unit) of 超过100万元 / 低于90% / 为0 / 没到100% / 99%以上 in `text`; ("between", low,
    "unit|high") for 10万元到50万元之间."""
    lex = lexicon()
    m = re.search(_NUMBER + r"\s*(%|万元|万|元)?\s*(?:到|至|-|~|—)\s*" + _NUMBER + r"\s*(%|万元|万|元)?\s*(?:之间|以内|范围)?", text)
    if m and _number(m.group(1)) is not None and _number(m.group(3)) is not None and (m.group(2) or m.group(4)):
        return "between", float(_number(m.group(1)) or 0), f"{m.group(4) or m.group(2)}|{_number(m.group(3))}"
    for op, words in lex.compare.items():
        for w in words:
            m = re.search(re.escape(w) + r"\s*" + _NUMBER + r"\s*(%|万元|万|元|亩|人|个)?", text)
            if m and _number(m.group(1)) is not None:
                return op, float(_number(m.group(1)) or 0), m.group(2) or ""
    m = re.search(_NUMBER + r"\s*(%|万元|万|元)?\s*(及以上|以上|及以下|以下|以内)", text)
    if m and _number(m.group(1)) is not None:
        op = ">=" if "上" in m.group(3) else "<="
        return op, float(_number(m.group(1)) or 0), m.group(2) or ""
    return None


def parse(text: str, mention: str = "", vocab: frozenset[str] = frozenset()) -> Question:
    """Read a question; `mention` is the part that named a project (left out of `rest`); `vocab`, the
    open document's words, guides how the question is cut into words (监控服务合同期: 合同, not 同期)."""
    lex = lexicon()
    q = Question(text=normalize_text(text))
    q.rest = q.text
    q.mention = sorted({m for m in mention.split("\x00") if m}, key=len, reverse=True)
    for part in q.mention:
        q.rest = q.rest.replace(part, "|")
    rest = q.rest
    q.column = next((c for c, cues in lex.columns.items() if first(rest, cues)), None)
    q.defect_kind = next((k for k, cues in lex.defect_kinds.items() if first(rest, cues)), None)
    pointed = blank(rest, [w for w in lex.question_words if re.search(r"钱|资金|经费", w)])  # 那笔钱 points, it does not ask
    if q.section is None:
        q.section = next((s for s, cues in lex.sections.items() if first(q.text, cues)), None)
    if q.section:  # 分项绩效目标里…: the section's name is not the field 绩效目标
        pointed = blank(pointed, list(lex.sections[q.section]))
    pointed = re.sub(r"(?:绩效)?目标表", "|", pointed)  # 几张绩效目标表: the tables, not the field 绩效目标
    pointed = re.sub(r"预算(?=控制|执行|完成)", "|", pointed)  # 预算控制数: a row, not the field 预算数
    for label, cues in lex.fields.items() if q.column != "指标类别" else ():
        cue = first(pointed, cues)
        generic = q.field == "预算数" and q.field_cue in ("资金", "经费", "钱", "款", "预算")
        if cue and (len(cue) > len(q.field_cue) or generic or q.field == "预算数" and label in ("中期资金", "财政资金", "其他资金")):
            q.field, q.field_cue = label, cue  # 中期市财政预算: the 中期 amount; 资金用来干啥: the use, not the amount
    typed = rest.replace(q.field_cue, "|") if q.field in ("资金用途", "绩效目标", "项目编码", "预算单位", "项目名称") else rest
    # 办结率: a rate, though 办结 alone asks for a time
    for atype in ("percent", "time", "entity", "money") if re.search(r"率(?!先)", typed) else ("time", "entity", "percent", "money"):
        if first(typed, lex.answer_types[atype]):
            q.atype = atype
            break
    kind = re.search(r"(?:什么|哪种|哪类|啥)([\u4e00-\u9fff])[?？]?$", rest)
    if kind and kind.group(1) not in "的呢吗啊样":  # 种的是什么树, 用的什么药: a kind of thing, not a number
        q.atype = "entity"
    per = first(rest, lex.per_unit)
    if per:
        after = re.match(r"(" + "|".join(map(re.escape, lex.units)) + ")", rest[rest.find(per) + len(per) :])
        q.per = after.group(1) if after and per == "每" else ("" if per != "每" else None)
        if q.per in ("年", "月", "天", "日", "次") and not re.search(r"多少钱|多少元|单价|费用|标准", rest):
            q.per = None  # 每年能接诊多少人次: how often, not a unit price
        elif per != "每" and per != "单价" and not re.search(r"钱|元|费|投入|补|花|经费|资金|标准", rest):
            q.per = None  # 亩均粮食产能提高多少: an average, not a price
        if q.per is not None:
            q.atype = "money"
            if q.field == "预算数":
                q.field, q.field_cue = None, ""
    unit = re.search(r"(?:多少|几)个(?=[\u4e00-\u9fff]{2})()|(?:多少|几)(?:个)?(" + "|".join(map(re.escape, lex.units)) + ")", rest)
    if unit and q.per is None:
        q.unit = unit.group(2) if unit.group(2) else "个"  # 多少个村庄绿化提升村: counted in 个
        if q.unit in ("月", "日", "天", "年") and re.search(r"几(月|日|号)|(?:几|多少)(?:月|日)(?:份|底|末|初|前)", rest):
            q.atype, q.unit = "time", None  # 几月份前: a date, not a count of months
        elif q.unit in ("元", "万元", "亿元"):
            q.atype, q.unit = "money", None  # 多少万元: an amount
        elif q.atype is None or q.atype == "money":
            q.atype = "quantity"
    if q.atype is None and first(rest, lex.answer_types["number"]):
        q.atype = "number"
    if lex.has(rest, "where") and q.atype in ("number", "quantity"):
        q.atype, q.unit = None, None  # 在第几项: a place, not a number
    q.years = [int(y) for y in _YEAR.findall(rest)]
    q.shift = next((n for w, n in _RELATIVE_YEARS if w in rest), 0)
    month = _MONTH.search(rest)
    if month:
        q.month = lex.months.get(month.group(1))
    else:
        q.month = next((v for k, v in lex.months.items() if not k.isdigit() and len(k) >= 2 and k in rest), None)
    q.compare = condition(rest)
    q.categories = [c for key, c in _CATEGORIES if key in rest and (key + "指标" in rest or key in ("时效", "满意度", "可持续"))]
    q.intents = {name for name in lex.intents if lex.has(rest, name)}
    # "哪个预算多 / 谁的经费高": a comparison whose adjective comes after the thing compared
    which_more = re.search(r"(?:哪个|哪一个|哪项|谁)[^，。？?]{0,8}?(多|高|大|少|低|小)", rest)
    if which_more:
        q.intents.add("more" if which_more.group(1) in "多高大" else "less")
    q.follow_up = bool(first(q.text, lex.follow_up))
    q.row_follow_up = bool(first(q.text, lex.row_follow_up))
    q.section = next((s for s, cues in lex.sections.items() if first(q.text, cues)), None)
    q.department = bool(first(q.text, lex.department))
    q.terms = content_terms(rest, q, vocab)
    q.head = counted_noun(rest, q.terms, q.unit) if q.atype in ("number", "quantity") else None
    q.numbers = [float(x) for x in re.findall(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.]*\s*年)", rest)]
    return q


def counted_noun(rest: str, terms: list[str], unit: str | None = None) -> str | None:
    """What a 多少/几 question counts, as the question words it: the run of content words right after
    多少+unit (多少株李子苗), else the run right before it (签约医生有多少名). None when the unit alone says
    it (乡村奖补要验收几个村)."""
    lex = lexicon()
    m = re.search(r"多少|几", rest)
    if not m or not terms:
        return None
    keep = [False] * len(rest)
    for t in terms:
        a = rest.find(t)
        while a >= 0:
            keep[a : a + len(t)] = [True] * len(t)
            a = rest.find(t, a + 1)
    runs = "".join(ch if k else "|" for ch, k in zip(rest, keep))
    tail = rest[m.end() :]
    skip = re.match(r"个?(?:" + "|".join(map(re.escape, lex.units)) + ")?", tail)
    after = re.match(r"\|{0,2}([^|]{2,})", runs[m.end() + (skip.end() if skip else 0) :])
    if after:
        return after.group(1)
    if unit and not any(unit in g for g in lex.unit_groups):
        return None  # 几个村: the unit is the thing counted
    before = re.search(r"([^|]{2,})\|{0,3}$", runs[: m.start()])
    return before.group(1) if before else None


def blank(text: str, phrases: list[str]) -> str:
    """`text` with every occurrence of every phrase replaced by "|" (overlapping occurrences too)."""
    hit = [False] * len(text)
    for w in phrases:
        start = text.find(w)
        while start >= 0:
            hit[start : start + len(w)] = [True] * len(w)
            start = text.find(w, start + 1)
    return "".join("|" if h else ch for ch, h in zip(text, hit))


def content_terms(rest: str, q: Question | None = None, vocab: frozenset[str] = frozenset()) -> list[str]:
    """The words of `rest` a passage must match: words that are not question, soft, intent, field, column
    or unit words, not numbers and not single characters. A cue inside a longer word stays (预算 in
    预算控制数); synonym phrases of lexicon.yaml stay whole (群众评价 is one word, not 群众 + 评价)."""
    from ..tokens import init_tokenizer

    lex = lexicon()
    jieba = init_tokenizer()
    drop = set(lex.question_words) | set(lex.department)
    for cues in [*lex.intents.values(), *lex.answer_types.values(), *lex.sections.values(), *lex.columns.values(), lex.per_unit, *lex.compare.values(), *lex.fields.values(), *lex.defect_kinds.values()]:
        drop.update(cues)
    text = _PUNCT.sub("|", rest)
    if q is not None and q.unit:  # 多少亩: the unit asked in, not a word to match (批次 in 监督抽检批次 stays)
        text = re.sub(r"(?:多少|几)个?" + re.escape(q.unit), "|", text)
    units = "|".join(map(re.escape, lex.units))
    text = re.sub(r"\d+\s*月(?:底|末|初|中旬|上旬|下旬|份)?", "|", text)  # 9月底
    text = re.sub(r"\d+(?:\.\d+)?\s*(?:万|千|百)?(?:" + units + r"|%)?", "|", text)  # 100万元 in a condition
    keep = sorted((w for w in lex.synonyms if len(w) >= 2), key=len, reverse=True)
    text = _blank_on_word_edges(text, [w for w in drop if len(w) >= 2] + [w for w in lex.soft_words if len(w) >= 3], jieba, keep)
    words = vocab | frozenset(keep)  # the document's words and the lexicon's phrases, longest first
    out = []
    for piece in [text]:
        for tok in segment(piece, words, jieba):
            tok = tok.strip("|")
            if len(tok) == 2 and tok[0] in _LEADING:
                tok = tok[1:]  # 要种 -> 种 (an act of lexicon.yaml), 要换 -> 换 (dropped below)
            if tok.startswith("每") or tok[:2] in ("人均", "亩均", "生均", "户均"):
                continue  # 每人每年: how the price is counted, not what is asked
            for end in ("指标", "目标", "要求", "情况"):  # 满意度指标 -> 满意度
                if tok.endswith(end) and len(tok) - len(end) >= 2:
                    tok = tok[: -len(end)]
            for w in lex.question_words:  # 哪些方面: a question word glued to a phrasing word
                if len(w) >= 2 and tok.startswith(w) and tok[len(w) :] in lex.soft_words | {""}:
                    tok = ""
                    break
            if len(tok) == 1 and tok in lex.synonyms and tok not in drop:
                out.append(tok)  # 哪一年建的, 什么时候要种完: the act asked about (matched through lexicon.yaml)
                continue
            if len(tok) < 2 or tok in drop or tok in lex.soft_words or re.fullmatch(r"[\d.%]+|\d+[年月日号]?|[这那]?[\d一二两三四五六七八九十几]+[个项条张]?", tok):
                continue
            out.append(tok)
    return out


_LEADING = set("要想应需能会得该把被将")


def segment(text: str, vocab: frozenset[str], jieba) -> list[str]:
    """Words of `text`: the document's own words first (longest match), jieba for the rest."""
    if not vocab:
        return jieba.lcut(text)
    out, gap, i = [], "", 0
    while i < len(text):
        word = next((text[i:j] for j in range(min(len(text), i + 8), i + 1, -1) if text[i:j] in vocab), None)
        if word is None:
            gap += text[i]
            i += 1
            continue
        if gap:
            out += jieba.lcut(gap)
            gap = ""
        out.append(word)
        i += len(word)
    return out + (jieba.lcut(gap) if gap else [])


_ASKING = re.compile(r"哪|几|多少|什么|怎|吗|呢|啥|谁")


def _blank_on_word_edges(text: str, phrases: list[str], jieba, keep: list[str]) -> str:
    """Blank the phrases that sit on word boundaries: 什么时候 goes, but 预算 inside 预算控制数 stays."""
    starts, ends = {0}, {len(text)}
    pos = 0
    pieces = re.split("(" + "|".join(map(re.escape, keep)) + ")", text) if keep else [text]
    for piece in pieces:
        for tok in [piece] if piece in keep else jieba.lcut(piece):
            starts.add(pos)
            pos += len(tok)
            ends.add(pos)
    hit = [False] * len(text)
    for w in phrases:
        a = text.find(w)
        while a >= 0:
            if a in starts and a + len(w) in ends or len(w) >= 3 or _ASKING.search(w):
                hit[a : a + len(w)] = [True] * len(w)
            a = text.find(w, a + 1)
    return "".join("|" if h else ch for ch, h in zip(text, hit))


def hard_word(term: str) -> bool:
    """A content word whose absence from the document means the question cannot be answered from it:
    a real word (in the dictionary, or a long run of several) that names a thing. Verbs and adverbs
    (修好, 打算) are phrasing, and pieces the tokenizer made up across words (份前, 底能) are noise."""
    import jieba.posseg as pseg

    from ..tokens import init_tokenizer

    jieba = init_tokenizer()
    if not real_word(term, jieba):
        return False
    flags = [w.flag for w in pseg.lcut(term)]
    return any(f[:1] in ("n", "l", "j", "i", "e", "x", "z") or f == "vn" for f in flags)


def real_word(term: str, jieba=None) -> bool:
    """Whether the tokenizer knows the word (or it is long enough to be a name), rather than having
    glued two characters of neighbouring words together."""
    if jieba is None:
        from ..tokens import init_tokenizer

        jieba = init_tokenizer()
    return jieba.dt.FREQ.get(term, 0) > 0 or len(term) >= 4 or not re.fullmatch(r"[\u4e00-\u9fff]+", term)
