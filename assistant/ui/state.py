"""Session-state helpers: the per-session model endpoint, the documents a session has opened, chat
histories and review results per document. Everything here lives in `st.session_state` only."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import streamlit as st
from pydantic import SecretStr

from ..models import Answer, Document
from ..settings import Settings, get_settings

ENDPOINT = "llm_endpoint"  # {"base_url", "api_key", "model"} set in the sidebar, this session only
DOCUMENTS = "documents"  # doc key -> OpenDocument
CURRENT = "current_document"  # doc key shared by 审核 and 问答
UPLOADS = "parsed_uploads"  # upload key -> doc key, or the Chinese error message
CHATS = "chat_histories"  # doc key -> list[Answer]
REVIEWS = "review_results"  # doc key -> review result


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


# -- model endpoint ----------------------------------------------------------------------------------
def endpoint() -> dict[str, str] | None:
    return st.session_state.get(ENDPOINT)


def set_endpoint(base_url: str, api_key: str, model: str) -> str | None:
    """Store a session endpoint; returns a Chinese error message instead when it cannot work."""
    base_url, model = base_url.strip(), model.strip()
    if not base_url or not model:
        return "请同时填写服务地址和模型名称。"
    if not base_url.startswith(("http://", "https://")):
        return f"服务地址「{base_url}」无效，请填写形如 http://主机:端口/v1 的地址。"
    st.session_state[ENDPOINT] = {"base_url": base_url, "api_key": api_key.strip(), "model": model}
    return None


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


# -- documents ---------------------------------------------------------------------------------------
def upload_key(data: bytes, name: str) -> str:
    return "upload:" + hashlib.sha256(name.encode() + b"\x00" + data).hexdigest()[:16]


def open_documents() -> dict[str, OpenDocument]:
    return _bucket(DOCUMENTS)


def add_document(key: str, label: str, doc: Document, select: bool = True) -> None:
    open_documents()[key] = OpenDocument(key, label, doc)
    if select:
        st.session_state[CURRENT] = key


def current_key() -> str | None:
    return st.session_state.get(CURRENT)


def set_current(key: str | None) -> None:
    st.session_state[CURRENT] = key


def parsed_uploads() -> dict[str, str]:
    return _bucket(UPLOADS)


# -- per-document results ----------------------------------------------------------------------------
def chat_history(doc_key: str) -> list[Answer]:
    return _bucket(CHATS).setdefault(doc_key, [])


def clear_chat(doc_key: str) -> None:
    _bucket(CHATS).pop(doc_key, None)


def review_result(doc_key: str) -> Any | None:
    return _bucket(REVIEWS).get(doc_key)


def set_review_result(doc_key: str, result: Any) -> None:
    _bucket(REVIEWS)[doc_key] = result
