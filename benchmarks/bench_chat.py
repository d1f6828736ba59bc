"""Chat latency, offline, over every question of the QA suite (evals/cases/qa_*.yaml): time to open a
document for chat (passages, references), and time per answer (follow-ups asked with their history).

    .venv/bin/python benchmarks/bench_chat.py [--out benchmarks/results/chat.md]

Measured in one run on a fresh data directory: the first pass pays for embedding the passages the hybrid
fallback ranks (cold cache); the second pass is what a user sees once they are cached (warm). The target is
an answer p95 under 1 s; the ratios between rows are what to compare across machines.
"""

from __future__ import annotations

import argparse
import glob
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
os.environ.setdefault("JIXIAO_DATA_DIR", tempfile.mkdtemp(prefix="bench_chat_"))

from assistant.chat import OfflineChat  # noqa: E402
from assistant.evals.cases import resolve  # noqa: E402
from assistant.evals.qa import load_qa_suite  # noqa: E402
from assistant.readers import read_document  # noqa: E402


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def run_pass(suites, docs) -> tuple[list[float], list[float]]:
    """(ms to open each document for chat, ms per answer)."""
    opens, answers = [], []
    for suite in suites:
        t0 = time.perf_counter()
        chat = OfflineChat(docs[suite.document])
        opens.append((time.perf_counter() - t0) * 1000)
        for case in suite.cases:
            history: list = []
            for q in case.history:
                history.append(chat.ask(q, history))
            t0 = time.perf_counter()
            chat.ask(case.question, history)
            answers.append((time.perf_counter() - t0) * 1000)
    return opens, answers


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "benchmarks/results/chat.md"))
    args = ap.parse_args()
    os.chdir(ROOT)
    suites = [load_qa_suite(p) for p in sorted(glob.glob(str(ROOT / "evals/cases/qa_*.yaml")))]
    docs = {s.document: read_document(resolve(s.document, ROOT)) for s in suites}
    rows = []
    for label in ("首轮（冷缓存）", "热缓存"):
        opens, answers = run_pass(suites, docs)
        rows.append((label, opens, answers))
    base = statistics.median(rows[1][2])
    lines = [
        f"# 问答延迟（离线）\n\n{date.today()}，{platform.machine()}，{os.cpu_count()} 核，负载 {os.getloadavg()[0]:.1f}。",
        f"命令：`.venv/bin/python benchmarks/bench_chat.py`（{len(docs)} 份文档、{len(rows[0][2])} 个问题）\n",
        "| 步骤 | 次数 | p50 (ms) | p95 (ms) | 最大 (ms) | p50 / 热缓存回答 p50 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, opens, answers in rows:
        for what, t in ((f"打开文档（{label}）", opens), (f"回答（{label}）", answers)):
            lines.append(f"| {what} | {len(t)} | {statistics.median(t):.1f} | {pct(t, 0.95):.1f} | {max(t):.1f} | {statistics.median(t) / base:.2f} |")
    text = "\n".join(lines) + "\n"
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
