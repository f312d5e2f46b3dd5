"""API documentation at ``/docs`` that works offline.

FastAPI's Swagger UI loads its script and styles from a CDN, which an offline deployment cannot
reach; this page is rendered on the server from the OpenAPI schema instead (the schema itself
is at ``/openapi.json``).
"""

from __future__ import annotations

import html
import json
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

_STYLE = """
body{font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;max-width:60rem;margin:2rem auto;
padding:0 1rem;line-height:1.45}
h1{border-bottom:10px solid #1d70b8;padding-bottom:.5rem}
h2{margin-top:2rem;border-bottom:1px solid #b1b4b6}
.op{border-left:5px solid #1d70b8;padding:.25rem .75rem;margin:1rem 0}
.method{font-weight:700;font-family:monospace;background:#0b0c0c;color:#fff;padding:0 .4rem}
code,pre{font-family:Consolas,monospace;background:#f3f2f1}
pre{padding:.5rem;overflow:auto;font-size:.85rem}
a{color:#1d70b8}
a:focus{outline:3px solid #ffdd00;background:#ffdd00}
"""


def _schema_ref(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        return f'<a href="#schema-{html.escape(name)}">{html.escape(name)}</a>'
    return html.escape(schema.get("type", "object"))


def render_docs(spec: dict[str, Any]) -> str:
    """The OpenAPI ``spec`` as one self-contained HTML page."""
    esc = html.escape
    out = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{esc(spec['info']['title'])}: API</title><style>{_STYLE}</style></head><body>",
        f"<h1>{esc(spec['info']['title'])} API</h1>",
        f"<p>{esc(spec['info'].get('description', '').strip())}</p>",
        "<p>Machine-readable schema: <a href='/openapi.json'>/openapi.json</a>.</p>",
        "<h2>Endpoints</h2>",
    ]
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            out.append(
                f"<div class='op'><p><span class='method'>{esc(method.upper())}</span> "
                f"<code>{esc(path)}</code>: {esc(op.get('summary', ''))}</p>"
            )
            if op.get("description"):
                out.append(f"<p>{esc(op['description'])}</p>")
            params = op.get("parameters", [])
            if params:
                items = "".join(
                    f"<li><code>{esc(p['name'])}</code> ({esc(p.get('in', ''))}"
                    f"{', required' if p.get('required') else ''})</li>"
                    for p in params
                )
                out.append(f"<p>Parameters:</p><ul>{items}</ul>")
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                out.append(f"<p>Request body: {_schema_ref(body.get('schema', {}))}</p>")
            responses = ", ".join(
                f"{esc(code)} {esc(r.get('description', ''))}"
                for code, r in op.get("responses", {}).items()
            )
            out.append(f"<p>Responses: {responses}</p></div>")
    out.append("<h2>Schemas</h2>")
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        out.append(
            f"<h3 id='schema-{esc(name)}'>{esc(name)}</h3>"
            f"<pre>{esc(json.dumps(schema.get('properties', schema), indent=2))}</pre>"
        )
    out.append("</body></html>")
    return "\n".join(out)


def install_docs(app: FastAPI) -> None:
    """Serve the offline docs page at ``/docs``."""

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(render_docs(app.openapi()))
