"""Chinese names of eval metrics, from metric_labels.yaml: `metric_label("by_category.vague_value.f1")`
gives ("问题类别「指标值模糊、不可衡量」· 综合分", its one-line explanation)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..models import CATEGORY_LABELS
from ..yamlfile import read_yaml

LABELS_FILE = Path(__file__).resolve().parent / "metric_labels.yaml"


@lru_cache(maxsize=1)
def _labels() -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    data = read_yaml(LABELS_FILE, "评测指标名称文件") or {}
    return data.get("metrics", {}), data.get("groups", {})


def metric_label(name: str) -> tuple[str, str]:
    """(Chinese name, explanation) of a flat metric name; unknown parts are kept as they are."""
    metrics, groups = _labels()
    parts = name.split(".")
    last = metrics.get(parts[-1], {"name": parts[-1], "help": ""})
    if len(parts) == 1:
        return last["name"], last["help"]
    group, middle = parts[0], ".".join(parts[1:-1])
    if group == "labelled":  # labelled.review_wild[.by_document.<page>].must_recall
        where = f"「{parts[1]}.yaml」" + (f"「{parts[3]}.txt」" if len(parts) > 4 and parts[2] == "by_document" else "")
        return f"{groups.get(group, group)}{where}· {last['name']}", last["help"]
    if group == "by_category":
        middle = CATEGORY_LABELS.get(middle, middle)
    elif group == "by_document":
        middle = f"{middle}.yaml"  # a case file under evals/cases/
    return f"{groups.get(group, group)}「{middle}」· {last['name']}", last["help"]
