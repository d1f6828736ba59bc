"""Runs as folders: evals/runs/<name>/ holds meta.json, answers/<suite>.jsonl, scores.json and the
reports. Plain-data readers for the app's 评测 page: `list_runs`, `load_scores`, `load_meta`.

scores.json is written with sorted keys and no timestamps, so re-scoring the same answers gives the
same bytes (the committed baseline is checked that way).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..settings import PROJECT_ROOT

RUNS_DIR = PROJECT_ROOT / "evals" / "runs"
_NAME = re.compile(r"^[\w\u4e00-\u9fff][\w.\-\u4e00-\u9fff]*$")


def runs_root(runs_dir: str | Path | None = None) -> Path:
    return Path(runs_dir) if runs_dir else RUNS_DIR


def check_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise InputError(
            f"运行名称「{name}」不合法：只能用字母、数字、汉字、点、横线和下划线，且不能以点开头。"
        )
    return name


def run_dir(name: str, runs_dir: str | Path | None = None, must_exist: bool = True) -> Path:
    path = runs_root(runs_dir) / check_name(name)
    if must_exist and not (path / "meta.json").is_file():
        known = "、".join(r["name"] for r in list_runs(runs_dir)) or "无"
        raise InputError(f"找不到评测运行「{name}」（{path}）。已有的运行：{known}。")
    return path


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def write_json(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(obj), encoding="utf-8")


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"找不到文件「{path}」。") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(
            f"文件「{path}」无法读取（{e.__class__.__name__}）：它可能被改坏了，请重新运行评测。"
        ) from None


def write_answers(run: Path, suite: str, records: list[dict]) -> None:
    """One JSON object per line, sorted by case id."""
    path = run / "answers" / f"{suite}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps(r, ensure_ascii=False, sort_keys=True) for r in sorted(records, key=lambda r: r["id"])
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_answers(run: Path) -> dict[str, dict[str, dict]]:
    """suite -> case id -> saved record, for every answers/<suite>.jsonl of the run."""
    out: dict[str, dict[str, dict]] = {}
    for path in sorted((run / "answers").glob("*.jsonl")):
        recs: dict[str, dict] = {}
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                raise InputError(f"答案文件「{path}」第{n}行不是合法的 JSON：请重新运行评测。") from None
            recs[rec["id"]] = rec
        out[path.stem] = recs
    return out


def load_meta(run: str, runs_dir: str | Path | None = None) -> dict:
    return read_json(run_dir(run, runs_dir) / "meta.json")


def load_scores(run: str, runs_dir: str | Path | None = None) -> dict:
    """The run's scores.json: {"format": 1, "suites": {suite: {score, metrics…, cases: [...]}}}."""
    return read_json(run_dir(run, runs_dir) / "scores.json")


def headline(scores: dict) -> dict[str, float]:
    return {s: v.get("score", 0.0) for s, v in scores.get("suites", {}).items()}


def list_runs(runs_dir: str | Path | None = None) -> list[dict]:
    """Every run folder, oldest first: {name, path, engine, model, created, suites, headline}. A run
    whose files cannot be read is listed with `problem` (Chinese) instead of failing the page."""
    root = runs_root(runs_dir)
    if not root.is_dir():
        return []
    out = []
    for path in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        if not (path / "meta.json").is_file():
            continue
        item: dict[str, Any] = {"name": path.name, "path": str(path)}
        try:
            meta = read_json(path / "meta.json")
            item.update({k: meta.get(k) for k in ("engine", "model", "created", "suites")})
            item["headline"] = headline(read_json(path / "scores.json"))
        except InputError as e:
            item["problem"] = str(e)
        out.append(item)
    return sorted(out, key=lambda r: (r.get("created") or "", r["name"]))
