"""Cells a paste glued to a 分值 (score) column: '20100%' is 分值 20 + 指标值 100%, '1020万元' is 10 + 20万元,
'群众生产生活条件改善状况10显著提升显著提升' is 三级 + 分值 10 + 指标值 显著提升 + 实际值 显著提升.

Only tables whose header has a 分值/权重 column beside the name or the value are touched, and a number
is read as a 分值 only when the same number stands alone as a 分值 elsewhere in the table. A self-
evaluation's 实际值 often repeats the target: a cell that is one text twice is split in two. Pure."""

from __future__ import annotations

import re
from dataclasses import replace

from ..values import normalize_text, parse_value
from .vocab import vocabulary

_INT = re.compile(r"^\d{1,3}$")
_NAME_WEIGHT_VALUE = re.compile(r"^(.*[\u4e00-\u9fff)）])(\d{1,3})(\D.*)$")
_NAME_TWICE = re.compile(r"^(.*[\u4e00-\u9fff)）])(\d{1,3})\2$")
_WEIGHT_VALUE = re.compile(r"^(\d{1,3})([≥≤<>=≧≦]?\d.*|[\u4e00-\u9fff].*)$")


def _doubled(text: str) -> str | None:
    t = text.strip()
    half = len(t) // 2
    if len(t) >= 4 and len(t) % 2 == 0 and t[:half] == t[half:]:
        return t[:half]
    return None


def _is_value(text: str) -> bool:
    v = parse_value(text)
    return v.kind not in ("empty", "placeholder") and not (v.kind == "percentage" and (v.number or 0) > 100)


def unglue(cells: list, roles: list[str]) -> list:
    """Split glued cells of a table whose columns (`roles`, in header order) include a weight, an actual
    value or a description."""
    cells = _split_known_prefix(cells)
    if "description" in roles:
        cells = _split_name_description(cells)
    if not {"weight", "score", "actual"} & set(roles):
        return cells
    weights = {normalize_text(c.text) for c in cells if _INT.match(normalize_text(c.text)) and int(c.text) <= 100}
    if "actual" in roles:  # '2020' standing for target 20 and actual 20
        weights |= {h for c in cells if (h := _doubled(normalize_text(c.text))) and _INT.match(h)}
    weights.discard("0")
    has_actual = "actual" in roles
    out = []
    for i, c in enumerate(cells):
        t = normalize_text(c.text)
        nxt = normalize_text(cells[i + 1].text) if i + 1 < len(cells) else ""
        parts = _split(t, nxt, weights, has_actual)
        if len(parts) == 1:
            out.append(c)
            continue
        out += [replace(c, text=p, brk=0) for p in parts[:-1]] + [replace(c, text=parts[-1])]
    return out


def _split(t: str, nxt: str, weights: set[str], has_actual: bool) -> list[str]:
    twice = _doubled(t) if has_actual else None
    if twice:
        return [twice, twice]
    for k in (1, 2, 3):
        head, rest = t[:k], t[k:]
        if not head.isdigit() or head not in weights or not rest or rest[0] == "0" and rest[1:2].isdigit():
            continue
        if _WEIGHT_VALUE.match(t) and _is_value(rest):
            whole_ok = _is_value(t) and not (nxt and nxt == rest)
            if not whole_ok:  # 20100% is not a rate; 1020万元 followed by 20万元 is 10 + 20万元
                return [head] + _split(rest, nxt, weights, has_actual)
    m = _NAME_TWICE.match(t)
    if m and has_actual and m.group(2) in weights:  # 对经济发展的促进作用1010: name, 10, 10
        return [m.group(1), m.group(2), m.group(2)]
    m = _NAME_WEIGHT_VALUE.match(t)
    if (
        m
        and m.group(2) in weights
        and len(m.group(1)) >= 4
        and not re.match(r"[:：、,，.．(（)）\-—]", m.group(3))  # 指标1:租车次数 is a numbered name
        and not parse_value(m.group(1)).kind == "quantity"
    ):
        rest = m.group(3)
        if _is_value(rest) or _doubled(rest):
            return [m.group(1), m.group(2)] + _split(rest, nxt, weights, has_actual)
    return [t]


def _split_known_prefix(cells: list) -> list:
    """'按临时救助标准评价农村低保救助资金…' where '按临时救助标准评价' stands alone elsewhere in the table:
    a repeated cell (a 依据, a description) glued to the next row's name."""
    known = sorted({normalize_text(c.text) for c in cells if len(normalize_text(c.text)) >= 5}, key=len, reverse=True)
    out = []
    for c in cells:
        t = normalize_text(c.text)
        head = next((k for k in known if len(t) > len(k) + 3 and t.startswith(k)), None)
        if head:
            out += [replace(c, text=head, brk=0), replace(c, text=t[len(head) :])]
        else:
            out.append(c)
    return out


def _split_name_description(cells: list) -> list:
    """'救助覆盖率困难群众基本生活救助是否应救尽救': a 三级 name (ending 率/满意度…, with its unit note) and the
    description run on after it."""
    # the strong endings (率, 满意度, 人数…) first: 按标准 inside a name is not its end
    strong = [w for w in vocabulary().name_ends if w.endswith(("率", "度", "数", "量"))]
    weak = [w for w in vocabulary().name_ends if w not in strong]
    rxs = [
        re.compile(rf"^(.{{2,30}}?(?:{'|'.join(map(re.escape, ends))})(?:[(（][^()（）]{{1,4}}[)）])?)([\u4e00-\u9fff].{{5,}})$")
        for ends in (strong, weak)
        if ends
    ]
    out = []
    for c in cells:
        t = normalize_text(c.text)
        m = next((m for rx in rxs if (m := rx.match(t))), None)
        if m and parse_value(m.group(2)).kind not in ("quantity", "percentage", "money", "date"):
            out += [replace(c, text=m.group(1), brk=0), replace(c, text=m.group(2))]
        else:
            out.append(c)
    return out
