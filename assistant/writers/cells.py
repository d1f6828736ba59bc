"""What document text may hold that an Office file must not: a cell starting with = + - @
(`=HYPERLINK(...)`, `=cmd|'/C calc'!A0`) is written as text, never as a live formula; control
characters, which XML cannot carry (a Document loaded from JSON may still hold them), are dropped."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # the C0 controls XML 1.0 cannot hold


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def xml_safe(model: M) -> M:
    """A copy of a Document (or any model) without the control characters XML cannot hold; the model
    itself when it has none."""
    data = model.model_dump()
    cleaned = _clean(data)
    return model if cleaned == data else type(model).model_validate(cleaned)


FORMULA_START = ("=", "+", "-", "@")


def as_text(cell) -> None:
    """Mark one openpyxl cell holding such a string as text: a string cell, quote-prefixed so Excel keeps
    it text when the cell is edited too."""
    value = cell.value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def harden(workbook) -> None:
    """Every cell of every sheet: as_text. Call just before saving a workbook built from document text."""
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                as_text(cell)
