"""The table vocabulary (labels.yaml) and the matchers every reader uses: which field a label cell
names, which column a header cell is, whether a cell is a 一级/二级 name, what kind of table a title
announces, and which lines are web-page furniture."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ..values import normalize_text
from ..yamlfile import read_yaml

LABELS_FILE = Path(__file__).resolve().parent / "labels.yaml"

# Markers and notes that are not part of a label: (必填), ★, *, a trailing colon, a unit note ((万元),
# (元), (%), (B/A)), a score note ((70分), (0-20)分, 10分).
_MARKS = re.compile(r"[（(]\s*必填\s*[)）]|[★☆*＊]")
_UNIT_NOTE = re.compile(r"[（(](万元|元|%|单位:?万元|单位:?元|[A-Z](?:/[A-Z])?)[)）]")
_SCORE_NOTE = re.compile(r"[（(][\d\-—～~]+分?[)）]分?|[（(]?\d{1,3}分[)）]?$")
_PAREN = re.compile(r"[（(][^()（）]*[)）]")
_LEVEL_SUFFIX = re.compile(r"(指标|目标)?等?$")
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]{1,2}[、.]|\d{1,2}[、.．]|[(（]\d{1,2}[)）])")


class Vocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fields: dict[str, list[str]]
    amount_columns: dict[str, list[str]]
    columns: dict[str, list[str]]
    operator_priority: list[str]
    header_lead: list[str]
    grade_names: list[str]
    level1: dict[str, list[str]]
    level2: dict[str, list[str]]
    kinds: dict[str, list[str]]
    table_end: list[str]
    list_columns: list[str]
    description_starts: list[str]
    name_ends: list[str]
    value_starts: list[str]
    page_noise: dict[str, list[str]] = Field(default_factory=dict)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return Vocabulary.model_validate(read_yaml(LABELS_FILE, "栏目词表"))


@lru_cache(maxsize=65536)
def compact(text: str) -> str:
    """A cell as a label: no whitespace, widths folded, no markers, unit or score notes, trailing colon."""
    t = normalize_text(text or "")
    t = _MARKS.sub("", t)
    t = _UNIT_NOTE.sub("", t)
    t = _SCORE_NOTE.sub("", t)
    return t.rstrip(":：")


def unit_note(text: str) -> str | None:
    """'元' or '万元' when a label carries its amount unit: 项目资金(元), 资金情况（万元）."""
    m = _UNIT_NOTE.search(normalize_text(text or ""))
    if m and m.group(1) in ("元", "万元", "单位:元", "单位元", "单位:万元", "单位万元"):
        return "万元" if "万" in m.group(1) else "元"
    return None


@lru_cache(maxsize=1)
def _field_index() -> list[tuple[str, str]]:
    """(compact label, key), longest label first so 其中:财政拨款 wins over 财政拨款."""
    pairs = [(compact(label), key) for key, labels in vocabulary().fields.items() for label in labels]
    return sorted(pairs, key=lambda p: -len(p[0]))


@dataclass(frozen=True)
class FieldMatch:
    key: str
    label: str  # the label as written
    value: str = ""  # a value written in the same cell after the label ('项目名称：某项目')
    unit: str | None = None  # 元/万元 when the label says so


@lru_cache(maxsize=65536)
def field_of(cell: str) -> FieldMatch | None:
    """The field a label cell names ('项目名称', '年度资金总额:', '其中：财政拨款（万元）'), with a value
    written in the same cell after a colon ('预算数：6.00'); None when the cell is not a label."""
    raw = (cell or "").strip()
    c = compact(raw)
    if not c or len(c) > 40:
        return None
    for label, key in _field_index():
        if c == label:
            return FieldMatch(key, raw, "", unit_note(raw))
    # 'label：value' in one cell, or 'label value' when a paste joined two cells with a space
    for rx in (r"^(.{2,20}?)\s*[:：]\s*(\S.*)$", r"^(\S{2,20}?)\s+(\S.*)$"):
        m = re.match(rx, raw, re.S)
        if m:
            head = compact(m.group(1))
            for label, key in _field_index():
                if head == label:
                    return FieldMatch(key, m.group(1), m.group(2).strip(), unit_note(m.group(1)))
    return None


@lru_cache(maxsize=1)
def _column_index() -> list[tuple[str, str]]:
    pairs = [(compact(w), role) for role, words in vocabulary().columns.items() for w in words]
    return sorted(pairs, key=lambda p: -len(p[0]))


@lru_cache(maxsize=65536)
def column_of(cell: str) -> str | None:
    """The column role of an indicator-header cell ('三级指标' -> level3, '全年实际值' -> actual)."""
    c = compact(cell)
    if not c or len(c) > 24:
        return None
    c = re.sub(r"^(年度|实施期|中期)(?=(?:一级|二级|三级))", "", c)
    for word, role in _column_index():
        if c == word:
            return role
    return None


_ROLE_NAMES = {"subunit": "分单位指标值", "grade": "评价档次", "nature": "指标性质", "mid_level3": "中期三级指标",
               "mid_value": "中期指标值", "": "未识别的列"}


def field_name(key: str | None) -> str:
    """A field's display name: the first label labels.yaml lists for it (budget -> 预算数)."""
    labels = vocabulary().fields.get(key or "", [])
    return labels[0] if labels else (key or "")


def column_name(role: str) -> str:
    """A column role's display name (level3 -> 三级指标)."""
    words = vocabulary().columns.get(role) or vocabulary().amount_columns.get(role)
    return words[0] if words else _ROLE_NAMES.get(role, role)


def is_header_lead(cell: str) -> bool:
    return compact(cell) in {compact(w) for w in vocabulary().header_lead}


def _core(name: str) -> str:
    """A category cell reduced to its core word: ★★★产出指标(50分) -> 产出, 数量指标(或建筑规模指标) -> 数量."""
    c = compact(name)
    c = _PAREN.sub("", c)
    return _LEVEL_SUFFIX.sub("", c)


@lru_cache(maxsize=2)
def _level_index(level: int) -> dict[str, str]:
    table = vocabulary().level1 if level == 1 else vocabulary().level2
    return {compact(core): canonical for canonical, cores in table.items() for core in cores}


@lru_cache(maxsize=65536)
def level1_of(cell: str) -> str:
    """The canonical 一级 name a cell spells (产出指标 / 效益指标 / 满意度指标 / 成本指标), or ''."""
    c = compact(cell)
    if not c or len(c) > 24 or not (c.endswith(("指标", "目标", "等")) or _core(cell) in _level_index(1)):
        return ""
    return _level_index(1).get(_core(cell), "")


@lru_cache(maxsize=65536)
def level2_of(cell: str) -> str:
    """The canonical 二级 name a cell spells (数量指标 … 服务对象满意度指标), or ''."""
    c = compact(cell)
    if not c or len(c) > 30:
        return ""
    return _level_index(2).get(_core(cell), "")


def kind_of(text: str) -> str | None:
    """The document kind a title or header line announces, or None."""
    c = normalize_text(text or "")
    for kind, words in vocabulary().kinds.items():
        if any(w in c for w in words):
            return kind
    return None


def is_list_column(cell: str) -> bool:
    """A column header of a list of projects (序号 | 项目名称 | 金额 | 备注), not a field value."""
    return compact(cell) in {compact(w) for w in vocabulary().list_columns}


_LEADING_NUMBER = re.compile(r"^(?:附件\s*\d*\s*[:：]?|[(（]?[一二三四五六七八九十\d]{1,3}[)）、.．]\s*)+")
_LEADING_YEAR = re.compile(r"^(?:(?:19|20)\d{2}\s*(?:年度|年)?)")
_LEADING_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,4}?(?:县|市|区|旗)(?![市县区场])(?=[\u4e00-\u9fff]{4,})")


def name_from_title(text: str) -> str | None:
    """The project a table's title names, for a table with no 项目名称 cell:
    '1、某某专项资金绩效目标表' -> 某某专项资金, '关于某某项目绩效目标设定的公示' -> 某某项目,
    '2019年度某县高中助学金项目绩效评价指标表' -> 高中助学金项目. None when nothing name-like is left."""
    t = normalize_text(text)
    words = [normalize_text(w) for ws in vocabulary().kinds.values() for w in ws] + ["绩效目标", "绩效自评", "绩效评价"]
    cut = min((t.find(w) for w in words if w in t), default=-1)
    if cut <= 0:
        return None
    t = _LEADING_NUMBER.sub("", t[:cut])
    if re.search(r"(?:局|委员会|委|院|中心|办公室|政府|部门)(?:19|20)\d{2}年", t):
        return None  # 某某局2025年项目绩效目标: a department's list, not one project
    t = re.sub(r"^关于", "", t)
    t = _LEADING_YEAR.sub("", t)
    t = _LEADING_PLACE.sub("", t)
    t = re.sub(r"(?:项目支出|的)$", "", t)
    if not (4 <= len(t) <= 60) or len(re.sub(r"预算|项目|部门|支出|单位|年度|专项|资金|经费", "", t)) < 2:
        return None  # 预算项目, 部门项目支出: no name in the title
    return t


def is_table_end(cell: str) -> bool:
    """总分, 合计, 填报人：…, '......总分100100': a word after which the indicator rows are over."""
    c = compact(cell).lstrip(".…·。-—_")
    return any(c == w or (c.startswith(w) and not re.match(r"[\u4e00-\u9fff]", c[len(w)])) for w in vocabulary().table_end)


@lru_cache(maxsize=1)
def _noise() -> tuple[tuple[str, ...], frozenset[str]]:
    n = vocabulary().page_noise
    return tuple(normalize_text(s) for s in n.get("starts", [])), frozenset(normalize_text(s) for s in n.get("exact", []))


def is_page_noise(line: str) -> bool:
    """Web-page furniture around a pasted table: 索引号…, 浏览量, 扫一扫…, 下载 打印 关闭."""
    t = normalize_text(line or "").strip("|-—· ")
    if not t:
        return True
    starts, exact = _noise()
    return t in exact or t.startswith(starts)


def is_numbered_heading(text: str) -> bool:
    return bool(_NUMBERED.match(normalize_text(text or "")))
