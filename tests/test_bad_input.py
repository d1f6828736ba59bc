"""Bad input: every kind gives an InputError with a Chinese message, and `assistant parse` exits
non-zero with one line of Chinese and no traceback."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.errors import InputError
from assistant.readers import read_bytes, read_document
from assistant.settings import get_settings

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _blank_pdf() -> bytes:
    """A PDF with ruled lines but no text layer, like a scan without OCR."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(50, 50, 400, 600)
    c.line(50, 300, 450, 300)
    c.showPage()
    c.save()
    return buf.getvalue()


def _docx_bytes() -> bytes:
    from docx import Document as WordDocument

    buf = io.BytesIO()
    WordDocument().save(buf)
    return buf.getvalue()


# name, content, a phrase the message must contain
BAD_FILES = [
    ("empty.txt", b"", "空文件"),
    ("junk.txt", bytes(range(256)) * 8, "二进制"),
    ("corrupt.docx", bytes((i * 97 + 13) % 256 for i in range(3000)), "不是有效的 Word 文档"),
    ("picture.xlsx", PNG, "不是有效的 Excel 工作簿"),
    ("not-word.docx", _zip({"hello.txt": b"hello"}), "不是有效的 Word 文档"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "不支持的文件格式"),
    ("photo.png", PNG, "不支持的文件格式"),
    (
        "notes.txt",
        "今天开会，讨论明年的工作安排。\n会议纪要如下：\n一、加强学习。\n".encode(),
        "未识别到绩效目标表",
    ),
    ("scan.pdf", _blank_pdf(), "该PDF没有文字层（可能是扫描件）"),
    (
        "other.json",
        json.dumps({"projects": "不是列表", "color": "red"}).encode(),
        "不是本工具导出的 JSON 文档",
    ),
    ("broken.json", b"{not json", "不是本工具导出的 JSON 文档"),
    ("corrupt.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 4, "PDF"),
    ("renamed.xlsx", _docx_bytes(), "Excel"),
    ("empty-word.docx", _docx_bytes(), "未识别到绩效目标表"),
    ("truncated.docx", _docx_bytes()[:4000], "Word"),
]


@pytest.mark.parametrize("name, data, phrase", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_bytes_raise_input_error_in_chinese(name, data, phrase):
    with pytest.raises(InputError) as err:
        read_bytes(data, name)
    assert phrase in str(err.value) and CHINESE.search(str(err.value))


def test_file_over_the_size_limit(monkeypatch, seed_path):
    monkeypatch.setenv("JIXIAO_MAX_FILE_MB", "0.01")
    get_settings.cache_clear()
    with pytest.raises(InputError, match="超过 0.01 MB 上限"):
        read_document(seed_path)


def test_directory_and_missing_path(tmp_path):
    with pytest.raises(InputError, match="是文件夹"):
        read_document(tmp_path)
    with pytest.raises(InputError, match="找不到文件"):
        read_document(tmp_path / "没有这个文件.docx")


def _run_parse(path: Path):
    result = CliRunner().invoke(app, ["parse", str(path)])
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert "错误：" in result.output and CHINESE.search(result.output)
    return result


@pytest.mark.parametrize("name, data, phrase", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_cli_parse_bad_file_exits_non_zero(tmp_path, name, data, phrase):
    path = tmp_path / name
    path.write_bytes(data)
    assert phrase in _run_parse(path).output


def test_cli_parse_too_large_directory_missing(tmp_path, monkeypatch, seed_path):
    _run_parse(tmp_path)
    _run_parse(tmp_path / "missing.txt")
    monkeypatch.setenv("JIXIAO_MAX_FILE_MB", "0.01")
    get_settings.cache_clear()
    assert "上限" in _run_parse(seed_path).output


def test_cli_process_prints_no_traceback(tmp_path):
    bad = tmp_path / "损坏.docx"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    proc = subprocess.run(
        [sys.executable, "-c", "from assistant.cli import app; app()", "parse", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and "错误：" in proc.stderr and "Word" in proc.stderr
