"""The drafting templates (assistant/data/draft_templates.yaml): generic rows for slots nothing else
fills, the total-cost row, and the purpose words that call for 生态/经济效益 rows."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..yamlfile import read_yaml

TEMPLATES = Path(__file__).resolve().parent.parent / "data" / "draft_templates.yaml"


@lru_cache(maxsize=1)
def templates() -> dict:
    return read_yaml(TEMPLATES, "起草模板文件")
