"""Relations between a description's numbers: parts of a total (8万亩，其中新造林3万亩…), totals a per-unit
number implies (每村一套 × 二十个行政村 = 20套), and telling apart rows that would share a name
(首次认定的…每家10万元 / 重新认定的…每家5万元)."""

from __future__ import annotations

import re

from ..categories import QUANTITY
from ..values import format_number
from .naming import head_np, is_verb, money_word, pos, text_of
from .numbers import lexicon
from .reading import Quantity, Reading
from .textspans import Spans


def base_unit(unit: str) -> str:
    return unit[1:] if unit.startswith("万") and unit != "万元" else unit


def unit_group(unit: str) -> str:
    return lexicon().unit_group.get(base_unit(unit), "count")


def link_parts(r: Reading, tx: Spans) -> None:
    """Numbers after 其中 are parts of the last number before it with the same unit."""
    qs = r.quantities
    for hit in re.finditer("其中", r.text):
        sa, sb = tx.sentence(hit.start())
        nxt = r.text.find("其中", hit.end())
        end = min(sb, nxt) if nxt >= 0 else sb
        before = [k for k, q in enumerate(qs) if q.kind == "count" and sa <= q.start < hit.start()]
        for q in qs:
            if q.kind != "count" or not hit.end() <= q.start < end:
                continue
            total = next((j for j in reversed(before) if base_unit(qs[j].unit) == base_unit(q.unit)), None)
            if total is not None:
                q.parent, qs[total].role, q.role = total, "total", "part"
                _name_part(q, qs[total])


def _name_part(q: Quantity, total: Quantity) -> None:
    """A part written with a bare verb or noun is named from its total: 新建5座 -> 新建旅游厕所数量;
    小麦10万亩 -> 小麦防控面积; 三级系统4个 (same head as 重要信息系统) -> 三级系统数量."""
    toks = list(pos(q.words))
    measure = lexicon().measure(unit_group(q.unit))
    if not toks:
        return
    if all(is_verb(t) for t in toks) and total.obj:
        q.name, q.obj = f"{q.words}{total.obj}{measure}", total.obj
    elif not any(is_verb(t) for t in toks):
        shared = total.obj and q.words[-2:] == total.obj[-2:]
        q.name = f"{q.words}{measure}" if shared else f"{q.words}{total.name}"


def derive_totals(r: Reading, tx: Spans) -> None:
    """A per-unit number times the number it applies to: 每村一套 × 二十个行政村 -> 20套; 1760株/栋 × 10栋
    -> 17600株 (unless the description already gives that total)."""
    lx = lexicon()
    qs = r.quantities
    for s in list(qs):
        if s.kind != "count" or not s.per or s.per[0] in lx.per_year or s.per[0] == "日" or s.number is None:
            continue
        per = s.per[0]
        base = next((q for q in qs if q is not s and q.kind == "count" and not q.per
                     and (base_unit(q.unit) == per or q.obj.endswith(per))), None)
        if base is None or base.amount is None:
            continue
        total = s.number * base.amount
        if any(q.kind == "count" and base_unit(q.unit) == base_unit(s.unit) and q.amount == total for q in qs):
            continue
        obj, verb = _object_and_verb(tx, s.start)
        group = unit_group(s.unit)
        measure = f"{s.unit}数" if group == "count" else lx.measure(group)
        name = (f"{verb}{obj}{measure}" if verb in lx.keep_order_verbs else f"{obj}{verb}{measure}") if obj else f"{base.obj}{measure}"
        sym = s.value[0] if s.value[:1] in "≥≤" else ""
        qs.append(Quantity(
            name, QUANTITY, f"{sym}{format_number(total)}{s.unit}", "derived", f"{base.source}×{s.source}", total, s.unit,
            amount=total, role="derived", obj=obj, start=s.start, note=f"按{base.name}{base.value}×{s.value}测算",
        ))


def _object_and_verb(tx: Spans, at: int) -> tuple[str, str]:
    """The object of a sentence and its verb (为二十个行政村更新全民健身路径器材 -> 全民健身路径器材, 更新)."""
    sa, sb = tx.sentence(at)
    toks = list(pos(tx.plain(sa, sb)))
    lx = lexicon()
    for k in range(len(toks) - 1, -1, -1):
        w, tag = toks[k]
        if is_verb((w, tag)) and w in lx.verbs:
            np = head_np(text_of(toks[k + 1 :]))
            if np:
                return text_of(np), w
    return "", ""


def disambiguate(r: Reading, tx: Spans) -> None:
    """Rows that would share a name get the words that tell them apart: the label written before 的
    in their clause (首次认定的…每家奖励10万元 / 重新认定的…每家奖励5万元 -> 首次认定奖励标准, 重新认定奖励标准;
    their 预计8家 / 预计4家 -> 首次认定企业数量, 重新认定企业数量)."""
    by_money: dict[str, list[Quantity]] = {}
    for q in r.quantities:
        if q.kind == "standard":
            by_money.setdefault(money_word(q.money) or q.money, []).append(q)
    measure_of = lambda c: lexicon().measure(unit_group(c.unit))  # noqa: E731
    for money, same in by_money.items():
        labels = [_label(tx, q) for q in same]
        if len(same) < 2 or not all(labels) or len(set(labels)) < len(labels):
            continue
        counts = [[c for c in r.quantities if c.kind == "count" and not c.words and c.unit == (q.per or [""])[0]
                   and tx.sentence(c.start) == tx.sentence(q.start)] for q in same]
        heads = [c.obj.removesuffix(money) for cs in counts for c in cs if c.obj.removesuffix(money)]
        for q, label, cs in zip(same, labels, counts):
            q.name, q.money = f"{label}{money}标准", f"{label}{money}"
            for c in cs:  # 预计8家 / 预计4家 -> 首次认定高新技术企业数量 / 重新认定高新技术企业数量
                c.name = f"{label}{heads[0] if heads else ''}{measure_of(c)}"
    seen: dict[str, list[Quantity]] = {}
    for q in r.quantities:
        seen.setdefault(q.name, []).append(q)
    for name, same in seen.items():
        if len(same) < 2:
            continue
        for q in same:
            label = _label(tx, q)
            if label and not name.startswith(label):
                q.name = label + name
                if q.kind == "standard":
                    q.money = label + q.money


def _label(tx: Spans, q: Quantity) -> str:
    """首次认定 in 对首次认定的高新技术企业每家奖励10万元: the words before 的 in the number's clause,
    else in the clause before it."""
    ca, cb = tx.clause(q.start)
    spans = [(ca, q.start)] + list(tx.earlier_clauses(q.start))
    for a, b in spans:
        text = tx.plain(a, b)
        if "的" in text:
            toks = list(pos(text[: text.rfind("的")]))
            while toks and toks[0][1] in ("p", "scope", "e", "w"):
                toks.pop(0)
            if toks:
                return text_of(toks)
    return ""
