"""Text pasted from a web page with one cell per line (no tabs, no pipes)."""

from __future__ import annotations

from ..models import SourceLocation
from .layout import Block


def cell_per_line_blocks(text: str) -> list[Block]:
    """Placeholder shape: every line a paragraph. Replaced by the full reader below."""
    return [Block(cells=[line], is_row=False, loc=SourceLocation(line=n)) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
