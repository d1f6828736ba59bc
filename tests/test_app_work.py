"""Work that survives and settings that help: a browser's drafts, edits, uploads and chats saved in the data
directory and restored in a new session (a refresh), listed on 首页 and removable, never shared between
browsers; the API key field write-only; 测试连接 bounded in time against a hanging server."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest
from test_app_pages import (
    APP,
    KB_SEED,
    SEED,
    TIMEOUT,
    ask,
    assert_clean,
    editor_key,
    goto,
    literal,
    loaded,
    one,
    submit_draft,
    texts,
    upload,
    use_endpoint,
)
from test_app_pages import store as store  # noqa: F401 - the shared ingested store fixture

from assistant.models import Answer
from assistant.settings import Settings, get_settings
from assistant.ui import state
from assistant.ui.workspace import Workspace


@pytest.fixture
def browser(store, monkeypatch):  # noqa: F811
    """A function opening a new session (a page load) for one browser, by its workspace cookie."""
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(store))
    get_settings.cache_clear()
    loaded()

    def open_session(token: str) -> AppTest:
        monkeypatch.setattr(state, "browser_token", lambda: token)
        return AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()

    return open_session


# -- the workspace files -------------------------------------------------------------------------------
def test_workspace_round_trip_and_isolation(tmp_path, seed_doc):
    from assistant.models import Draft, DraftRequest, Project

    a, b = Workspace.for_token(tmp_path, "browser-a" * 4), Workspace.for_token(tmp_path, "browser-b" * 4)
    assert a.root != b.root and "browser" not in str(a.root)  # the cookie itself is not on disk
    draft = Draft(request=DraftRequest(name="测试项目", budget=3, year=2026), project=Project(name="测试项目", budget=3))
    a.save_draft("0123456789abcdef", draft, [{"三级指标": "改过的行"}])
    a.save_document("upload:1", "上传：种子", seed_doc, "原文")
    a.save_chat("upload:1", [Answer(question="问", text="答")])
    assert [d.label for d in a.drafts()] == ["测试项目（3 万元，2026 年度）"]
    loaded_draft, rows = a.load_draft("0123456789abcdef")
    assert loaded_draft.project.name == "测试项目" and rows == [{"三级指标": "改过的行"}]
    assert a.load_document("upload:1")[1].projects[7].budget == seed_doc.projects[7].budget
    assert a.load_chat("upload:1")[0].text == "答"
    assert b.drafts() == [] and b.documents() == [] and b.load_chat("upload:1") == []
    assert a.opened() == {"draft": "0123456789abcdef"}
    (a.root / "drafts" / "ffffffffffffffff.json").write_text("{broken", encoding="utf-8")
    assert len(a.drafts()) == 1 and a.load_draft("ffffffffffffffff") is None  # skipped, never fatal
    assert a.load_draft("../../etc/passwd") is None
    a.remove_document("upload:1")
    assert a.documents() == [] and a.load_chat("upload:1") == []
    a.clear()
    assert not a.root.exists()


# -- restored after a refresh --------------------------------------------------------------------------
def test_draft_and_edits_are_restored_in_a_new_session(browser):
    first = submit_draft(browser("draft-browser-token-1"))
    first.session_state[editor_key(first)] = {
        "edited_rows": {0: {"指标值": "≥7万亩"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    first.run()
    again = browser("draft-browser-token-1")  # a refresh: a new session, the same cookie
    assert_clean(again)
    assert "松材线虫病防治经费" in " ".join(texts(again.markdown))  # 首页 lists it
    goto(again, "draft")
    assert literal(again.subheader[0].value) == "松材线虫病防治经费"
    assert again.data_editor[0].value["指标值"].iloc[0] == "≥7万亩"  # the edit too
    other = browser("someone-else-token-2")  # another browser on the same server sees nothing
    assert "还没有草稿" in " ".join(texts(other.caption))
    goto(other, "draft")
    assert not other.data_editor


def test_uploaded_document_and_chat_are_restored_then_removed(browser):
    first = goto(browser("doc-browser-token-3"), "chat")
    upload(first, SEED.name, SEED.read_bytes(), page="chat")
    ask(first, "项目8的预算是多少")
    assert_clean(first)
    again = goto(browser("doc-browser-token-3"), "review")
    assert_clean(again)
    assert again.selectbox(key="review_document").value.startswith("upload:")  # open again, selected
    assert "冀财建【2023】182号资金" in " ".join(texts(again.markdown))
    goto(again, "chat")
    assert len(again.chat_message) == 2 and "31.98" in literal(again.chat_message[1].markdown[0].value)
    goto(again, "home")
    remove = next(b for b in again.button if b.key and b.key.startswith("home_remove_doc_"))
    remove.click().run()
    assert_clean(again)
    assert "还没有上传的文档" in " ".join(texts(again.caption))
    third = goto(browser("doc-browser-token-3"), "review")
    box = third.selectbox(key="review_document")
    assert all(not o.startswith("upload:") for o in box.options)


def test_a_saved_draft_is_opened_and_removed_from_home(browser):
    at = submit_draft(browser("home-browser-token-4"), name="2025年高标准农田建设项目")
    assert any("与预算年度" in w for w in texts(at.warning))  # the name's year is not the budget year
    goto(at, "home")
    one(at.button, "打开").click().run()
    assert_clean(at)
    assert literal(at.subheader[0].value) == "2025年高标准农田建设项目"
    goto(at, "home")
    next(b for b in at.button if b.key and b.key.startswith("home_remove_draft_")).click().run()
    assert "还没有草稿" in " ".join(texts(at.caption))
    goto(at, "draft")
    assert not at.data_editor


# -- the model endpoint --------------------------------------------------------------------------------
def test_api_key_is_write_only(browser):
    at = browser("key-browser-token-5")
    use_endpoint(at, "http://127.0.0.1:9/v1", key="sk-very-secret-0123")
    assert_clean(at)
    field = one(at.sidebar.text_input, "访问密钥")
    assert field.value == "" and "sk-very-secret" not in str(field.proto)  # never sent back
    assert "已设置" in field.placeholder
    assert any("已设置" in m for m in texts(at.sidebar.markdown))
    assert state.endpoint.__module__  # the key stays server-side, in this session only
    assert at.session_state[state.ENDPOINT]["api_key"] == "sk-very-secret-0123"
    one(at.sidebar.text_input, "模型名称").input("other-model")
    one(at.sidebar.button, "保存").click().run()  # saving again with the field empty keeps the key
    assert at.session_state[state.ENDPOINT]["api_key"] == "sk-very-secret-0123"
    at.button(key="endpoint_clear_key").click().run()
    assert at.session_state[state.ENDPOINT]["api_key"] == ""


def test_messages_name_the_sidebar_when_the_endpoint_was_set_there(browser, no_network):
    msg = "无法连接大模型服务 http://x：请检查 JIXIAO_LLM_BASE_URL 与服务是否已启动，或改用离线引擎。"
    assert "侧栏「大模型服务」中的服务地址" in state.sidebar_wording(msg)
    at = browser("words-browser-token-6")
    use_endpoint(at, "http://127.0.0.1:9/v1")  # nothing listens there
    goto(at, "chat")
    at.selectbox(key="chat_document").set_value(KB_SEED).run()
    ask(at, "项目8的预算是多少？")
    assert_clean(at)
    notice = " ".join(texts(at.caption))
    assert "侧栏" in notice and "JIXIAO_LLM_BASE_URL" not in notice, notice


def test_connection_test_reports_what_works(no_network):
    from fake_openai import FakeOpenAI

    from assistant.llm import probe_endpoint

    with FakeOpenAI() as fake:
        fake.reply("好")
        steps = probe_endpoint(Settings(llm_base_url=fake.url, llm_model="fake-model"))
    assert [s.ok for s in steps] == [True, True]
    assert "其中有「fake-model」" in steps[0].detail and "已回答" in steps[1].detail


def test_connection_test_answers_within_seconds_against_a_hanging_server(no_network):
    from fake_openai import FakeOpenAI

    from assistant.llm import probe_endpoint

    with FakeOpenAI() as fake:
        fake.hang_seconds = 60
        start = time.monotonic()
        steps = probe_endpoint(Settings(llm_base_url=fake.url, llm_model="fake-model"), timeout=2)
        elapsed = time.monotonic() - start
    assert elapsed < 5 and not any(s.ok for s in steps)
    assert all("没有响应" in s.detail for s in steps), [s.detail for s in steps]


def test_connection_test_button_in_the_sidebar(browser, no_network):
    from fake_openai import FakeOpenAI

    at = browser("probe-browser-token-7")
    with FakeOpenAI() as fake:
        fake.reply("好")
        use_endpoint(at, fake.url)
        at.button(key="endpoint_test").click().run()
    assert_clean(at)
    assert any("模型列表" in s for s in texts(at.sidebar.success))
    assert any("试答" in s for s in texts(at.sidebar.success))


def test_kb_document_choice_is_restored(browser):
    at = goto(browser("kb-browser-token-8"), "review")
    at.selectbox(key="review_document").set_value(KB_SEED).run()
    again = goto(browser("kb-browser-token-8"), "chat")
    assert again.selectbox(key="chat_document").value == KB_SEED
