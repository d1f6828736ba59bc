"""The seed and every document in evals/docs/ parse exactly as recorded in tests/golden/parse/ (the whole
Document as JSON). A reader change that alters any of them fails here; when the change is intended,
re-record with `JIXIAO_UPDATE_GOLDEN=1 pytest tests/test_reader_golden.py` and say why in the commit."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assistant.readers import read_document

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "parse"
SOURCES = sorted(
    [p for p in (ROOT / "evals" / "docs").iterdir() if p.suffix in (".txt", ".docx")] + list((ROOT / "corpus").glob("*.txt"))
)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem[:12])
def test_document_parses_as_recorded(path):
    got = read_document(path).model_dump(mode="json")
    golden = GOLDEN / f"{path.stem}.json"
    if os.environ.get("JIXIAO_UPDATE_GOLDEN") == "1":
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    want = json.loads(golden.read_text(encoding="utf-8"))
    assert got == want
