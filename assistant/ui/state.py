"""Session state: the per-session model endpoint, the documents a session has opened, chat histories
and review results per document. Uploaded documents, chats and what was open are also saved in this
browser's workspace (workspace.py) and restored by `restore_workspace` after a refresh."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import streamlit as st
from pydantic import SecretStr

from ..models import Answer, Document
from ..settings import Settings, get_settings
from .server import COOKIE
from .workspace import Workspace

ENDPOINT = "llm_endpoint"  # {"base_url", "api_key", "model"} set in the sidebar, this session only
DOCUMENTS = "documents"  # doc key -> OpenDocument
CURRENT = "current_document"  # doc key shared by 审核 and 问答
UPLOADS = "parsed_uploads"  # upload key -> doc key, or the Chinese error message
CHATS = "chat_histories"  # doc key -> list[Answer]
REVIEWS = "review_results"  # doc key -> review result
WORKSPACE, RESTORED, TOKEN = "workspace", "workspace_restored", "workspace_token"


@dataclass
class OpenDocument:
    key: str
    label: str
    doc: Document
    source_text: str | None = None  # raw text of an uploaded .txt, for the review's residue rule


def _bucket(name: str) -> dict:
    if name not in st.session_state:
        st.session_state[name] = {}
    return st.session_state[name]


# -- this browser's saved work -------------------------------------------------------------------------
def browser_token() -> str:
    """The browser's workspace cookie; without one (AppTest, cookies blocked) a token for this session
    only, so nothing is shared and nothing survives a refresh."""
    token = st.context.cookies.get(COOKIE)
    if isinstance(token, str) and len(token) >= 16:
        return token
    if TOKEN not in st.session_state:
        st.session_state[TOKEN] = secrets.token_urlsafe(32)
    return st.session_state[TOKEN]


def workspace() -> Workspace:
    if WORKSPACE not in st.session_state:
        st.session_state[WORKSPACE] = Workspace.for_token(get_settings().data_dir, browser_token())
    return st.session_state[WORKSPACE]


def restore_workspace() -> dict[str, str]:
    """Once per session: reopen the saved documents and the open document. Returns what was open
    ({"draft": id, "document": key}) the first time, {} afterwards (draft_state reopens the draft)."""
    if st.session_state.get(RESTORED):
        return {}
    st.session_state[RESTORED] = True
    ws = workspace()
    for item in ws.documents():
        loaded = ws.load_document(item.id)
        if loaded is not None:
            label, doc, text = loaded
            open_documents()[item.id] = OpenDocument(item.id, label, doc, text)
    opened = ws.opened()
    if opened.get("document"):
        st.session_state[CURRENT] = opened["document"]
    return opened


# -- model endpoint ----------------------------------------------------------------------------------
def endpoint() -> dict[str, str] | None:
    return st.session_state.get(ENDPOINT)


def set_endpoint(base_url: str, api_key: str, model: str) -> str | None:
    """Store a session endpoint; returns a Chinese error message instead when it cannot work. An empty
    key keeps the one entered before (the field never shows it again)."""
    base_url, model = base_url.strip(), model.strip()
    if not base_url or not model:
        return "请同时填写服务地址和模型名称。"
    if not base_url.startswith(("http://", "https://")):
        return f"服务地址「{base_url}」无效，请填写形如 http://主机:端口/v1 的地址。"
    old = endpoint() or {}
    key = api_key.strip() or old.get("api_key", "")
    st.session_state[ENDPOINT] = {"base_url": base_url, "api_key": key, "model": model}
    return None


def clear_endpoint_key() -> None:
    if ep := endpoint():
        ep["api_key"] = ""


def clear_endpoint() -> None:
    st.session_state.pop(ENDPOINT, None)


def session_settings() -> Settings:
    """The configured settings, with this session's endpoint (if any) laid over them. Nothing global
    changes: other sessions and the environment keep their own endpoint."""
    base = get_settings()
    ep = endpoint()
    if not ep:
        return base
    return base.model_copy(
        update={
            "llm_base_url": ep["base_url"],
            "llm_api_key": SecretStr(ep["api_key"]),
            "llm_model": ep["model"],
        }
    )


# Library messages name the server's settings; a user who typed the endpoint in the sidebar fixes it there.
_SIDEBAR_WORDS = [
    ("JIXIAO_LLM_BASE_URL、JIXIAO_LLM_MODEL", "侧栏「大模型服务」中的服务地址和模型名称"),
    ("JIXIAO_LLM_BASE_URL", "侧栏「大模型服务」中的服务地址"),
    ("JIXIAO_LLM_MODEL", "侧栏「大模型服务」中的模型名称"),
    ("JIXIAO_LLM_API_KEY", "侧栏「大模型服务」中的访问密钥"), ("API 密钥", "访问密钥"),
    ("调大 JIXIAO_LLM_TIMEOUT、", ""),
]


def sidebar_wording(message: str) -> str:
    """A library message that names the server's LLM settings, reworded for an endpoint set in the sidebar."""
    for env, words in _SIDEBAR_WORDS:
        message = message.replace(env, words)
    return message


def for_this_session(message: str) -> str:
    """A library message worded for where this session's endpoint was set."""
    return sidebar_wording(message) if endpoint() else message


# -- documents ---------------------------------------------------------------------------------------
def upload_key(data: bytes, name: str) -> str:
    return "upload:" + hashlib.sha256(name.encode() + b"\x00" + data).hexdigest()[:16]


def open_documents() -> dict[str, OpenDocument]:
    return _bucket(DOCUMENTS)


def add_document(
    key: str, label: str, doc: Document, select: bool = True, source_text: str | None = None, save: bool = False
) -> None:
    """Open a document in this session; `save` keeps it in the browser's workspace (uploads)."""
    open_documents()[key] = OpenDocument(key, label, doc, source_text)
    if save:
        workspace().save_document(key, label, doc, source_text)
    if select:
        set_current(key)


def remove_document(key: str) -> None:
    open_documents().pop(key, None)
    _bucket(CHATS).pop(key, None)
    for k in [k for k in _bucket(REVIEWS) if k == key or k.startswith(f"{key}|")]:
        _bucket(REVIEWS).pop(k, None)
    workspace().remove_document(key)
    if current_key() == key:
        st.session_state[CURRENT] = None


def current_key() -> str | None:
    return st.session_state.get(CURRENT)


def set_current(key: str | None) -> None:
    if st.session_state.get(CURRENT) != key:
        st.session_state[CURRENT] = key
    workspace().set_opened(document=key)


def parsed_uploads() -> dict[str, str]:
    return _bucket(UPLOADS)


# -- per-document results ----------------------------------------------------------------------------
def chat_history(doc_key: str) -> list[Answer]:
    chats = _bucket(CHATS)
    if doc_key not in chats:
        chats[doc_key] = workspace().load_chat(doc_key)
    return chats[doc_key]


def save_chat(doc_key: str) -> None:
    workspace().save_chat(doc_key, chat_history(doc_key))


def clear_chat(doc_key: str) -> None:
    _bucket(CHATS)[doc_key] = []
    workspace().remove_chat(doc_key)


def review_result(doc_key: str) -> Any | None:
    return _bucket(REVIEWS).get(doc_key)


def set_review_result(doc_key: str, result: Any) -> None:
    _bucket(REVIEWS)[doc_key] = result
