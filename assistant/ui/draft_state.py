"""The 起草 page's session state: the current draft, the grid its editor starts from (the base), the
editor's latest output, and a version that names the editor widget.

A data_editor's edits are deltas against its input, and Streamlit drops a widget's state when the user
visits another page. So the editor's output is copied into session state on every run; when the widget
state is gone, the saved rows become the new base under a new editor key, and no edit is lost.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ..models import Draft
from . import draft_grid

DRAFT, BASE, EDITED, VERSION, FIXES = "draft", "draft_base", "draft_edited", "draft_version", "draft_fixes"


def current() -> Draft | None:
    return st.session_state.get(DRAFT)


def editor_key() -> str:
    return f"draft_editor_{st.session_state.get(VERSION, 0)}"


def set_draft(d: Draft) -> None:
    """A new base: the draft, its grid, a fresh editor; a pending auto-fix proposal is dropped."""
    rows = draft_grid.grid_rows(d)
    st.session_state[DRAFT] = d
    st.session_state[BASE] = rows
    st.session_state[EDITED] = rows
    st.session_state[VERSION] = st.session_state.get(VERSION, 0) + 1
    st.session_state.pop(FIXES, None)


def restore_edits() -> str:
    """The editor key to render under; saved edits become the base when the widget state was dropped."""
    key = editor_key()
    if key not in st.session_state and st.session_state.get(EDITED) != st.session_state.get(BASE):
        st.session_state[BASE] = st.session_state[EDITED]
        st.session_state[VERSION] += 1
        key = editor_key()
    return key


def base_rows() -> list[dict[str, Any]]:
    return st.session_state[BASE]


def edited_rows() -> list[dict[str, Any]]:
    return st.session_state[EDITED]


def save_edits(rows: list[dict[str, Any]]) -> None:
    st.session_state[EDITED] = rows


def is_edited() -> bool:
    return st.session_state.get(EDITED) != st.session_state.get(BASE)


def set_fixes(proposal: tuple[Draft, list[str]] | None) -> None:
    st.session_state[FIXES] = proposal


def fixes() -> tuple[Draft, list[str]] | None:
    return st.session_state.get(FIXES)
