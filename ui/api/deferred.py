"""``DeferredApp``: an ASGI app mounted when the web app is built, served by another one later.

The chat UI takes seconds to build (importing Gradio, building the page), so the server opens
its port first and builds it afterwards (``ui.api.app``). Until it is set, a request for a page
gets 503 with ``Retry-After`` and a short page that says the assistant is starting and reloads
itself; ``/readyz`` says not ready meanwhile.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import HTMLResponse
from starlette.types import Receive, Scope, Send

RETRY_AFTER_S = 2
STARTING_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="{RETRY_AFTER_S}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Starting up - LGA transformation assistant</title></head>
<body style="font-family: Arial, sans-serif; margin: 2rem; color: #0b0c0c">
<h1>The assistant is starting up</h1>
<p>This page reloads by itself in a few seconds.</p>
</body></html>
"""
FAILED_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Chat unavailable</title></head>
<body style="font-family: Arial, sans-serif; margin: 2rem; color: #0b0c0c">
<h1>The chat could not start</h1>
<p>The API still answers under <a href="/docs">/api</a>. The server log says why.</p>
</body></html>
"""


class DeferredApp:
    """Serves ``app`` once it is set; until then a "starting up" 503 (or, after ``fail``, a
    "could not start" 503)."""

    def __init__(self) -> None:
        self.app: Any = None
        self.failed = False

    def fail(self) -> None:
        self.failed = True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is not None:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1013})  # "try again later"
            return
        page, headers = FAILED_PAGE, {"Cache-Control": "no-store"}
        if not self.failed:
            page = STARTING_PAGE
            headers["Retry-After"] = str(RETRY_AFTER_S)
        await HTMLResponse(page, status_code=503, headers=headers)(scope, receive, send)
