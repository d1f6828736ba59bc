"""Budget-system exports in list form: one indicator per row, the project's own cells (项目名称, 项目编码,
年度资金(元) …) repeated or merged down beside the indicator columns:

    项目名称 | 项目编码 | 年度资金(元) | 一级指标 | 二级指标 | 三级指标 | 指标方向 | 指标值 | 计量单位
    某项目   | 3305…    | 680000       | 产出指标 | 数量指标 | …        | =        | 16     | 家
             |          |              | 产出指标 | 质量指标 | …

Such rows are rewritten as the blocks of one table per project (label rows, then an indicator header and
its rows), so the one layout reader reads them like any other table. A merged cell reads as empty below
its first row; an empty or repeated project cell continues the project. Pure."""

from __future__ import annotations

from dataclasses import replace

from .layout import Block
from .table import header_role
from .vocab import field_of

_PROJECT_KEYS = ("name", "code", "unit", "budget", "mid_budget", "fiscal", "other", "purpose", "goal", "department",
                 "implementer")


def _columns(cells: list[str]) -> tuple[dict[int, str], dict[int, str]] | None:
    """(project field columns, indicator columns) of a list-form header row, or None."""
    fields, indicators = {}, {}
    for i, c in enumerate(cells):
        if not c.strip():
            continue
        f = field_of(c)
        role = header_role(c)
        if f is not None and f.key in _PROJECT_KEYS and not f.value and role is None:
            fields[i] = c
        elif role is not None:
            indicators[i] = c
    filled = [c for c in cells if c.strip()]
    if len(fields) + len(indicators) < len(filled):
        return None  # a header row holds only column names
    roles = {header_role(c) for c in indicators.values()}
    if "name" in {field_of(c).key for c in fields.values()} and "level3" in roles and roles & {"value", "actual"}:
        return fields, indicators
    return None


def expand_list_form(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    cols: tuple[dict[int, str], dict[int, str]] | None = None
    current: dict[int, str] = {}
    for b in blocks:
        if b.is_row and not b.warning:
            found = _columns(b.cells)
            if found is not None:
                cols, current = found, {}
                continue
        if cols is None or not b.is_row:
            cols = None if not b.is_row else cols
            out.append(b)
            continue
        fields, indicators = cols
        own = {i: b.cells[i].strip() for i in fields if i < len(b.cells) and b.cells[i].strip()}
        name_col = next(i for i, c in fields.items() if field_of(c).key == "name")
        new_name = own.get(name_col)
        if new_name and new_name != current.get(name_col):
            current = dict(own)
            for i, label in fields.items():
                if current.get(i):
                    out.append(replace(b, cells=[label, current[i]], brk=b.brk))
            out.append(replace(b, cells=[indicators[i] for i in sorted(indicators)]))
        row = [b.cells[i] if i < len(b.cells) else "" for i in sorted(indicators)]
        if any(c.strip() for c in row):
            out.append(replace(b, cells=row))
    return out
