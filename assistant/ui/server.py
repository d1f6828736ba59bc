"""The app as an ASGI server (`st.App`, built in app.py): what happens at server start, and the cookie
that gives each browser its own saved work.

- `lifespan`: the corpus starts loading into the knowledge base when the server starts, not when the
  first browser opens the page; the page is usable meanwhile and shows the progress.
- `WorkspaceCookie`: a random, HttpOnly, SameSite=Strict cookie set on the first page load. Drafts, edits,
  uploaded documents and chats are saved under it in the data directory (assistant/ui/workspace.py), so
  a refresh restores them, and two browsers on the same server never see each other's work.
"""

from __future__ import annotations

import secrets
from contextlib import asynccontextmanager

COOKIE = "jixiao_workspace"
MAX_AGE = 90 * 24 * 3600  # seconds a browser keeps its workspace without visiting


@asynccontextmanager
async def lifespan(_app):
    from . import startup

    startup.begin()
    yield {}


class WorkspaceCookie:
    """Pure ASGI middleware: HTTP responses to a request without the cookie carry a new one."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or has_cookie(scope):
            await self.app(scope, receive, send)
            return
        value = f"{COOKIE}={secrets.token_urlsafe(32)}; Path=/; Max-Age={MAX_AGE}; HttpOnly; SameSite=Strict"

        async def send_with_cookie(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", value.encode())]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def has_cookie(scope) -> bool:
    for name, value in scope.get("headers") or []:
        if name == b"cookie" and any(p.strip().startswith(f"{COOKIE}=") for p in value.decode("latin-1").split(";")):
            return True
    return False
