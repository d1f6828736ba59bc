"""Naming a row the way a clerk names it, from the words around a number: jieba.posseg tokens, retagged
by the drafting lexicon, and a small grammar over them.

    修建作业道30公里     -> 作业道修建长度 (verb + object -> object + verb + measure)
    7个林场               -> 林场数量       (number + classifier + noun)
    新造林3万亩           -> 新造林面积     (a verb-noun compound keeps its order)
    每日不少于2次的雾炮降尘作业 -> 雾炮降尘作业频次

A name never starts with a preposition or an empty verb (在, 对, 开展) and never ends with a conjunction
(和, 及); names are never cut at a fixed number of characters.
"""

from __future__ import annotations

from functools import lru_cache

from ..tokens import init_tokenizer
from .numbers import lexicon

NOUNISH = {"n", "nr", "nrt", "nrfg", "ns", "nt", "nz", "ng", "vn", "an", "b", "j", "l", "eng", "q", "k", "i", "zg", "g"}
VERBISH = {"v", "vd", "vi", "vg", "vq"}
PUNCT = set("，。；：、！？（）()“”‘’《》【】[]—-/ ,;:")
Tok = tuple[str, str]


@lru_cache(maxsize=4096)
def pos(text: str) -> tuple[Tok, ...]:
    """(word, tag) with the lexicon's corrections: its verbs are verbs (a verbal noun stays 'vn'),
    empty words 'e', scope words 'scope', prepositions 'p', punctuation 'w'."""
    if not text:
        return ()
    init_tokenizer()
    import jieba.posseg as pseg

    lx = lexicon()
    out = []
    for w, tag in pseg.dt.cut(text):
        if w in lx.empty_words:
            tag = "e"
        elif w in lx.verbs and tag != "vn":
            tag = "v"
        elif w in lx.scope_words:
            tag = "scope"
        elif w in lx.prepositions and tag in ("p", "c", "v", "d"):
            tag = "p"
        elif all(c in PUNCT for c in w):
            tag = "w"
        out.append((w, tag))
    return tuple(out)


def text_of(toks) -> str:
    return "".join(w for w, _ in toks)


def is_verb(tok: Tok) -> bool:
    return tok[1] in VERBISH


def trim(toks) -> list[Tok]:
    """Drop empty words, scope words, prepositions, pronouns, numerals and long adverbs or time words
    from the front; particles and conjunctions from the end."""
    lx = lexicon()
    toks = list(toks)
    front = {"e", "scope", "p", "c", "r", "u", "uj", "ul", "uz", "m", "x", "w", "y", "f"}
    while toks and (
        toks[0][1] in front
        or toks[0][0] in lx.trailing_particles
        or (toks[0][1] in ("d", "t") and len(toks[0][0]) >= 2)
    ):
        toks.pop(0)
    back = {"e", "u", "uj", "ul", "x", "w", "c", "p", "y", "m", "r", "scope"}
    while toks and (toks[-1][0] in lx.trailing_particles or toks[-1][1] in back or toks[-1][0] in lx.adverbs):
        if toks[-1][0] in "”）)》" and any(o in text_of(toks) for o in "“（(《"):
            break  # a closing quote of a quoted term stays: 小麦“一喷三防”
        toks.pop()
    return toks


def tail(text: str) -> list[Tok]:
    """The phrase that ends a text (the words before a number), back to a preposition, an empty verb,
    的 or punctuation (、 joins a list and is kept). Nouns right after a preposition are its object
    (在A级景区和乡村旅游重点村新建…), so the phrase then starts at its verb."""
    lx = lexicon()
    toks = list(pos(text))
    while toks and (toks[-1][1] in ("p", "w", "e", "uj") or toks[-1][0] in lx.adverbs or toks[-1][0] in ("为", "是", "达", "约", "共")):
        toks.pop()
    out: list[Tok] = []
    stop = ""
    for w, tag in reversed(toks):
        if tag in ("p", "e") or w in ("的", "之") or (tag == "w" and w != "、"):
            stop = tag
            break
        out.insert(0, (w, tag))
    out = trim(out)
    if stop == "p":
        first_verb = next((k for k, t in enumerate(out) if is_verb(t)), None)
        if first_verb:
            out = out[first_verb:]
    return out


def head_np(text: str) -> list[Tok]:
    """The noun phrase that starts a text (the words after 7个): nouns and their modifiers, a verb
    inside it only when it is not a main verb of the lexicon and nouns follow (历史遗留废弃矿山), a verbal
    noun after a noun only when no verb follows its nouns (行政村 | 生活污水治理); ends on a noun."""
    lx = lexicon()
    toks = list(pos(text))
    skipped = False
    while toks and (
        toks[0][0] in ("的",) or toks[0][1] == "scope" or (toks[0][1] == "m" and toks[0][0].startswith("第"))
        or (skipped and toks[0][1] == "f")
    ):
        skipped = skipped or toks[0][1] == "scope"
        toks = toks[1:]
    out: list[Tok] = []
    if len(toks) >= 2 and toks[0][1] in VERBISH and toks[1][1] in NOUNISH and toks[1][0] in lx.head_nouns:
        toks[0] = (toks[0][0], "n")  # 接种单位, 服务站: a verb before a head noun names the thing
    for i, (w, tag) in enumerate(toks):
        nxt = toks[i + 1][1] if i + 1 < len(toks) else ""
        if tag == "scope":
            continue
        if tag == "vn" and out and w in lx.verbs and w not in lx.modifier_verbs and nxt in NOUNISH:
            break  # 乡镇 | 建设村级光伏电站: a main verb, even when jieba calls it a verbal noun
        if tag == "vn" and out and out[-1][1] in NOUNISH - {"vn"}:
            j = i + 1
            while j < len(toks) and (toks[j][1] in NOUNISH or (toks[j][1] in VERBISH and toks[j][0] not in lx.verbs)):
                j += 1
            if j < len(toks) and toks[j][1] in VERBISH:  # 行政村 | 生活污水治理 (a main verb follows)
                break
        if tag in NOUNISH:
            out.append((w, tag))
            continue
        if tag in ("a", "f", "m", "s") and nxt in NOUNISH and (out or tag in ("a", "s")):
            out.append((w, tag))
            continue
        if tag in VERBISH and out and w not in lx.verbs and (nxt in NOUNISH or nxt in VERBISH):
            out.append((w, tag))
            continue
        break
    while out and out[-1][1] not in NOUNISH - {"q"}:
        out.pop()
    return strip_scope(out)


def strip_scope(toks: list[Tok]) -> list[Tok]:
    """县级以上文物保护单位 -> 文物保护单位: scope words are not part of a name."""
    lx = lexicon()
    toks = list(toks)
    for s in sorted(lx.scope_words, key=len, reverse=True):
        joined = text_of(toks)
        if joined.startswith(s) and len(joined) > len(s):
            cut = 0
            while cut < len(toks) and len(text_of(toks[:cut])) < len(s):
                cut += 1
            if text_of(toks[:cut]) == s:
                toks = toks[cut:]
    return toks


def cut_at_measure(toks: list[Tok]) -> list[Tok]:
    """农村人口饮水安全 -> 农村人口: a phrase ends at the first measure word it reaches."""
    for k in range(1, len(toks) + 1):
        if ends_with_measure(text_of(toks[:k])) and len(text_of(toks[:k])) >= 3:
            return toks[:k]
    return toks


def ends_with_measure(name: str) -> bool:
    return any(name.endswith(m) for m in lexicon().measures)


def main_verb(toks: list[Tok]) -> int | None:
    """Index of the verb a phrase turns on: the last lexicon verb tagged as a verb, or the end of the
    chain of lexicon verbs it starts with (配套建设灌溉渠道 -> 建设), when words follow it."""
    lx = lexicon()
    found = None
    chain = 0
    while chain < len(toks) - 1 and toks[chain][0] in lx.verbs and (chain == 0 or toks[chain][0] not in lx.modifier_verbs):
        chain += 1  # 配套建设灌溉渠道: 建设 is the verb; 发放宣传资料: 宣传 describes 资料
    if chain:
        found = chain - 1
    for k, t in enumerate(toks[:-1]):
        if t[0] in lx.verbs and is_verb(t) and t[0] not in lx.modifier_verbs and (found is None or k > found):
            found = k
    return found


def rearranged(toks: list[Tok]) -> str:
    """Verb + object reads object + verb in a row name (修建作业道 -> 作业道修建); verbs clerks put first
    (新建, 新增, 参加) start the name (土地综合整治新增耕地 -> 新增耕地); phrases joined by 和/及 keep their
    order; words before the verb that are not nouns (配套, 委托第三方) are dropped."""
    lx = lexicon()
    toks = [t for t in toks if t[0] != "、"]
    first_kept = next((i for i, t in enumerate(toks[:-1]) if t[0] in lx.keep_order_verbs and is_verb(t)), None)
    if first_kept is not None:
        return text_of(toks[first_kept:])
    if toks and any(toks[-1][0].startswith(v) and len(toks[-1][0]) > len(v) for v in lx.keep_order_verbs):
        return toks[-1][0]  # 土地综合整治新增耕地 -> 新增耕地
    k = main_verb(toks)
    if k is None or toks[0][0] in lx.keep_order_verbs or toks[k][0] in lx.keep_order_verbs:
        return text_of(toks)
    obj = toks[k + 1 :]
    if len(text_of(obj)) < 2 or obj[-1][1] not in NOUNISH or any(w in ("和", "及", "与") for w, _ in obj):
        return text_of(toks)
    return text_of(obj) + toks[k][0]


def compose(toks: list[Tok], measure: str, reorder: bool = True) -> str:
    """A row name from a phrase and the measure word its unit calls for."""
    text = text_of(t for t in toks if t[0] != "、")
    if not text:
        return ""
    if ends_with_measure(text) or text.endswith(measure):  # 年发电量 + 量
        return text
    return (rearranged(toks) if reorder else text) + measure


def money_word(text: str) -> str:
    """The money word a text ends with (补助, 检定费, 低保金), or ''."""
    lx = lexicon()
    return next((m for m in sorted(lx.money_words, key=len, reverse=True) if text.endswith(m)), "")


def money_core(toks: list[Tok]) -> list[Tok]:
    """The part of a phrase that names money: the word holding the money word and one short modifier
    before it (劳务补助, 管护经费, 补助药剂费; 新生一次性资助 -> 资助)."""
    toks = [t for t in toks if not (t[1] == "d")]
    k = max((i for i, t in enumerate(toks) if money_word(t[0])), default=None)
    if k is None:
        return []
    start = k - 1 if k >= 1 and len(toks[k - 1][0]) <= 2 and toks[k - 1][1] not in ("m", "q", "eng") else k
    return toks[start : k + 1]


def money_phrases(text: str) -> list[tuple[int, list[Tok]]]:
    """(position, phrase) of every run of words that names money in a text: 营养膳食补助, 低保金, 资助."""
    out, run, at, pos_ = [], [], 0, 0
    for w, tag in list(pos(text)) + [("。", "w")]:
        if tag in VERBISH and money_word(w) and not run:
            out.append((pos_, [(w, tag)]))  # 资助家庭经济困难高中生: the verb alone names the money
            pos_ += len(w)
            continue
        if tag in NOUNISH or (tag in VERBISH and money_word(w)):
            if not run:
                at = pos_
            run.append((w, tag))
        else:
            if run and money_word(text_of(run)):
                out.append((at, trim(run)))
            run = []
        pos_ += len(w)
    return out
