#!/usr/bin/env bash
# One command: set everything up, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
.venv/bin/ruff check assistant tests app.py benchmarks evals
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
