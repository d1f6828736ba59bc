"""Layout pieces shared by several pages: the sidebar, the document picker, guarded calls."""

from __future__ import annotations

import logging

import streamlit as st

from ..errors import AssistantError, InputError
from . import resources, state
from .documents import UPLOAD_TYPES, doc_label, kb_key, parse_upload
from .services import source_text

log = logging.getLogger(__name__)


def show_error(err: Exception, doing: str) -> None:
    """A Chinese message for any failure: the library's own message, or what to do next."""
    if isinstance(err, AssistantError):
        st.error(str(err))
    else:
        log.exception("%s failed", doing)
        st.error(
            f"{doing}时出错（{err.__class__.__name__}：{err}）。请重试；如果反复出现，请把这条信息发给维护人员。"
        )


def knowledge_base():
    """The knowledge base, or None (with one error shown) when the store cannot be opened."""
    try:
        return resources.knowledge_base()
    except Exception as e:  # noqa: BLE001
        show_error(e, "打开知识库")
        return None


def sidebar() -> None:
    settings = state.session_settings()
    with st.sidebar:
        st.markdown(f"**运行模式**：{settings.mode_label}")
        kb = None
        try:
            kb = resources.knowledge_base()
            docs, projects, rows = len(kb.documents()), kb.count("project"), kb.count("indicator")
            st.markdown(f"**知识库**：{docs} 份文档 · {projects} 个项目 · {rows} 行指标")
        except Exception as e:  # noqa: BLE001
            st.warning(f"知识库暂不可用：{e}")
        ep = state.endpoint()
        with st.expander("大模型服务（仅本次会话）", expanded=False):
            st.caption(
                "填写 OpenAI 兼容接口（DeepSeek、通义千问兼容模式、vLLM、Ollama 等）。只在本次浏览器会话中生效，不会写入服务器配置。"
            )
            with st.form("endpoint_form", border=False):
                url = st.text_input(
                    "服务地址（Base URL）",
                    value=ep["base_url"] if ep else "",
                    placeholder="http://127.0.0.1:8000/v1",
                )
                key = st.text_input("API Key", value=ep["api_key"] if ep else "", type="password")
                model = st.text_input(
                    "模型名称", value=ep["model"] if ep else "", placeholder="qwen2.5-7b-instruct"
                )
                saved = st.form_submit_button("保存")
            if saved:
                problem = state.set_endpoint(url, key, model)
                if problem:
                    st.error(problem)
                else:
                    st.rerun()
            if ep and st.button("恢复默认设置", key="endpoint_clear"):
                state.clear_endpoint()
                st.rerun()
        del kb


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
            state.add_document(key, doc_label(doc, "上传："), doc)
            state.open_documents()[key].source_text = source_text(data, name)
            seen[key] = ""
    if seen[key]:
        st.error(seen[key])


def document_picker(page: str, kb) -> state.OpenDocument | None:
    """Upload a file or choose an opened/ingested one. The choice is shared by the 审核 and 问答 pages."""
    upload = st.file_uploader(
        "上传绩效文本（.docx / .xlsx / .pdf / .txt）",
        type=UPLOAD_TYPES,
        key=f"{page}_upload",
        help="单个文件不超过 30 MB。也可以在下方选择知识库中已入库的文档。",
    )
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
