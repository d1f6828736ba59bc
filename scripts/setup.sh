#!/usr/bin/env bash
# Create .venv (if missing) and install the project; with "test", also the test tools and Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
if [ "${1:-}" = "test" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
  # The end-to-end test drives Debian's Chromium (no browser download).
  if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk) >/dev/null 2>&1 \
        || echo "提示：未能安装 chromium，浏览器端到端测试将跳过。" >&2
    else
      echo "提示：未找到 chromium（sudo apt-get install chromium），浏览器端到端测试将跳过。" >&2
    fi
  fi
else
  .venv/bin/python -m pip install -q --disable-pip-version-check -e .
fi
