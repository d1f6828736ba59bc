"""Streamlit entry: 绩效目标助手. `streamlit run app.py` (or `python app.py`) serves the app.

This file only builds the server: the page script is assistant/ui/main.py, the pages are
assistant/ui/pages/*. `lifespan` starts loading corpus/ into the knowledge base when the server starts,
and the cookie middleware gives each browser its own saved work (assistant/ui/server.py).
"""

import streamlit as st
from starlette.middleware import Middleware

from assistant.ui.server import WorkspaceCookie, lifespan

app = st.App("assistant/ui/main.py", lifespan=lifespan, middleware=[Middleware(WorkspaceCookie)])

if __name__ == "__main__":
    app.run()
