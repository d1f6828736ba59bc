"""Streamlit's own page furniture in Chinese, where no setting does it.

Settings cover what they can (.streamlit/config.toml: toolbarMode = "minimal" hides the ⋮ menu,
showErrorDetails = "none"); the pages use our own buttons and labels. What remains English inside
Streamlit's components (the uploader's "Upload" and "… per file", the multiselect's "Select all", the
"Running… Stop" widget, the skip link) is replaced here with CSS: the English node is hidden and a
Chinese text takes its place. The selectors are Streamlit's `data-testid`s, which its own tests rely on;
tests/test_e2e_browser.py reads the page's visible text and fails if an English word comes back.
"""

from __future__ import annotations

import streamlit as st

from ..settings import get_settings


def limit_text(max_mb: float | None = None) -> str:
    """The upload limit as the uploader shows it."""
    mb = get_settings().max_file_mb if max_mb is None else max_mb
    return f"单个文件不超过 {mb:g} MB"


def upload_limit_mb() -> int:
    """The uploader's own limit (whole MB): the configured JIXIAO_MAX_FILE_MB, rounded up."""
    mb = get_settings().max_file_mb
    return max(1, int(mb) + (0 if float(mb).is_integer() else 1))


def css(max_mb: float | None = None) -> str:
    limit = limit_text(max_mb)
    return f"""
<style>
/* file uploader: "Upload" button, "30MB per file • DOCX, …", a rejected file's English reason */
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button span[data-has-shortcut]::after {{ content: "选择文件"; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div {{ display: none; }}
[data-testid="stFileUploaderDropzoneInstructions"]::after {{
  content: "{limit}；也可以把文件拖到这里"; font-size: 0.875rem; opacity: 0.7;
}}
[data-testid="stFileChip"][aria-invalid="true"] [role="alert"] {{ display: none; }}
[data-testid="stFileChip"][aria-invalid="true"]::after {{
  content: "未上传：文件过大或类型不符（{limit}）"; font-size: 0.8rem; color: #d9534f; margin-left: 0.5rem;
}}
/* multiselect: "Select all" */
[role="option"][data-key="__select_all__"] > div {{ display: none; }}
[role="option"][data-key="__select_all__"]::after {{ content: "全选"; }}
/* "Running… Stop" at the top right: our own progress bars and 取消 buttons show long work */
[data-testid="stStatusWidget"] {{ display: none !important; }}
/* keyboard users' skip link */
a[data-testid="stSkipToContent"] {{ font-size: 0; }}
a[data-testid="stSkipToContent"]::after {{ content: "跳到正文"; font-size: 1rem; }}
</style>
"""


def apply() -> None:
    """Put the Chinese chrome on this page (an invisible style element)."""
    st.html(css())
