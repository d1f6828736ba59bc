"""App start benchmark: seconds from `streamlit run app.py` to a usable page in a real browser, on a fresh
data directory (the corpus loads in the background meanwhile), and to the loaded knowledge base.

    .venv/bin/python benchmarks/bench_app_start.py [--runs 3] [--out benchmarks/results/app_start.md]

"Usable" is the 起草 form on screen, opened straight from its own URL. The ratio usable / loaded says
how much of the first start the page no longer waits for (the target is a usable page under 10 s).
Needs Debian's chromium (tests/test_e2e_browser.py uses the same).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_start(chromium: str) -> tuple[float, float]:
    """(seconds to a usable page, seconds to the loaded knowledge base), from the process start."""
    from playwright.sync_api import sync_playwright

    port = _port()
    with tempfile.TemporaryDirectory() as data:
        env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_LLM_")}
        env.update(JIXIAO_DATA_DIR=data)
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        try:
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{port}/draft")
                page.get_by_role("button", name="生成草稿").wait_for(timeout=120_000)
                usable = time.monotonic() - start
                page.get_by_text("18 个项目").wait_for(timeout=300_000)
                loaded = time.monotonic() - start
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    return usable, loaded


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "app_start.md")
    args = ap.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("需要 Debian 的 chromium（apt install chromium）。")
    runs = [one_start(chromium) for _ in range(args.runs)]
    usable = statistics.median(u for u, _ in runs)
    loaded = statistics.median(v for _, v in runs)
    lines = [
        "# App start",
        "",
        f"{date.today()} · {platform.machine()} · {os.cpu_count()} cores · {args.runs} runs (median) · fresh data dir",
        "",
        "| measure | seconds |",
        "|---|---:|",
        f"| `streamlit run app.py` → 起草 form usable (opened at /draft) | {usable:.1f} |",
        f"| → knowledge base loaded (1 document, 18 projects) | {loaded:.1f} |",
        f"| ratio usable / loaded | {usable / loaded:.2f} |",
        "",
        "Each run: " + ", ".join(f"{u:.1f} / {v:.1f}" for u, v in runs) + " (usable / loaded).",
    ]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
