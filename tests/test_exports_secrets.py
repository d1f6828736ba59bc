"""Exports never carry live formulas; credentials never reach a notice, a log or a saved run."""

from __future__ import annotations

import io
import json
import logging
import zipfile

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from assistant.cli import app
from assistant.redact import mask_secrets
from assistant.settings import get_settings

FORMULAS = ['=HYPERLINK("http://evil.example/x","点击查看")', "=cmd|'/C calc'!A0", "+1+2", "@SUM(A1:A2)", "-2+3"]


def formulas_in(xlsx: bytes) -> list[str]:
    """Formula elements in any sheet's XML, and cells openpyxl reads as formulas."""
    found = []
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and b"<f>" in z.read(name) or b"<f " in z.read(name):
                found.append(name)
    wb = load_workbook(io.BytesIO(xlsx))
    found += [c.coordinate for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    return found


@pytest.fixture
def poisoned(seed_path, tmp_path):
    """The seed with formula-like text in indicator values and a project name."""
    text = seed_path.read_text(encoding="utf-8")
    for value, bad in zip(("≥2000亩", "≥85%", "≥95%"), FORMULAS):
        assert value in text, value
        text = text.replace(value, bad, 1)
    text = text.replace("局属场医保", FORMULAS[3] + "局属场医保", 1)
    path = tmp_path / "带公式.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_export_writes_formula_text_as_text(poisoned, tmp_path):
    out = tmp_path / "out.xlsx"
    r = CliRunner().invoke(app, ["parse", str(poisoned), "-f", "xlsx", "-o", str(out)])
    assert r.exit_code == 0, r.output
    data = out.read_bytes()
    assert formulas_in(data) == []
    wb = load_workbook(io.BytesIO(data))
    values = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert FORMULAS[0] in values and FORMULAS[1] in values  # kept, as the text it is
    cell = next(c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == FORMULAS[1])
    assert cell.quotePrefix  # Excel keeps it text when the cell is edited


def test_review_export_writes_formula_text_as_text(poisoned, tmp_path):
    out = tmp_path / "findings.xlsx"
    r = CliRunner().invoke(app, ["check", str(poisoned), "-f", "xlsx", "-o", str(out), "--no-fail"])
    assert r.exit_code == 0, r.output
    assert formulas_in(out.read_bytes()) == []


def test_mask_secrets_in_urls_keys_and_bodies():
    text = "无法连接 http://admin:sk-live-9f8e7d6c5b4a@10.0.0.5:8000/v1；Incorrect API key provided: sk-proj-abcdef123456. Bearer abcdefghijk ?api_key=zzz999"
    masked = mask_secrets(text, ["9f8e7d6c5b4a"])
    for secret in ("sk-live-9f8e7d6c5b4a", "admin", "abcdef123456", "abcdefghijk", "zzz999"):
        assert secret not in masked, secret
    assert "http://***@10.0.0.5:8000/v1" in masked


KEY = "sk-SECRET0123456789"


def test_keys_echoed_by_the_server_never_reach_notices_or_logs(fake_openai, monkeypatch, seed_path, caplog):
    monkeypatch.setenv("JIXIAO_LLM_API_KEY", KEY)
    monkeypatch.setenv("JIXIAO_LLM_BASE_URL", fake_openai.url.replace("http://", f"http://office:{KEY}@"))
    get_settings.cache_clear()
    fake_openai.always("429")
    fake_openai.responder = lambda body: __import__("fake_openai").Reply(
        status=401, error=f"Incorrect API key provided: {KEY}. You can find your key at https://x/{KEY}"
    )
    caplog.set_level(logging.DEBUG)
    r = CliRunner().invoke(app, ["ask", str(seed_path), "项目8的预算是多少？", "--llm", "-f", "json"])
    assert r.exit_code == 0, r.output
    notice = json.loads(r.stdout)["notice"]
    assert "HTTP 401" in notice and KEY not in r.output and "SECRET0123" not in r.output
    r = CliRunner().invoke(app, ["check", str(seed_path), "--llm", "--no-fail", "-f", "json"])
    assert "HTTP 401" in r.stderr and "SECRET0123" not in r.output
    assert "SECRET0123" not in caplog.text

    # a server that is down: the notice names the address, without the credentials in it
    monkeypatch.setenv("JIXIAO_LLM_BASE_URL", f"http://office:{KEY}@127.0.0.1:9/v1")
    get_settings.cache_clear()
    r = CliRunner().invoke(app, ["ask", str(seed_path), "项目8的预算是多少？", "--llm", "-f", "json"])
    notice = json.loads(r.stdout)["notice"]
    assert "http://***@127.0.0.1:9/v1" in notice and "SECRET0123" not in r.output


def test_eval_meta_masks_credentials_in_the_base_url(monkeypatch, tmp_path):
    from assistant.evals.meta import build_meta

    monkeypatch.setenv("JIXIAO_LLM_BASE_URL", f"http://office:{KEY}@10.1.2.3/v1")
    monkeypatch.setenv("JIXIAO_LLM_MODEL", "m")
    get_settings.cache_clear()
    meta = build_meta("r", "llm", [], {}, tmp_path, None)
    assert meta["llm_base_url"] == "http://***@10.1.2.3/v1"
    assert "SECRET" not in json.dumps(meta)
