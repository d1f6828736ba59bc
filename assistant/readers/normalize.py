"""Text as it comes from web pages, normalised before reading: control and zero-width characters
removed, the pinyin some mirror sites put after each character dropped (預(yù)算 -> 預算), and a
Traditional-Chinese page converted to Simplified (opencc), so one vocabulary reads them all."""

from __future__ import annotations

import re
from functools import lru_cache

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\u2060\ufeff]")
_TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# a Han character followed by its pinyin in brackets: 預(yù), 績（jì）
_PINYIN = re.compile(rf"(?<=[\u4e00-\u9fff])[(（]\s*[a-z{_TONE}]{{1,7}}\s*[)）]")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def clean_control(text: str) -> str:
    return _CONTROL.sub("", text or "")


def strip_pinyin(text: str) -> str:
    """Drop pinyin annotations; only when they are frequent (a mirror site's habit), never a lone
    bracket after a character that happens to hold Latin letters."""
    if len(_PINYIN.findall(text)) < 3:
        return text
    return _PINYIN.sub("", text)


def to_simplified(text: str, force: bool = False) -> tuple[str, bool]:
    """(text in Simplified Chinese, whether it was Traditional). A page counts as Traditional when
    conversion changes at least 3% of its Han characters (and 5 in all); `force` converts any text."""
    han = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    if not han:
        return text, False
    converted = _t2s().convert(text)
    if force:
        return converted, converted != text
    changed = sum(1 for a, b in zip(text, converted) if a != b)
    if changed >= 5 and changed >= 0.03 * han:
        return converted, True
    return text, False


def normalize_page(text: str) -> tuple[str, list[str]]:
    """The text ready to read, and notes (Chinese) on what was changed."""
    notes = []
    t = clean_control(text)
    stripped = strip_pinyin(t)
    if stripped != t:
        notes.append("原文每个字后附有拼音，已去掉拼音再读取。")
    t, traditional = to_simplified(stripped)
    if traditional:
        notes.append("原文为繁体字，已转换为简体字读取；项目名称等按简体显示。")
    return t, notes
