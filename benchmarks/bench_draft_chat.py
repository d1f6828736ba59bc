"""Drafting and chat latency, offline: draft p50/p95 over the 17 leave-one-out cases and the 65 sector
cases (description grammar, sector sense and library rows; precedents from the seed), and answer p50/p95
over the QA suite's questions. Target: offline draft p95 under 2 s once warm.

    .venv/bin/python benchmarks/bench_draft_chat.py [--out benchmarks/results/draft_chat.md]

Measured in one run on a fresh data directory: the first pass pays for embedding the precedents
(cold cache); the second pass is what a user sees once the corpus is embedded (warm). Ratios
between the rows are what to compare across machines; absolute numbers depend on the load.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("JIXIAO_DATA_DIR", tempfile.mkdtemp(prefix="bench_draft_"))

from assistant.chat import OfflineChat  # noqa: E402
from assistant.draft import MemoryPrecedents, OfflineDrafter  # noqa: E402
from assistant.evals.drafts import load_draft_suite  # noqa: E402
from assistant.evals.qa import load_qa_suite  # noqa: E402
from assistant.readers import read_document  # noqa: E402


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def draft_times(doc) -> list[float]:
    cases = [c for c in load_draft_suite(ROOT / "evals/cases/drafts_seed.yaml").cases if c.reference]
    cases += load_draft_suite(ROOT / "evals/cases/drafts_sectors.yaml").cases
    out = []
    for c in cases:
        t0 = time.perf_counter()
        src = MemoryPrecedents([doc], exclude=(lambda p, n=c.name: p.name == n) if c.reference else None)
        OfflineDrafter(src).draft(c.request())
        out.append((time.perf_counter() - t0) * 1000)
    return out


def chat_times(doc) -> list[float]:
    suite = load_qa_suite(ROOT / "evals/cases/qa_seed.yaml")
    out = []
    for c in suite.cases:
        t0 = time.perf_counter()
        OfflineChat(doc).ask(c.question)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "benchmarks/results/draft_chat.md"))
    args = ap.parse_args()
    doc = read_document(ROOT / "corpus/卢龙县自然资源和规划局2024年部门预算绩效文本（草案）.txt")
    rows = []
    for label, fn in (("起草（冷缓存）", draft_times), ("起草（热缓存）", draft_times), ("问答（首轮）", chat_times), ("问答（热）", chat_times)):
        t = fn(doc)
        rows.append((label, len(t), statistics.median(t), pct(t, 0.95)))
    base = rows[1][2]
    lines = [
        f"# 起草与问答延迟（离线）\n\n{date.today()}，{platform.machine()}，{os.cpu_count()} 核，负载 {os.getloadavg()[0]:.1f}。",
        "命令：`.venv/bin/python benchmarks/bench_draft_chat.py`\n",
        "| 步骤 | 次数 | p50 (ms) | p95 (ms) | p50 / 起草热缓存 p50 |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [f"| {label} | {n} | {p50:.1f} | {p95:.1f} | {p50 / base:.2f} |" for label, n, p50, p95 in rows]
    text = "\n".join(lines) + "\n"
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
