"""A province's new label is one line of labels.yaml: after adding it, every paste shape and file format
reads the field. The test writes a copy of the vocabulary with an invented 预算数 synonym and an invented
三级 column name, points the readers at it, and reads the same small table in each shape."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

import assistant.readers.prose as prose
import assistant.readers.runtogether as runtogether
import assistant.readers.table as table
import assistant.readers.vocab as vocab
from assistant.readers import read_bytes

ROWS = [
    ["项目名称", "乡村夜校培训"],
    ["本年盘子资金", "12.5"],
    ["绩效目标", "全年培训村民600人次。"],
    ["一级指标", "二级指标", "考核事项", "指标值"],
    ["产出指标", "数量指标", "培训村民人次", "≥600人次"],
    ["产出指标", "质量指标", "培训考核合格率", "≥90%"],
    ["产出指标", "时效指标", "培训完成时间", "2026年11月底前"],
    ["效益指标", "社会效益指标", "参训村民技能提升率", "≥80%"],
    ["满意度指标", "服务对象满意度指标", "参训村民满意度", "≥90%"],
]


def _clear_caches() -> None:
    for module in (vocab, runtogether, prose, table):
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()


@pytest.fixture
def province_label(tmp_path, monkeypatch):
    data = yaml.safe_load(vocab.LABELS_FILE.read_text(encoding="utf-8"))
    data["fields"]["budget"].append("本年盘子资金")  # the one new line a province needs
    data["columns"]["level3"].append("考核事项")
    path = tmp_path / "labels.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(vocab, "LABELS_FILE", path)
    _clear_caches()
    yield
    monkeypatch.undo()
    _clear_caches()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for r in ROWS:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _docx() -> bytes:
    from docx import Document

    d = Document()
    t = d.add_table(rows=len(ROWS), cols=4)
    for i, r in enumerate(ROWS):
        for j, c in enumerate(r):
            t.cell(i, j).text = c
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


SHAPES = {
    "pipe.txt": lambda: "\n".join("| " + " | ".join(r) + " |" for r in ROWS).encode(),
    "tab.txt": lambda: "\n".join("\t".join(r) for r in ROWS).encode(),
    "cell_per_line.txt": lambda: "\n".join(c for r in ROWS for c in r).encode(),
    "run_together.txt": lambda: "".join(c for r in ROWS for c in r).encode(),
    "spaces.txt": lambda: "\n".join("    ".join(r) for r in ROWS).encode(),
    "table.xlsx": _xlsx,
    "table.docx": _docx,
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_a_new_label_reads_in_every_shape(name, province_label):
    doc = read_bytes(SHAPES[name](), name)
    (p,) = doc.projects
    assert (p.name, p.budget) == ("乡村夜校培训", 12.5)
    assert [i.level3 for i in p.indicators][:2] == ["培训村民人次", "培训考核合格率"]
    assert [i.value_raw for i in p.indicators][-1] == "≥90%"


def test_without_the_line_the_label_is_not_known():
    doc = read_bytes(SHAPES["pipe.txt"](), "pipe.txt")
    assert doc.projects[0].budget is None
    assert any("未找到预算数" in w for w in doc.warnings)


def test_labels_file_is_the_one_vocabulary():
    assert Path(vocab.LABELS_FILE).name == "labels.yaml" and vocab.vocabulary().fields["budget"]
