"""End to end in a real browser: `streamlit run app.py` in a subprocess, driven by headless Chromium
(Debian's binary through playwright). Uploads the seed on 审核, drafts and downloads a .docx on 起草,
asks a question on 问答; screenshots of every page go to tests/artifacts/."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "卢龙县自然资源和规划局2024年部门预算绩效文本（草案）.txt"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (apt install chromium)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 40) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.fail(
                f"streamlit exited early ({proc.returncode}):\n{log.read_text(errors='replace')[-3000:]}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(
        f"streamlit did not become healthy in {timeout} s:\n{log.read_text(errors='replace')[-3000:]}"
    )


@pytest.fixture
def server(tmp_path):
    """The app on a free port with its own data dir; killed at the end."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_LLM_")}
    env.update(JIXIAO_DATA_DIR=str(tmp_path / "data"), PYTHONUNBUFFERED="1")
    log = tmp_path / "streamlit.log"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", proc, log)
        yield f"http://127.0.0.1:{port}", log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _nav(page, title: str) -> None:
    """Switch pages through the sidebar menu, so the browser session (and its state) is kept."""
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()


def _idle(page, timeout: float = 30_000) -> None:
    """Wait until the script run finished (the status widget shows no running state) and stale
    elements have faded back in."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout
    )
    page.wait_for_timeout(400)


def test_review_draft_and_chat_in_a_browser(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, log = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page(
                viewport={"width": 1440, "height": 1000}, accept_downloads=True, locale="zh-CN"
            )
            page.set_default_timeout(30_000)
            page.goto(url)
            # First start ingests corpus/ and then shows the first page (起草).
            expect(page.get_by_role("heading", name="起草绩效目标表", exact=True)).to_be_visible(
                timeout=45_000
            )
            expect(page.get_by_text("1 份文档 · 18 个项目")).to_be_visible()

            # 审核: upload the seed; the redacted project is flagged.
            _nav(page, "审核")
            expect(page.get_by_role("heading", name="审核绩效文本", exact=True)).to_be_visible()
            page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(SEED))
            flagged = page.get_by_text(
                "项目“冀财建【2023】182号资金”的资金用途、绩效目标和指标以占位符代替", exact=False
            )
            expect(flagged.first).to_be_visible(timeout=30_000)
            expect(page.get_by_text("占位/涉密/模板残留").first).to_be_visible()
            _idle(page)
            page.screenshot(path=str(ARTIFACTS / "review.png"), full_page=False)
            page.get_by_role("tab", name="指标表（标出问题单元格）").click()
            page.locator('[data-testid="stTabs"]').scroll_into_view_if_needed()
            page.wait_for_timeout(400)
            page.screenshot(path=str(ARTIFACTS / "review_table.png"), full_page=False)

            # 问答: the uploaded document is already chosen; the answer cites 表8.
            _nav(page, "问答")
            box = page.get_by_placeholder("请输入问题，例如：项目8的预算是多少？")
            box.fill("项目8的预算是多少")
            box.press("Enter")
            answer = page.locator('[data-testid="stChatMessage"]').nth(1)
            expect(answer).to_contain_text("31.98", timeout=30_000)
            cite = answer.locator('[data-testid="stExpander"]').first
            expect(cite).to_contain_text("表8")
            cite.locator("summary").click()
            expect(cite.locator('[data-testid="stDataFrame"]')).to_be_visible()
            _idle(page)
            page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=False)

            # 起草: draft a project and download the .docx.
            _nav(page, "起草")
            page.get_by_label("项目名称").fill("松材线虫病防治经费")
            page.get_by_label("预算（万元）").fill("12")
            page.get_by_label("资金用途").fill(
                "对全县松林开展松材线虫病监测和除治，完成监测面积5万亩，10月底前完成。"
            )
            page.get_by_role("button", name="生成草稿").click()
            download_button = page.get_by_role("button", name="下载 Word（.docx）")
            expect(download_button).to_be_visible(timeout=45_000)
            table = page.locator('[data-testid="stDataFrame"]').first
            expect(table).to_be_visible()
            _idle(page)
            page.get_by_role("button", name="重新自查").scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "draft.png"), full_page=False)
            with page.expect_download() as dl:
                download_button.click()
            saved = tmp_path / "draft.docx"
            dl.value.save_as(saved)

            # 知识库 and 评测: they render.
            _nav(page, "知识库")
            expect(page.get_by_role("heading", name="知识库", exact=True)).to_be_visible()
            expect(page.locator('[data-testid="stMetricValue"]', has_text="124")).to_be_visible()
            _idle(page)
            page.screenshot(path=str(ARTIFACTS / "corpus.png"), full_page=False)
            _nav(page, "评测")
            expect(page.get_by_role("heading", name="评测", exact=True)).to_be_visible()
            _idle(page)
            page.screenshot(path=str(ARTIFACTS / "evals.png"), full_page=False)
        finally:
            browser.close()

    import docx

    d = docx.Document(str(saved))
    text = "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    assert "松材线虫病防治经费" in text and "5万亩" in text
    assert "Traceback" not in log.read_text(errors="replace")
