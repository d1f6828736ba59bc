"""The house rules a reviewer checks by eye: imports run one way, no cycles, no private names borrowed
across modules, prompts shipped inside the package."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "assistant"


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    r = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert "BROKEN" not in r.stdout and r.stdout.count("KEPT") >= 2


def _private_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("assistant")):
            out += [f"{path.relative_to(ROOT)}: {a.name}" for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
    return out


def test_no_private_name_is_imported_across_modules():
    found = [p for f in sorted(PACKAGE.rglob("*.py")) for p in _private_imports(f)]
    assert found == []


def test_prompts_are_package_data():
    from assistant.llm import prompt_text

    for name in ("chat", "draft", "draft_revise", "review", "judge_draft", "system_json"):
        assert prompt_text(name).strip(), name


def test_every_package_is_listed_for_the_build():
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in PACKAGE.rglob("*.py")}
    found = {f for f in found if "__pycache__" not in f and not f.startswith("assistant.data")}
    assert found - listed == set()


def test_a_built_wheel_carries_prompts_rules_and_data(tmp_path):
    import zipfile

    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    names = set(zipfile.ZipFile(next(tmp_path.glob("*.whl"))).namelist())
    for must in ("assistant/prompts/chat.md", "assistant/prompts/review.md", "assistant/rules/default.yaml",
                 "assistant/rules/lexicon.yaml", "assistant/data/draft_templates.yaml", "assistant/data/domain_dict.txt"):
        assert must in names, must
