"""第一部分: 总体绩效目标, 分项绩效目标 (named by number or by title) and 工作保障措施, listed or quoted."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..models import Answer
from ..values import chinese_number, normalize_text
from .answers import not_found, passage_answer
from .citations import locate
from .lexicon import lexicon
from .lookup import MIN_COVERAGE
from .passages import part_citation
from .question import Question
from .refs import common_substrings

if TYPE_CHECKING:
    from .offline import OfflineChat


def part_one(chat: OfflineChat, q: Question) -> Answer | None:
    """A question about 第一部分: an item by number, a section listed or searched, a 分项 by title."""
    lex = lexicon()
    n = re.search(r"第\s*([0-9一二三四五六七八九十]+)\s*[条项点个]", q.text)
    if n and q.section in ("工作保障措施", "分项绩效目标"):  # 保障措施第三条, 分项目标第2项
        k = int(n.group(1)) if n.group(1).isdigit() else int(chinese_number(n.group(1)) or 0)
        if q.section == "分项绩效目标":
            area = next((a for a in chat.doc.goal_areas if a.number == k), None)
            return area_answer(chat, area) if area else not_found(f"分项绩效目标没有第{k}项。")
        items = [p for p in chat.passages if p.section == "工作保障措施" and p.item == k]
        if not items:
            return not_found(f"工作保障措施没有第{k}条。")
        return Answer(question="", text=f"工作保障措施第{k}条：" + "".join(p.text for p in items), citations=[p.citation for p in items])
    if q.section == "总体绩效目标" and q.terms:  # 总体目标里关于城乡规划的职责: that section only
        scored = [s for s in chat.matcher.score(q, q.terms, {("s", "总体绩效目标")}, set()) if s.passage.section == "总体绩效目标"]
        good = [s for s in scored if s.coverage >= MIN_COVERAGE]
        return passage_answer(chat.doc, good[:1], q) if good else None
    if q.section == "分项绩效目标" and not q.terms and chat.doc.goal_areas:
        areas = chat.doc.goal_areas
        text = f"部门共有 {len(areas)} 项分项绩效目标：" + "；".join(f"{a.number}、{a.title}" for a in areas) + "。"
        cites = [part_citation(chat.doc, "分项绩效目标", a.goal or a.title, a.number) for a in areas]
        return Answer(question="", text=text, citations=[c for c in (locate(chat.doc, c) for c in cites) if c])
    if q.section == "工作保障措施" and not q.terms and chat.doc.safeguards:
        heads = [p for p in chat.passages if p.section == "工作保障措施" and p.text == p.heading]
        items = heads or [p for p in chat.passages if p.section == "工作保障措施"]
        text = f"工作保障措施共 {len(items)} 条：" + "".join(p.text for p in items)
        return Answer(question="", text=text, citations=[p.citation for p in items])
    if q.section == "总体绩效目标" and not q.terms and chat.doc.overall_goal:
        items = [p for p in chat.passages if p.section == "总体绩效目标"]
        return Answer(question="", text="总体绩效目标：" + "".join(p.text for p in items), citations=[p.citation for p in items])
    area = find_area(chat, q)
    if area is not None and (q.field == "绩效目标" or not q.terms or lex.has(q.rest, "list")):
        return area_answer(chat, area)
    return None

def find_area(chat: OfflineChat, q: Question):
    """The 分项绩效目标 a question names by its title (矿山管理那一项 -> 依法加强矿山管理)."""
    best, found = 0, None
    for a in chat.doc.goal_areas:
        n = len("".join(title_words(chat, a, q.text)))
        if n > best:
            best, found = n, a
    pointed = q.section == "分项绩效目标" or q.department or re.search(r"那一项|这一项|哪一项|分项", q.text)
    return found if best >= 3 or (best >= 2 and pointed) else None

def title_words(chat: OfflineChat, a, text: str | None = None) -> list[str]:
    title = normalize_text(a.title)
    if text is None:
        return [t for t in chat.matcher.variants(title)] + [title[i : i + 2] for i in range(len(title) - 1)] + [title[i : i + 3] for i in range(len(title) - 2)] + [title[i : i + 4] for i in range(len(title) - 3)]
    return [text[s:b] for s, b in common_substrings(text, title) if text[s:b] not in chat.index.noise]

def area_answer(chat: OfflineChat, a) -> Answer:
    text = f"分项绩效目标第{a.number}项“{a.title}”：绩效目标为“{a.goal}”"
    if a.indicators_text:
        text += f"；绩效指标为“{a.indicators_text}”"
    cites = [part_citation(chat.doc, "分项绩效目标", s, a.number) for s in (a.goal, a.indicators_text) if s]
    return Answer(question="", text=text + "。", citations=cites)
