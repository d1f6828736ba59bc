"""Parse benchmark: time per project to read the seed document in each input format.

    .venv/bin/python benchmarks/bench_parse.py [--repeat 5] [--out benchmarks/results/parse.md]

The seed text export is parsed once; from that Document the same content is rendered as .docx and
.xlsx (our writers), a ruled-table PDF (reportlab, as in the round-trip tests) and text pasted from
a web page in its three shapes. Each input is then parsed `--repeat` times in this one run; the
table reports the median, per project, and the ratio to the text export. Rendering is not timed.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from builders import document_pdf, pasted_cell_per_line, pasted_pipes, pasted_tabs

from assistant.readers import read_bytes
from assistant.writers.docx import document_docx
from assistant.writers.xlsx import document_xlsx

SEED = ROOT / "corpus" / "卢龙县自然资源和规划局2024年部门预算绩效文本（草案）.txt"


def inputs() -> list[tuple[str, str, bytes]]:
    """(label, file name, bytes) for every format, all holding the seed's content."""
    data = SEED.read_bytes()
    doc = read_bytes(data, SEED.name)
    return [
        ("txt（Word 文本导出）", "seed.txt", data),
        ("docx", "seed.docx", document_docx(doc)),
        ("xlsx", "seed.xlsx", document_xlsx(doc)),
        ("pdf（文字层）", "seed.pdf", document_pdf(doc)),
        ("粘贴：竖线行", "pipes.txt", pasted_pipes(doc).encode()),
        ("粘贴：制表符行", "tabs.txt", pasted_tabs(doc).encode()),
        ("粘贴：每行一格", "cells.txt", pasted_cell_per_line(doc).encode()),
    ]


def measure(repeat: int) -> list[dict]:
    rows = []
    for label, name, data in inputs():
        read_bytes(data, name)  # warm-up: imports, pdfminer CMaps
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            doc = read_bytes(data, name)
            times.append(time.perf_counter() - t0)
        n = len(doc.projects)
        rows.append(
            {
                "label": label,
                "kb": len(data) / 1024,
                "projects": n,
                "rows": sum(len(p.indicators) for p in doc.projects),
                "total_ms": statistics.median(times) * 1000,
                "per_project_ms": statistics.median(times) * 1000 / n,
            }
        )
    base = rows[0]["per_project_ms"]
    for r in rows:
        r["ratio"] = r["per_project_ms"] / base
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| 格式 | 文件 KB | 项目数 | 指标行 | 整份解析 ms | 每项目 ms | 相对 txt |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['label']} | {r['kb']:.0f} | {r['projects']} | {r['rows']} | {r['total_ms']:.1f} | {r['per_project_ms']:.2f} | {r['ratio']:.1f}× |"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "parse.md")
    args = ap.parse_args()
    rows = measure(args.repeat)
    load = os.getloadavg()[0]  # other work on the machine shows up in these timings
    text = table(rows)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        f"# 解析耗时（每项目）\n\n{date.today()} · Python {platform.python_version()} · {platform.machine()} · "
        f"{os.cpu_count()} 核，1 分钟负载 {load:.1f} · 中位数，重复 {args.repeat} 次，同一次运行内测得\n\n"
        f"命令：`.venv/bin/python benchmarks/bench_parse.py --repeat {args.repeat}`\n\n{text}\n\n"
        "内容相同（种子文档 18 个项目、124 行指标），只换格式；docx/xlsx 由本项目写出，PDF 由 reportlab 画出带框线的表格。"
        "PDF 最慢：pdfplumber 逐页找表格线、逐字排版。\n",
        encoding="utf-8",
    )
    print(f"\n已写入 {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
