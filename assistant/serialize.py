"""The answer contract as JSON: one mapping shared by the CLI, the HTTP API and the evals."""

from __future__ import annotations

from typing import Any

from assistant.types import Answer, Citation, Hit, Suggestion


def citation_to_dict(citation: Citation) -> dict[str, Any]:
    chunk = citation.chunk
    return {
        "n": citation.n,
        "document_id": chunk.document_id,
        "chunk_id": chunk.id,
        "title": chunk.title,
        "source": chunk.public_source,
        "url": chunk.url,
        "publisher": chunk.publisher,
        "published": chunk.published,
        "page": chunk.page_start,
        "section": chunk.section,
        "quote": citation.quote,
    }


def peer_to_dict(s: Suggestion) -> dict[str, Any]:
    return {
        "name": s.title,
        "type": s.council_type,
        "region": s.region,
        "why": s.why,
        "citations": list(s.citations),
    }


def resource_to_dict(s: Suggestion) -> dict[str, Any]:
    return {"name": s.title, "url": s.url, "why": s.why, "citations": list(s.citations)}


def next_step_to_dict(s: Suggestion) -> dict[str, Any]:
    return {"text": s.title, "framework": s.framework, "why": s.why, "citations": list(s.citations)}


def hit_to_dict(hit: Hit) -> dict[str, Any]:
    chunk = hit.chunk
    return {
        "chunk_id": chunk.id,
        "document_id": chunk.document_id,
        "title": chunk.title,
        "source": chunk.public_source,
        "url": chunk.url,
        "page": chunk.page_start,
        "section": chunk.section,
        "text": chunk.text,
        "score": hit.score,
        "dense_rank": hit.dense_rank,
        "dense_score": hit.dense_score,
        "keyword_rank": hit.keyword_rank,
        "keyword_score": hit.keyword_score,
    }


def answer_to_dict(answer: Answer, *, include_hits: bool = False) -> dict[str, Any]:
    """The JSON answer contract (see the README's "Answer contract")."""
    out: dict[str, Any] = {
        "id": answer.id,
        "question": answer.question,
        "standalone_question": answer.standalone_question,
        "audience": answer.audience,
        "answer": answer.text,
        "refused": answer.refused,
        "refusal_reason": answer.refusal_reason,
        "citations": [citation_to_dict(c) for c in answer.citations],
        "peers": [peer_to_dict(s) for s in answer.peers],
        "resources": [resource_to_dict(s) for s in answer.resources],
        "next_steps": [next_step_to_dict(s) for s in answer.next_steps],
        "warnings": list(answer.warnings),
        "timings_ms": {
            "retrieve": answer.timings_ms.get("retrieve", 0.0),
            "generate": answer.timings_ms.get("generate", 0.0),
            "total": answer.timings_ms.get("total", 0.0),
            **{
                k: v
                for k, v in answer.timings_ms.items()
                if k not in ("retrieve", "generate", "total")
            },
        },
    }
    if include_hits:
        out["hits"] = [hit_to_dict(h) for h in answer.hits]
    return out
