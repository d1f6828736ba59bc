"""Parse time per page: the real pages in ../shared/wild/ and the seed in its formats, median and p95,
for this checkout and (optionally) an earlier commit measured in the same run.

    .venv/bin/python benchmarks/bench_parse_pages.py [--repeat 5] [--baseline <commit>]

With --baseline the earlier commit is checked out into a temporary git worktree and the same timing runs
there in a subprocess (same machine, same minute), so the ratio is fair on a noisy shared machine. A page
the earlier reader refused is timed until it refused (that is what a user waited). Results go to
benchmarks/results/parse_pages.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT.parent / "shared" / "wild"
SEED = next((ROOT / "corpus").glob("*.txt"))


def pages() -> list[Path]:
    return sorted(WILD.glob("*.txt")) + [SEED]


def time_pages(repeat: int) -> dict[str, float]:
    """Median seconds per page for the reader importable from sys.path."""
    from assistant.errors import AssistantError
    from assistant.readers import read_bytes

    out = {}
    for path in pages():
        data = path.read_bytes()
        times = []
        for _ in range(repeat + 1):
            t0 = time.perf_counter()
            try:
                read_bytes(data, path.name)
            except AssistantError:
                pass
            times.append(time.perf_counter() - t0)
        out[path.name] = statistics.median(times[1:])  # the first run pays for imports
    return out


def _p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]


def baseline_times(ref: str, repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        wt = Path(tmp) / "base"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(wt), ref], check=True,
                       capture_output=True)
        try:
            code = (
                f"import sys, json; sys.path.insert(0, {str(wt)!r}); sys.path.insert(1, {str(ROOT / 'benchmarks')!r});"
                f"import bench_parse_pages as b; print(json.dumps(b.time_pages({repeat})))"
            )
            res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=wt)
            return json.loads(res.stdout.strip().splitlines()[-1])
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(wt)], capture_output=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--baseline", help="an earlier commit to time in the same run")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "parse_pages.md")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    now = time_pages(args.repeat)
    base = baseline_times(args.baseline, args.repeat) if args.baseline else {}
    wild = [n for n in now if n != SEED.name]
    lines = ["| 页面 | 现在 ms | " + ("基线 ms | 比值 |" if base else ""), "|---|---:|" + ("---:|---:|" if base else "")]
    for n in wild + [SEED.name]:
        row = f"| {n[:40]} | {now[n] * 1000:.1f} |"
        if base:
            row += f" {base[n] * 1000:.1f} | {now[n] / base[n]:.2f}× |"
        lines.append(row)
    summary = [f"- wild {len(wild)} 页：中位数 {statistics.median([now[n] for n in wild]) * 1000:.1f} ms，"
               f"p95 {_p95([now[n] for n in wild]) * 1000:.1f} ms；种子 {now[SEED.name] * 1000:.1f} ms"]
    if base:
        summary.append(
            f"- 基线 {args.baseline}：wild 中位数 {statistics.median([base[n] for n in wild]) * 1000:.1f} ms，"
            f"p95 {_p95([base[n] for n in wild]) * 1000:.1f} ms；种子 {base[SEED.name] * 1000:.1f} ms"
        )
    load = os.getloadavg()[0]
    text = "\n".join(summary) + "\n\n" + "\n".join(lines)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        f"# 每页解析耗时\n\n{date.today()} · Python {platform.python_version()} · {os.cpu_count()} 核，1 分钟负载 {load:.1f} · "
        f"中位数，重复 {args.repeat} 次，同一次运行内测得\n\n命令：`.venv/bin/python benchmarks/bench_parse_pages.py "
        f"--repeat {args.repeat}{' --baseline ' + args.baseline if args.baseline else ''}`\n\n{text}\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
