"""Inputs past a declared limit are refused at once with the numbers, in bounded memory; inputs within
the limits are read in time linear in their size; control characters and UTF-16 without a BOM are
read, not crashed on or called binary."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import bigfiles as bf
import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.errors import LimitError
from assistant.readers import read_bytes
from assistant.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
MEMORY_MB = 500


def parse(path: Path, *extra: str):
    t0 = time.monotonic()
    r = CliRunner().invoke(app, ["parse", str(path), *extra])
    return r, time.monotonic() - t0


def refused(r, *phrases: str) -> None:
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and r.stderr.startswith("错误：文件「")
    for phrase in phrases:
        assert phrase in r.stderr, r.stderr


def peak_rss(path: Path, review: bool = False) -> tuple[str, float]:
    """Read (and review) `path` in a fresh process: (its outcome, its peak RSS in MB)."""
    code = (
        "import sys\n"
        "from assistant.errors import AssistantError\n"
        "from assistant.readers import read_document\n"
        "try:\n"
        f"    doc = read_document({str(path)!r})\n"
        "    out = f'projects {len(doc.projects)}'\n"
        + (
            "    from assistant.review.reviewer import Reviewer\n"
            "    out += f' findings {len(Reviewer().review(doc).findings)}'\n"
            if review
            else ""
        )
        + "except AssistantError as e:\n"
        "    out = f'refused {e}'\n"
        "print(out)\n"
        # VmHWM of this process image: ru_maxrss would carry over the size of the forking pytest
        "print(int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0]) / 1024)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
    outcome, rss = r.stdout.strip().splitlines()[-2:]
    return outcome, float(rss)


# --- refused at once, with the numbers ---------------------------------------------------------------
def test_zip_bomb_is_refused_before_inflating(tmp_path):
    path = tmp_path / "炸弹.docx"
    path.write_bytes(bf.zip_bomb_docx(200))
    r, took = parse(path)
    refused(r, "解压后的大小为 200.0 MB", "超过 40 MB 上限", "JIXIAO_MAX_UNZIPPED_MB")
    assert took < 10
    outcome, rss = peak_rss(path)
    assert outcome.startswith("refused") and rss < MEMORY_MB


@pytest.mark.parametrize(
    ("name", "make", "phrases"),
    [
        ("宽表.xlsx", lambda: bf.raw_xlsx(bf.wide_rows(2000, 5)), ["工作表的列数至少为 2,000 列", "超过 50 列上限"]),
        ("长表.xlsx", lambda: bf.raw_xlsx([["行", str(n)] for n in range(20_005)]), ["行数至少为 20,001 行"]),
        ("宽表.docx", lambda: bf.raw_docx(bf.w_table(bf.wide_rows(60, 3))), ["一个表格的列数至少为 51 列"]),
        (
            "格子多.docx",
            lambda: bf.raw_docx(bf.w_table([["格"] * 10] * 5_001)),
            ["一个表格的单元格数至少为 50,001 个", "JIXIAO_MAX_TABLE_CELLS"],
        ),
        ("大单元格.docx", lambda: bf.raw_docx(bf.w_paragraph("很" * 1_000_000)), ["字数至少为", "超过 20,000 字上限"]),
        (
            "大单元格.xlsx",
            lambda: bf.raw_xlsx(bf.table_rows(value="很" * 1_000_000)),
            ["字数为 1,000,000 字", "超过 20,000 字上限"],
        ),
        (
            "大单元格.txt",
            lambda: bf.seed_text().replace("\t≥2000亩", "\t" + "很" * 1_000_000, 1).encode(),
            ["字数为 1,000,000 字"],
        ),
        ("文字多.txt", lambda: ("项目绩效目标\n" * 1_400_000).encode(), ["文字量为", "超过 8 MB 上限"]),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_over_a_limit_is_refused_at_once_with_the_numbers(tmp_path, name, make, phrases):
    path = tmp_path / name
    path.write_bytes(make())
    r, took = parse(path)
    refused(r, "超过", "上限", *phrases)
    assert took < 30


def test_too_many_tables_is_refused_with_the_count(tmp_path, monkeypatch):
    monkeypatch.setenv("JIXIAO_MAX_TABLES", "30")
    get_settings.cache_clear()
    path = tmp_path / "表多.txt"
    path.write_text(bf.scaled_text(40), encoding="utf-8")
    r, _ = parse(path)
    refused(r, "绩效目标表数为 40 张，超过 30 张上限", "JIXIAO_MAX_TABLES")


def test_a_huge_row_number_counts_as_rows():
    data = bf.raw_xlsx([["项目名称", "示例"]])
    import io
    import zipfile

    z = zipfile.ZipFile(io.BytesIO(data))
    parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(b'r="1"', b'r="900000"').replace(
        b'r="A1"', b'r="A900000"'
    ).replace(b'r="B1"', b'r="B900000"')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for n, b in parts.items():
            out.writestr(n, b)
    with pytest.raises(LimitError, match="行数至少为 900,000 行"):
        read_bytes(buf.getvalue(), "远行.xlsx")


# --- within the limits: linear time, bounded memory ------------------------------------------------
@pytest.mark.slow
def test_long_tables_read_in_linear_time():
    """One table of 1,000 rows, then 5,000 rows (the probe): time grows with the rows, no faster."""
    times = {}
    for rows in (1_000, 5_000):
        data = bf.long_table_docx(rows)
        t0 = time.monotonic()
        doc = read_bytes(data, "长表.docx")
        times[rows] = time.monotonic() - t0
        assert len(doc.projects[0].indicators) == rows + 2
    assert times[5_000] < 60
    assert times[5_000] < 5 * times[1_000] * 3  # 5x the rows: at most 3x the linear share (noise)


@pytest.mark.slow
def test_the_largest_accepted_document_is_reviewed_in_bounded_time_and_memory(tmp_path):
    """2,000 tables (the most a document may hold) as .docx: parsed and reviewed (rules, goal map)
    in a fresh process under the memory bound; the review alone well under 30 s."""
    path = tmp_path / "两千张表.docx"
    path.write_bytes(bf.scaled_docx(2000))
    outcome, rss = peak_rss(path, review=True)
    assert outcome.startswith("projects 2000 findings"), outcome
    assert rss < MEMORY_MB

    from assistant.review.reviewer import Reviewer

    doc = read_bytes(path.read_bytes(), path.name)
    t0 = time.monotonic()
    result = Reviewer().review(doc)
    assert time.monotonic() - t0 < 30
    assert any("仅按关键词判断" in n for n in result.notices)  # past max_embedded_projects


@pytest.mark.slow
def test_a_cell_at_the_limit_is_ingested_quickly(tmp_path, seed_doc):
    """A 19,000-character cell: embedding reads what e5 reads, not the whole cell (it took minutes)."""
    from assistant.kb.embeddings import Embedder, EmbeddingCache
    from assistant.kb.index import KnowledgeBase
    from assistant.settings import Settings

    s = get_settings()
    settings = Settings(data_dir=tmp_path / "kb", cache_dir_override=s.cache_dir)
    kb = KnowledgeBase(settings, embedder=Embedder(settings, cache=EmbeddingCache(s.cache_dir / "embeddings.sqlite")))
    seed_doc.projects = seed_doc.projects[:2]
    seed_doc.projects[0].goal = "保障苗圃场职工医疗保险按时足额缴纳，" * 1000
    seed_doc.source_file = "长目标.txt"
    t0 = time.monotonic()
    kb.ingest_document(seed_doc, origin="/单位/长目标.txt")
    assert time.monotonic() - t0 < 60
    assert kb.search("苗圃场职工医疗保险", k=1)[0].project == seed_doc.projects[0].name


# --- odd text ----------------------------------------------------------------------------------------
def test_utf16_without_bom_is_read_not_called_binary(tmp_path):
    path = tmp_path / "无BOM.txt"
    path.write_bytes(bf.seed_text().encode("utf-16-le"))
    r, _ = parse(path)
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.stdout)["projects"]) == 18
    path.write_bytes(bf.seed_text().encode("utf-16-be"))
    assert len(json.loads(parse(path)[0].stdout)["projects"]) == 18


def test_binary_is_still_called_binary(tmp_path):
    path = tmp_path / "图片.txt"
    path.write_bytes(bytes(range(256)) * 64)
    r, _ = parse(path)
    refused(r, "二进制文件")


CONTROLS = "\x01\x07\x0b\x0c\x1b\x1f"


@pytest.mark.parametrize("kind", ["xlsx", "txt"])
def test_control_characters_are_cleaned_and_exports_work(tmp_path, kind):
    if kind == "xlsx":  # Excel writes control characters as _xHHHH_ escapes
        rows = bf.table_rows(value="≥95%_x0007__x001B_")
        rows[2][1] = "示例_x0001_项目_x000B_"
        path = tmp_path / "控制符.xlsx"
        path.write_bytes(bf.raw_xlsx(rows))
    else:
        path = tmp_path / "控制符.txt"
        path.write_text(bf.seed_text().replace("局属场医保", f"局属场{CONTROLS}医保"), encoding="utf-8")
    r, _ = parse(path)
    assert r.exit_code == 0, r.output
    assert not any(c in r.stdout for c in CONTROLS) and "\\u000" not in r.stdout and "\\u001" not in r.stdout
    for fmt in ("xlsx", "docx"):
        r, _ = parse(path, "-f", fmt, "-o", str(tmp_path / f"out.{fmt}"))
        assert r.exit_code == 0, r.output


def test_control_characters_in_a_json_document_do_not_break_exports(tmp_path, seed_doc):
    seed_doc.projects[0].name = "局属场\x07医保"
    seed_doc.projects[0].indicators[0].value_raw = "57\x01人"
    path = tmp_path / "文档.json"
    path.write_text(seed_doc.model_dump_json(), encoding="utf-8")
    for fmt in ("xlsx", "docx"):
        r, _ = parse(path, "-f", fmt, "-o", str(tmp_path / f"out.{fmt}"))
        assert r.exit_code == 0, r.output
    r = CliRunner().invoke(app, ["check", str(path), "-f", "xlsx", "-o", str(tmp_path / "f.xlsx"), "--no-fail"])
    assert r.exit_code == 0, r.output


def test_a_docx_with_characters_xml_forbids_is_refused_with_a_message(tmp_path):
    path = tmp_path / "坏字符.docx"
    path.write_bytes(bf.raw_docx("<w:p><w:r><w:t>项目&#x1;名称</w:t></w:r></w:p>"))
    r, _ = parse(path)
    refused(r, "内容已损坏")


def test_every_limit_and_bound_is_a_setting_in_the_readme():
    from assistant.settings import Settings

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    bounds = [f for f in Settings.model_fields if f.startswith("max_") or f in (
        "llm_deadline", "llm_retry_after_max", "llm_breaker_seconds", "llm_max_tokens", "llm_max_answer_chars",
        "chroma_timeout", "llm_timeout", "llm_max_retries")]
    assert len(bounds) >= 17
    assert [f for f in bounds if f"JIXIAO_{f.upper()}" not in readme] == []
