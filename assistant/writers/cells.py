"""Cells written as text, never as formulas: a cell a document or a model wrote that starts with = + - @
(`=HYPERLINK(...)`, `=cmd|'/C calc'!A0`) would otherwise be a live formula when the .xlsx is opened."""

from __future__ import annotations

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
