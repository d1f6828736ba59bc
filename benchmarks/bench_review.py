"""Review benchmark: offline `check` time for the seed (parse + rules) and per project.

    .venv/bin/python benchmarks/bench_review.py [--repeat 5] [--out benchmarks/results/review.md]

Everything is measured in this one run: the first (cold) review, which pays for imports, the YAML
packs and jieba's dictionary; then `--repeat` warm runs of parse + review_document (keywords only,
as the golden test), of the rules alone, of the goal map with the bundled embedding model (cached
vectors after the first call), and of review_project for each of the 18 tables on its own (the
drafting self-review). Medians are reported.
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
os.environ.setdefault("JIXIAO_DATA_DIR", tempfile.mkdtemp(prefix="bench_review_"))  # a fresh embedding cache

from assistant.readers import read_document

SEED = ROOT / "corpus" / "卢龙县自然资源和规划局2024年部门预算绩效文本（草案）.txt"


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def measure(repeat: int) -> tuple[list[tuple[str, float, float]], int, int]:
    text = SEED.read_text(encoding="utf-8")
    t0 = time.perf_counter()
    from assistant.review.reviewer import Reviewer, review_document, review_project

    doc = read_document(SEED)
    result = review_document(doc, source_text=text)
    cold = (time.perf_counter() - t0) * 1000
    n = len(doc.projects)

    def full() -> None:
        review_document(read_document(SEED), source_text=text)

    def rules_only() -> None:
        review_document(doc, source_text=text)

    def each_project() -> None:
        for p in doc.projects:
            review_project(p, doc.budget_year, doc.goal_areas)

    t0 = time.perf_counter()
    Reviewer().review(doc, source_text=text)
    embed_cold = (time.perf_counter() - t0) * 1000

    def with_embeddings() -> None:
        Reviewer().review(doc, source_text=text)

    rows = [
        ("首次审核（解析+规则，含导入与 jieba 词典加载）", cold, cold / n),
        ("解析+规则审核（离线，仅关键词）", _median_ms(full, repeat), 0.0),
        ("规则审核（已解析）", _median_ms(rules_only, repeat), 0.0),
        ("逐项目审核 review_project ×18", _median_ms(each_project, repeat), 0.0),
        ("含向量模型的部门目标对应（首次，向量未缓存）", embed_cold, embed_cold / n),
        ("含向量模型的部门目标对应（向量已缓存）", _median_ms(with_embeddings, repeat), 0.0),
    ]
    rows = [(label, total, per or total / n) for label, total, per in rows]
    wild = sorted((ROOT.parent / "shared" / "wild").glob("*.txt"))
    if wild:
        from assistant.errors import AssistantError

        def all_wild() -> None:
            for f in wild:
                try:
                    review_document(read_document(f), source_text=f.read_text(encoding="utf-8"))
                except AssistantError:
                    pass

        total = _median_ms(all_wild, repeat)
        rows.append((f"../shared/wild 全部 {len(wild)} 页（解析+规则审核）", total, total / len(wild)))
    return rows, n, len(result.findings)


def table(rows) -> str:
    lines = ["| 步骤 | 整份 ms | 每项目（wild：每页）ms |", "|---|---:|---:|"]
    lines += [f"| {label} | {total:.1f} | {per:.2f} |" for label, total, per in rows]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "review.md")
    args = ap.parse_args()
    rows, n, findings = measure(args.repeat)
    text = table(rows)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        f"# 审核耗时（离线规则）\n\n{date.today()} · Python {platform.python_version()} · {platform.machine()} · "
        f"{os.cpu_count()} 核（测时负载 {os.getloadavg()[0]:.1f}）· 中位数，重复 {args.repeat} 次，同一次运行内测得\n\n"
        f"命令：`.venv/bin/python benchmarks/bench_review.py --repeat {args.repeat}`\n\n{text}\n\n"
        f"种子文档 {n} 个项目，审核得 {findings} 条问题。首次运行多出的时间主要是导入、规则与词表 YAML 的加载和 jieba 词典初始化；"
        "向量模型只用于部门分项目标对应的排序，首次需计算并缓存约 26 段文本的向量。\n",
        encoding="utf-8",
    )
    print(f"\n已写入 {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
