#!/usr/bin/env bash
# One command: set everything up, then start the app on 127.0.0.1 in offline mode (no LLM needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/streamlit run app.py --server.address 127.0.0.1 --server.port "${PORT:-8501}"
