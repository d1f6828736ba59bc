"""The Streamlit app driven by AppTest (no browser, no network): every page, uploads, forms, the draft
editor, chat input, saved work. One ingested store is shared by the tests that only read it."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.kb.index import KnowledgeBase, ensure_corpus_indexed
from assistant.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "assistant" / "ui" / "main.py"  # the script app.py's st.App serves
SEED = ROOT / "corpus" / "卢龙县自然资源和规划局2024年部门预算绩效文本（草案）.txt"
PAGE = "views/{}.py"
TIMEOUT = 60


def loaded() -> None:
    """Wait for the first-start corpus load of the configured store (a background thread)."""
    from assistant.ui import startup

    load = startup.begin()
    end = time.monotonic() + TIMEOUT
    while not load.finished and time.monotonic() < end:
        time.sleep(0.05)
    assert load.finished and not load.error, load.error


def literal(markdown: str) -> str:
    """What a reader sees of Markdown written by assistant.safetext: escapes and zero-width spaces gone."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u200b", "")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """A data dir with corpus/ already ingested, shared by this module's read-only tests. The env is
    set while ingesting too: module fixtures run before the autouse one, and process-wide helpers
    (jieba's cache dir) must not land in the repository's .data."""
    data = tmp_path_factory.mktemp("app-store")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JIXIAO_DATA_DIR", str(data))
        get_settings.cache_clear()
        ensure_corpus_indexed(kb=KnowledgeBase(Settings(data_dir=data)))
    get_settings.cache_clear()
    return data


@pytest.fixture
def app(store, monkeypatch) -> AppTest:
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(store))
    get_settings.cache_clear()
    loaded()
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT)


def small_docx(n_projects: int = 2) -> bytes:
    """A short 绩效文本 as .docx: the seed's first projects."""
    from assistant.readers import read_document
    from assistant.writers import render_document

    doc = read_document(SEED)
    doc.projects = doc.projects[:n_projects]
    return render_document(doc, "docx")


def texts(elements) -> list[str]:
    return [literal(str(e.value)) for e in elements]


def one(elements, label: str):
    found = [e for e in elements if e.label == label]
    assert found, f"no element labelled {label!r}: {[e.label for e in elements]}"
    return found[0]


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def goto(at: AppTest, page: str) -> AppTest:
    return at.switch_page(PAGE.format(page)).run()


def use_endpoint(at: AppTest, url: str, key: str = "") -> AppTest:
    """Set this session's model endpoint in the sidebar form."""
    one(at.sidebar.text_input, "服务地址").input(url)
    if key:
        one(at.sidebar.text_input, "访问密钥").input(key)
    one(at.sidebar.text_input, "模型名称").input("fake-model")
    return one(at.sidebar.button, "保存").click().run()


def failing(body):
    from fake_openai import Reply

    return Reply(status=500, error="boom", headers={"retry-after-ms": "10"})


# -- shell ---------------------------------------------------------------------------------------------
def test_app_starts_offline_with_sidebar(app):
    app.run()
    assert_clean(app)
    side = " ".join(texts(app.sidebar.markdown))
    assert "离线模式" in side
    assert "1 份文档" in side and "18 个项目" in side and "124 行指标" in side
    assert app.header[0].value == "绩效目标助手"  # 首页 is the first page, at /
    assert "还没有草稿" in " ".join(texts(app.caption))


def test_first_start_ingests_corpus_with_progress(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "往年样例.docx").write_bytes(small_docx())
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("JIXIAO_CORPUS_DIR", str(corpus))
    get_settings.cache_clear()
    from assistant.ui import resources

    calls = []
    real = resources.index_corpus
    release = __import__("threading").Event()

    def slow(progress=None):
        release.wait(TIMEOUT)  # the load is still running while the first page renders
        return real(lambda *a: (calls.append(a), progress(*a)))

    monkeypatch.setattr(resources, "index_corpus", slow)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert_clean(at)
    assert at.header[0].value == "绩效目标助手"  # usable before the load ends
    assert at.sidebar.get("progress")  # with the load's progress in the sidebar
    goto(at, "review")
    assert any("知识库正在载入" in i for i in texts(at.info))
    release.set()
    loaded()
    assert calls[0] == (0, 1, "往年样例.docx") and calls[-1] == (1, 1, "")
    at.run()
    assert "1 份文档 · 2 个项目" in " ".join(texts(at.sidebar.markdown))


def test_sidebar_endpoint_is_kept_for_this_session_only(app):
    app.run()
    one(app.sidebar.text_input, "服务地址").input("ftp://nowhere")
    one(app.sidebar.text_input, "模型名称").input("qwen")
    one(app.sidebar.button, "保存").click().run()
    assert any("无效" in e for e in texts(app.sidebar.error))
    one(app.sidebar.text_input, "服务地址").input("http://127.0.0.1:9/v1")
    one(app.sidebar.text_input, "模型名称").input("qwen")
    one(app.sidebar.button, "保存").click().run()
    assert_clean(app)
    assert "大模型模式（qwen）" in " ".join(texts(app.sidebar.markdown))
    assert not os.environ.get("JIXIAO_LLM_BASE_URL") and not get_settings().llm_enabled  # nothing leaked
    app.button(key="endpoint_clear").click().run()
    assert "离线模式" in " ".join(texts(app.sidebar.markdown))


# -- 起草 ----------------------------------------------------------------------------------------------
def submit_draft(
    at: AppTest,
    name="松材线虫病防治经费",
    budget=12.0,
    purpose="对全县松林开展松材线虫病监测和除治，完成监测面积5万亩，10月底前完成。",
) -> AppTest:
    if not any(e.label == "项目名称" for e in at.text_input):
        goto(at, "draft")
    one(at.text_input, "项目名称").input(name)
    one(at.number_input, "预算（万元）").set_value(budget)
    one(at.text_area, "资金用途").set_value(purpose)
    one(at.text_input, "预算单位").input("卢龙县自然资源和规划局本级")
    return one(at.button, "生成草稿").click().run()


def editor_key(at: AppTest) -> str:
    return f"draft_editor_{at.session_state['draft_version']}"


def test_draft_form_builds_an_editable_table_with_downloads(app):
    submit_draft(app.run())
    assert_clean(app)
    d = app.session_state["draft"]
    assert d.project.name == "松材线虫病防治经费" and d.project.budget == 12.0
    assert len(d.rows) >= 5
    editor = app.data_editor[0].value
    for col in (
        "一级指标",
        "二级指标",
        "三级指标",
        "绩效指标描述",
        "指标值",
        "指标值确定依据",
        "置信度",
        "参考往年",
    ):
        assert col in editor.columns
    assert list(editor["一级指标"]) == sorted(
        editor["一级指标"], key=list(dict.fromkeys(editor["一级指标"])).index
    )
    assert "5万亩" in set(editor["指标值"])  # the description's own number, as written (no operator it did not write)
    labels = [b.label for b in app.download_button]
    assert labels == ["下载 Word（.docx）", "下载 Excel（.xlsx）", "下载 JSON"]
    assert any(e.label.startswith("第1行") for e in app.expander)  # precedent on demand


def test_draft_form_validates_input(app):
    submit_draft(app.run(), name="")
    assert "请填写项目名称。" in texts(app.error)
    submit_draft(app, budget=0.0)
    assert "预算数必须大于 0（单位：万元）。" in texts(app.error)
    assert "draft" not in app.session_state


def test_draft_edits_survive_reruns_page_switches_and_recheck(app):
    submit_draft(app.run())
    key = editor_key(app)
    app.session_state[key] = {
        "edited_rows": {0: {"指标值": "较上年提高"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run().run()
    assert app.session_state["draft_edited"][0]["指标值"] == "较上年提高"
    goto(app, "review")
    goto(app, "draft")
    assert_clean(app)
    assert app.data_editor[0].value["指标值"].iloc[0] == "较上年提高"  # folded into the new base
    one(app.button, "重新自查").click().run()
    assert_clean(app)
    d = app.session_state["draft"]
    assert d.rows[0].indicator.value_raw == "较上年提高"  # the edit is kept, not silently repaired
    assert d.rows[0].indicator.value.kind == "qualitative"
    assert any(f.category == "vague_value" and f.location.row == 1 for f in d.findings)
    assert "指标值模糊" in app.data_editor[0].value["自查"].iloc[0]
    assert any(e.label.startswith("第1行") and "⚠" in e.label for e in app.expander)


def test_draft_auto_fix_is_offered_and_applied_on_request(app):
    submit_draft(app.run())
    rows = app.session_state["draft_edited"]
    when = next(n for n, r in enumerate(rows) if r["二级指标"] == "时效指标")
    app.session_state[editor_key(app)] = {
        "edited_rows": {when: {"指标值": "2022年春季完成"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    one(app.button, "重新自查").click().run()
    assert_clean(app)
    assert app.session_state["draft"].rows[when].indicator.value_raw == "2022年春季完成"
    proposal = next(e for e in app.expander if e.label.startswith("自查建议自动修正"))
    assert any("2022年春季完成 →" in m.value for m in proposal.markdown)
    one(app.button, "采用自动修正").click().run()
    assert_clean(app)
    fixed = app.session_state["draft"].rows
    assert all("2022" not in r.indicator.value_raw for r in fixed)
    assert not any(e.label.startswith("自查建议自动修正") for e in app.expander)


def test_draft_added_and_deleted_rows(app):
    submit_draft(app.run())
    n = len(app.session_state["draft"].rows)
    added = {
        "一级指标": "效益指标",
        "二级指标": "社会效益指标",
        "三级指标": "宣传培训人次",
        "指标值": "≥200人次",
    }
    app.session_state[editor_key(app)] = {"edited_rows": {}, "added_rows": [added], "deleted_rows": [1]}
    app.run()
    one(app.button, "重新自查").click().run()
    assert_clean(app)
    rows = app.session_state["draft"].rows
    assert len(rows) == n
    new = next(r for r in rows if r.indicator.level3 == "宣传培训人次")
    assert new.note == "人工添加" and new.indicator.value.kind == "quantity"


def test_draft_error_keeps_the_previous_draft(app, monkeypatch):
    submit_draft(app.run())
    first = app.session_state["draft"]
    from assistant.ui import services

    def broken(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "run_draft", broken)
    submit_draft(app, name="另一个项目")
    assert_clean(app)
    assert any("起草时出错" in e for e in texts(app.error))
    assert app.session_state["draft"].project.name == first.project.name
    assert len(app.data_editor) == 1


# -- 审核 ----------------------------------------------------------------------------------------------
def upload(at: AppTest, name: str, data: bytes, page: str = "review") -> AppTest:
    at.file_uploader(key=f"{page}_upload").set_value((name, data, "application/octet-stream"))
    return at.run()


def test_review_upload_flags_the_redacted_project(app):
    goto(app.run(), "review")
    upload(app, SEED.name, SEED.read_bytes())
    assert_clean(app)
    body = " ".join(texts(app.markdown))
    assert "冀财建【2023】182号资金" in body and "占位/涉密/模板残留" in body
    metrics = {m.label: m.value for m in app.metric}
    assert int(metrics["问题总数"]) > 20 and int(metrics["错误"]) >= 1
    assert app.get("arrow_vega_lite_chart") or app.get("vega_lite_chart")  # the bar chart
    assert [b.label.split("（")[0] for b in app.download_button] == [
        "下载审核意见 .xlsx",
        "下载审核意见 Markdown",
    ]
    table = app.dataframe[0].value  # the indicator table with a 标记 column
    flagged = table[table["表"] == 8]
    assert flagged["标记"].str.contains("成本指标与预算不符").any()
    areas = app.dataframe[1].value
    assert "⚠ 无项目安排资金" in set(areas["状态"])  # 矿山 targets no project funds


def test_review_filters(app):
    goto(app.run(), "review")
    upload(app, SEED.name, SEED.read_bytes())
    total = int({m.label: m.value for m in app.metric}["问题总数"])
    app.multiselect(key="review_filter_severities").set_value(["error"]).run()
    shown = int(app.tabs[0].label.split("（")[1].rstrip("）"))
    assert 0 < shown < total
    app.multiselect(key="review_filter_projects").set_value(
        ["表8 冀财资环【2022】91号-提前下达2023年中央林业改革发展资金（造林补贴、森林抚育）"]
    ).run()
    assert app.tabs[0].label == "问题清单（1）"
    assert "101.73万元" in " ".join(texts(app.markdown))
    assert set(app.dataframe[0].value["表"]) == {8}


@pytest.mark.parametrize(
    ("name", "data", "phrase"),
    [
        ("损坏.docx", b"PK\x03\x04 not really a zip", "不是有效的 Word 文档"),
        ("图片.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(200), "不是有效的 Excel 工作簿"),
        ("巨大.txt", b"a" * (50 * 1024 * 1024), "超过 30 MB 上限"),
        ("随便.txt", "今天天气很好。\n".encode() * 20, "未识别到绩效目标表"),
    ],
)
def test_review_bad_uploads_show_a_chinese_error(app, name, data, phrase):
    goto(app.run(), "review")
    upload(app, name, data)
    assert_clean(app)
    assert any(phrase in e for e in texts(app.error)), texts(app.error)
    upload(app, SEED.name, SEED.read_bytes())  # the page keeps working
    assert_clean(app)
    assert "冀财建【2023】182号资金" in " ".join(texts(app.markdown))


KB_SEED = "kb:" + __import__("assistant.kb.records", fromlist=["doc_id_for"]).doc_id_for(str(SEED.resolve()))


def test_review_a_knowledge_base_document_and_share_it_with_chat(app):
    goto(app.run(), "review")
    box = app.selectbox(key="review_document")
    assert len(box.options) == 1 and box.options[0].startswith("知识库：")
    box.set_value(KB_SEED).run()
    assert_clean(app)
    assert "冀财建【2023】182号资金" in " ".join(texts(app.markdown))
    goto(app, "chat")
    assert app.selectbox(key="chat_document").value == KB_SEED  # the same document in 问答


# -- 问答 ----------------------------------------------------------------------------------------------
def ask(at: AppTest, question: str) -> AppTest:
    return at.chat_input[0].set_value(question).run()


def test_chat_answers_with_a_citation_to_the_quoted_row(app):
    goto(app.run(), "chat")
    app.selectbox(key="chat_document").set_value(KB_SEED).run()
    ask(app, "项目8的预算是多少")
    assert_clean(app)
    user, bot = app.chat_message
    assert user.markdown[0].value == "项目8的预算是多少"
    assert "31.98" in literal(bot.markdown[0].value)
    (cite,) = bot.expander
    assert literal(cite.label).startswith("[1] 表8") and "预算数" in cite.label
    fields = cite.dataframe[0].value
    assert "31.98" in set(fields["内容"])
    ask(app, "项目8造林成活率的指标值是多少？")
    assert len(app.chat_message) == 4  # the conversation is kept
    last = app.chat_message[3]
    assert any("第" in e.label and "行" in e.label for e in last.expander)
    row = last.expander[0].dataframe[0].value
    assert list(row.columns)[:2] == ["表", "行"] and row["表"].iloc[0] == 8


def test_chat_history_is_per_document(app):
    goto(app.run(), "chat")
    app.selectbox(key="chat_document").set_value(KB_SEED).run()
    ask(app, "项目8的预算是多少")
    upload(app, "样例.docx", small_docx(), page="chat")
    assert_clean(app)
    assert app.selectbox(key="chat_document").value.startswith("upload:")
    assert len(app.chat_message) == 0
    app.selectbox(key="chat_document").set_value(KB_SEED).run()
    assert len(app.chat_message) == 2


def test_chat_streams_from_the_session_endpoint(app, no_network):
    from fake_openai import FakeOpenAI, Reply

    with FakeOpenAI() as fake:
        fake.queue(Reply(chunks=["项目8的预算", "数为31.98万元[P8-预", "算数|31.98]。"]))
        use_endpoint(app.run(), fake.url)
        goto(app, "chat")
        app.selectbox(key="chat_document").set_value(KB_SEED).run()
        ask(app, "项目8的预算是多少？")
        assert_clean(app)
        assert fake.last_request["stream"] is True and fake.last_request["model"] == "fake-model"
    bot = app.chat_message[1]
    assert "31.98万元[1]" in literal(bot.markdown[0].value)
    assert literal(bot.expander[0].label).startswith("[1] 表8")
    assert app.session_state["chat_histories"][KB_SEED][0].engine == "llm"


def test_chat_falls_back_offline_when_the_endpoint_fails(app, no_network):
    from fake_openai import FakeOpenAI

    with FakeOpenAI() as fake:
        fake.error(500, "boom", times=3)
        use_endpoint(app.run(), fake.url)
        goto(app, "chat")
        app.selectbox(key="chat_document").set_value(KB_SEED).run()
        ask(app, "项目8的预算是多少？")
    assert_clean(app)
    answer = app.session_state["chat_histories"][KB_SEED][0]
    assert answer.engine == "offline" and "31.98" in answer.text and "大模型调用失败" in answer.notice


def test_draft_uses_the_session_endpoint_and_falls_back(app, no_network):
    from fake_openai import FakeOpenAI

    with FakeOpenAI() as fake:
        fake.responder = failing
        use_endpoint(app.run(), fake.url)
        submit_draft(app)
        assert fake.requests and fake.last_request["model"] == "fake-model"
    assert_clean(app)
    d = app.session_state["draft"]
    assert d.engine == "offline" and d.notes[0].startswith("大模型起草失败")
    assert len(d.rows) >= 5


def test_review_with_llm_checks_keeps_rule_findings_when_the_endpoint_fails(app, no_network):
    from fake_openai import FakeOpenAI

    goto(app.run(), "review")
    assert not app.checkbox  # offline: no LLM option
    with FakeOpenAI() as fake:
        fake.responder = failing
        use_endpoint(app, fake.url)
        app.selectbox(key="review_document").set_value(KB_SEED).run()
        app.checkbox(key="review_use_llm").check().run()
        assert fake.requests
    assert_clean(app)
    assert any("大模型" in i for i in texts(app.info))  # the review says the LLM part was not done
    assert "冀财建【2023】182号资金" in " ".join(texts(app.markdown))


# -- 知识库 --------------------------------------------------------------------------------------------
def test_corpus_upload_ingest_and_search(tmp_path, monkeypatch):
    empty = tmp_path / "corpus"
    empty.mkdir()
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("JIXIAO_CORPUS_DIR", str(empty))
    get_settings.cache_clear()
    loaded()
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    goto(at, "corpus")
    assert "知识库还是空的：请上传往年的绩效文本。" in texts(at.info)
    at.file_uploader(key="ingest_files").set_value(
        [
            ("往年样例.docx", small_docx(), "application/octet-stream"),
            ("坏文件.xlsx", b"not a workbook", "application/octet-stream"),
        ]
    )
    one(at.button, "入库").click().run()
    assert_clean(at)
    assert any("已入库「往年样例.docx」：2 个项目" in s for s in texts(at.success))
    assert any("坏文件.xlsx" in e for e in texts(at.error))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["文档"] == "1" and metrics["项目"] == "2"
    assert at.dataframe[0].value["来源文件"].iloc[0] == "往年样例.docx"
    at.text_input(key="corpus_query").input("综合业务经费").run()
    assert_clean(at)
    assert any("综合业务经费" in m for m in texts(at.markdown))
    assert not any("得分" in m for m in texts(at.markdown))  # no raw fusion scores for a reader
    # 取消入库 cut a new file short (the run ended inside it): its partial records go, and the page says so
    from assistant.kb.records import doc_key

    (stored,) = KnowledgeBase(get_settings()).documents()
    at.session_state["ingest_current"] = ("往年样例.docx", doc_key(stored), False)
    at.run()
    assert any("已取消入库" in i for i in texts(at.info))
    assert {m.label: m.value for m in at.metric}["文档"] == "0"


def test_corpus_page_browses_the_indicator_library(app):
    goto(app.run(), "corpus")
    app.selectbox(key="lib_sector").select("medical_insurance").run()
    assert_clean(app)
    table = next(d.value for d in app.dataframe if "三级指标" in d.value.columns)
    assert set(table["领域"]) == {"医疗保障"} and len(table) >= 15
    app.selectbox(key="lib_sector").select("").run()
    app.text_input(key="lib_query").input("成活率").run()
    table = next(d.value for d in app.dataframe if "三级指标" in d.value.columns)
    assert any("成活率" in n for n in table["三级指标"]) and len(set(table["领域"])) >= 2


# -- 评测 ----------------------------------------------------------------------------------------------
def test_evals_page_without_runs(app, tmp_path, monkeypatch):
    from assistant.ui import evals

    monkeypatch.setattr(evals, "RUNS_DIR", tmp_path / "runs")
    goto(app.run(), "evals")
    assert_clean(app)
    assert any("还没有评测运行记录" in i for i in texts(app.info))


def write_run(
    root: Path, name: str, created: str, qa: float, passed: bool, scores: str | None = None
) -> None:
    """A run folder the way assistant.evals writes one: meta.json and scores.json."""
    run = root / name
    run.mkdir(parents=True)
    meta = {"name": name, "engine": "offline", "model": None, "created": created, "suites": ["qa"]}
    (run / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    case = {
        "id": "qa-8",
        "file": "qa_seed",
        "passed": passed,
        "score": float(passed),
        "reason": "" if passed else "缺少：31.98",
        "metrics": {},
    }
    body = {"format": 1, "suites": {"qa": {"score": qa, "correct": qa, "cases": [case], "label": "问答"}}}
    (run / "scores.json").write_text(scores if scores is not None else json.dumps(body), encoding="utf-8")


def test_evals_page_compares_with_the_previous_run(app, tmp_path, monkeypatch):
    from assistant.ui import evals

    runs = tmp_path / "runs"
    write_run(runs, "run-a", "2025-01-01T10:00", 0.8, passed=False)
    write_run(runs, "run-b", "2025-01-02T10:00", 0.9, passed=True)
    write_run(runs, "run-c", "2025-01-03T10:00", 0.0, passed=True, scores="{broken")
    monkeypatch.setattr(evals, "RUNS_DIR", runs)
    goto(app.run(), "evals")
    assert_clean(app)
    assert any("无法读取" in w for w in texts(app.warning))  # the newest run is shown first
    app.selectbox(key="evals_run").set_value("run-b").run()
    assert_clean(app)
    summary = app.dataframe[0].value.iloc[0]
    assert summary["评测集"] == "问答" and (summary["本次得分"], summary["上次得分"]) == (0.9, 0.8)
    assert abs(summary["变化"] - 0.1) < 1e-9 and summary["未通过→通过"] == 1
    flips = app.expander[0].dataframe[0].value
    assert flips.iloc[0]["用例"] == "qa-8" and flips.iloc[0]["变化"] == "未通过→通过"
    assert flips.iloc[0]["说明"] == "这条用例从未通过变为通过（上次未通过的原因：缺少：31.98）"
    metrics = app.expander[0].dataframe[1].value
    assert {"总分", "答案正确率"} <= set(metrics["指标"]) and metrics["说明"].str.len().min() > 5
    app.selectbox(key="evals_run").set_value("run-a").run()
    assert "没有更早的运行可对比" in " ".join(h.value for h in app.subheader)
    assert list(app.dataframe[0].value.columns) == ["评测集", "本次得分"]
