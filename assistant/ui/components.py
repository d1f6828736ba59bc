"""Layout pieces shared by several pages: the sidebar, the document picker, guarded calls."""

from __future__ import annotations

import logging

import streamlit as st

from ..errors import AssistantError, InputError
from ..safetext import inline, plain
from . import chrome, resources, startup, state
from .documents import UPLOAD_TYPES, doc_label, kb_key, parse_upload
from .services import source_text

log = logging.getLogger(__name__)


def show_error(err: Exception, doing: str) -> None:
    """A Chinese message for any failure: the library's own message, or what to do next. Messages may
    quote a file name or document text, so they are shown literally."""
    if isinstance(err, AssistantError):
        st.error(plain(state.for_this_session(str(err))))
    else:
        log.exception("%s failed", doing)
        st.error(
            plain(
                f"{doing}时出错（{err.__class__.__name__}：{err}）。请重试；如果反复出现，请把这条信息发给维护人员。"
            )
        )


def knowledge_base():
    """The knowledge base once the first-start load has finished, else None (the page says why)."""
    if not startup.ready():
        return None
    try:
        return resources.knowledge_base()
    except Exception as e:  # noqa: BLE001
        show_error(e, "打开知识库")
        return None


def loading_notice() -> None:
    """A line for pages that wait for the knowledge base."""
    if not startup.ready():
        st.info("知识库正在载入往年资料（进度见左侧），完成后即可使用知识库中的文档；现在可以先上传文件。")


@st.fragment(run_every=1.0)
def _loading_progress() -> None:
    """The first-start load's progress, refreshed every second; the whole page reruns when it ends."""
    load = startup.status()
    if load.finished:
        st.rerun(scope="app")
    st.progress(load.fraction, text=plain(load.label()))


def _kb_status() -> None:
    load = startup.status()
    if not load.finished:
        _loading_progress()
        return
    if load.error:
        st.warning(plain(load.label()))
    if load.summary:
        with st.expander("入库时跳过的文件"):
            st.markdown(plain(load.summary))
    try:
        kb = resources.knowledge_base()
        docs, projects, rows = len(kb.documents()), kb.count("project"), kb.count("indicator")
        st.markdown(f"**知识库**：{docs} 份文档 · {projects} 个项目 · {rows} 行指标")
    except Exception as e:  # noqa: BLE001
        st.warning(plain(f"知识库暂不可用：{e}"))


def _endpoint_form() -> None:
    ep = state.endpoint()
    st.caption(
        "填写 OpenAI 兼容接口（DeepSeek、通义千问兼容模式、vLLM、Ollama 等）。只在本次浏览器会话中生效，不会写入服务器配置。"
    )
    with st.form("endpoint_form", border=False, clear_on_submit=True):
        url = st.text_input(
            "服务地址", value=ep["base_url"] if ep else "", placeholder="http://127.0.0.1:8000/v1"
        )
        # Write-only: the key is never sent back to the browser, not even as this field's value.
        key = st.text_input(
            "访问密钥",
            value="",
            type="password",
            placeholder="已设置（留空则不修改）" if ep and ep["api_key"] else "没有可以不填",
        )
        model = st.text_input("模型名称", value=ep["model"] if ep else "", placeholder="qwen2.5-7b-instruct")
        saved = st.form_submit_button("保存")
    if saved:
        problem = state.set_endpoint(url, key, model)
        if problem:
            st.error(plain(problem))
        else:
            st.rerun()
    if ep:
        c1, c2 = st.columns(2)
        if ep["api_key"]:
            c1.markdown("访问密钥：**已设置**")
            if c2.button("清除密钥", key="endpoint_clear_key"):
                state.clear_endpoint_key()
                st.rerun()
        if st.button("恢复默认设置", key="endpoint_clear"):
            state.clear_endpoint()
            st.rerun()


def _connection_test() -> None:
    settings = state.session_settings()
    if not settings.llm_enabled:
        return
    if st.button("测试连接", key="endpoint_test", help="列出模型并试答一句，几秒内给出结果"):
        from ..llm import probe_endpoint

        with st.spinner("正在测试连接…"):
            steps = probe_endpoint(settings)
        for s in steps:
            text = plain(state.for_this_session(f"{s.name}：{s.detail}"))
            (st.success if s.ok else st.error)(text)


def sidebar() -> None:
    settings = state.session_settings()
    with st.sidebar:
        st.title("绩效目标助手")
        st.markdown(f"**运行模式**：{inline(settings.mode_label)}")
        _kb_status()
        with st.expander("大模型服务（仅本次会话）", expanded=False):
            _endpoint_form()
            _connection_test()


def _handle_upload(data: bytes, name: str) -> None:
    key = state.upload_key(data, name)
    seen = state.parsed_uploads()
    if key not in seen:
        try:
            doc = parse_upload(data, name)
        except InputError as e:
            seen[key] = str(e)
        except Exception as e:  # noqa: BLE001 - parse_upload turns reader bugs into InputError already
            seen[key] = f"无法读取文件「{name}」（{e.__class__.__name__}）。"
        else:
            state.add_document(key, doc_label(doc, "上传："), doc, source_text=source_text(data, name), save=True)
            seen[key] = ""
    if seen[key]:
        st.error(plain(seen[key]))


def uploader(label: str, key: str, *, multiple: bool = False):
    """A file uploader with the configured size limit (JIXIAO_MAX_FILE_MB) stated in Chinese."""
    return st.file_uploader(
        label,
        type=UPLOAD_TYPES,
        key=key,
        accept_multiple_files=multiple,
        max_upload_size=chrome.upload_limit_mb(),
        help=f"{chrome.limit_text()}，支持 .docx、.xlsx、.pdf、.txt（及本工具导出的 .json）。",
    )


def document_picker(page: str, kb) -> state.OpenDocument | None:
    """Upload a file or choose an opened/ingested one. The choice is shared by the 审核 and 问答 pages."""
    upload = uploader("上传绩效文本（.docx / .xlsx / .pdf / .txt）", f"{page}_upload")
    if upload is not None:
        _handle_upload(upload.getvalue(), upload.name)
    opened = state.open_documents()
    labels = {k: d.label for k, d in opened.items()}
    kb_docs = {}
    if kb is not None:
        try:
            kb_docs = {kb_key(d): d for d in kb.documents()}
        except Exception as e:  # noqa: BLE001
            show_error(e, "读取知识库文档列表")
    else:
        loading_notice()
    for k, d in kb_docs.items():
        labels.setdefault(k, doc_label(d, "知识库："))
    if not labels:
        st.info("请上传一份绩效文本，或先在「知识库」页入库往年资料。")
        return None
    widget = f"{page}_document"
    current = state.current_key()
    if current not in labels:
        current = None
    st.session_state[widget] = current
    st.selectbox(
        "当前文档",
        options=list(labels),
        format_func=labels.get,
        key=widget,
        index=None,
        placeholder="请选择要查看的文档",
        on_change=lambda: state.set_current(st.session_state[widget]),
    )
    chosen = st.session_state[widget]
    if chosen is None:
        return None
    if chosen not in opened and chosen in kb_docs:
        doc = kb_docs[chosen]
        state.add_document(chosen, labels[chosen], doc, select=True)
    state.set_current(chosen)
    return state.open_documents()[chosen]
