"""The 起草 page's session state: the current draft, the grid its editor starts from (the base), the
editor's latest output, and a version that names the editor widget.

A data_editor's edits are deltas against its input, and Streamlit drops a widget's state when the user
visits another page. So the editor's output is copied into session state on every run; when the widget
state is gone, the saved rows become the new base under a new editor key, and no edit is lost.
Every draft and its edits are also saved in the browser's workspace, so a refresh restores them.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ..models import Draft
from . import draft_grid, state
from .workspace import Workspace

DRAFT, BASE, EDITED, VERSION, FIXES = "draft", "draft_base", "draft_edited", "draft_version", "draft_fixes"
DRAFT_ID = "draft_id"  # the workspace file the current draft is saved under


def current() -> Draft | None:
    return st.session_state.get(DRAFT)


def editor_key() -> str:
    return f"draft_editor_{st.session_state.get(VERSION, 0)}"


def draft_id() -> str | None:
    return st.session_state.get(DRAFT_ID)


def _show(d: Draft, rows: list[dict[str, Any]]) -> None:
    st.session_state[DRAFT] = d
    st.session_state[BASE] = rows
    st.session_state[EDITED] = rows
    st.session_state[VERSION] = st.session_state.get(VERSION, 0) + 1
    st.session_state.pop(FIXES, None)


def set_draft(d: Draft, *, new: bool = False) -> None:
    """A new base: the draft, its grid, a fresh editor; a pending auto-fix proposal is dropped. `new`
    starts another saved draft; otherwise the current one is updated (re-check, auto-fix)."""
    rows = draft_grid.grid_rows(d)
    _show(d, rows)
    if new or DRAFT_ID not in st.session_state:
        st.session_state[DRAFT_ID] = Workspace.new_draft_id()
    state.workspace().save_draft(st.session_state[DRAFT_ID], d, rows)


def open_saved(saved_id: str) -> bool:
    """Show a saved draft with its edits; False when it cannot be read any more."""
    loaded = state.workspace().load_draft(saved_id)
    if loaded is None:
        return False
    d, rows = loaded
    _show(d, rows)
    st.session_state[DRAFT_ID] = saved_id
    state.workspace().set_opened(draft=saved_id)
    return True


def close() -> None:
    """No draft shown (the saved one stays in the list)."""
    for k in (DRAFT, BASE, EDITED, DRAFT_ID, FIXES):
        st.session_state.pop(k, None)
    state.workspace().set_opened(draft=None)


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
    """The editor's latest rows; written to the workspace only when they changed."""
    if rows == st.session_state.get(EDITED):
        return
    st.session_state[EDITED] = rows
    if (d := current()) is not None and draft_id():
        state.workspace().save_draft(draft_id(), d, rows)


def is_edited() -> bool:
    return st.session_state.get(EDITED) != st.session_state.get(BASE)


def set_fixes(proposal: tuple[Draft, list[str]] | None) -> None:
    st.session_state[FIXES] = proposal


def fixes() -> tuple[Draft, list[str]] | None:
    return st.session_state.get(FIXES)
