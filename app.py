"""Streamlit entry: 绩效目标助手. Pages hold layout only; logic lives in `assistant/`."""

import streamlit as st

from assistant.settings import get_settings

st.set_page_config(page_title="绩效目标助手", layout="wide")
st.title("绩效目标助手")
st.sidebar.write(f"运行模式：{get_settings().mode_label}")
st.write("起草、审核、问答、知识库与评测页面正在建设中。")
