"""Composition root: the only place that turns ``Settings`` into concrete adapters.

Backends are imported lazily so that ``--help``, the API tests and the fakes never pay for
torch, chromadb or a provider SDK they do not use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.errors import ConfigurationError
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.answering.llm_rewrite import CouncillorRewriter
    from assistant.index import Index
    from assistant.officer import OfficerTools
    from assistant.ports import ChatModel, Embedder, Reranker, Suggester
    from assistant.service import Assistant
    from assistant.traces import TraceStore


def build_embedder(settings: Settings) -> Embedder:
    """The configured embedder: the local MiniLM model, or the deterministic fake."""
    if settings.embedder.provider == "fake":
        from assistant.adapters.fakes import HashEmbedder

        return HashEmbedder()
    from assistant.adapters.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder.from_settings(settings.embedder)


def open_index(
    settings: Settings, embedder: Embedder | None = None, *, create: bool = False
) -> Index:
    """Open (or with ``create=True`` create) the index in the data dir for this embedder.

    Raises ``IndexNotFoundError`` when there is none and ``create`` is false, and
    ``EmbeddingModelMismatchError`` when it was built with another model.
    """
    from assistant.index import Index

    return Index.open(settings, embedder or build_embedder(settings), create=create)


def build_trace_store(settings: Settings) -> TraceStore:
    """Traces and feedback: in the PostgreSQL catalogue's database when ``catalog.url`` is set
    (every replica's in one place), else ``traces.sqlite3`` in the data dir."""
    if settings.catalog_url:
        from assistant.postgres_traces import PostgresTraceStore

        return PostgresTraceStore(
            settings.catalog_url, connect_timeout=settings.catalog.connect_timeout_s
        )
    from assistant.traces import TraceStore

    return TraceStore(settings.traces_path)


def build_chat_model(settings: Settings) -> ChatModel | None:
    """The generative model, or None for the default extractive answerer."""
    if settings.llm.provider == "extractive":
        return None
    from assistant.adapters.llm import build_chat_model as _build

    return _build(settings.llm)


def build_reranker(settings: Settings) -> Reranker | None:
    """The LLM rerank of the top passages when ``llm.rerank`` is on (OpenAI-compatible
    provider with logprobs, e.g. the local llama.cpp server), else None."""
    if not settings.llm.rerank:
        return None
    if settings.llm.provider != "openai" or not settings.llm.base_url:
        raise ConfigurationError(
            "LGA_ASSISTANT_LLM__RERANK needs the openai provider with a base URL that returns "
            "logprobs (e.g. `make run LLM=local`, or `lga-assistant llm serve` and "
            "LGA_ASSISTANT_LLM__BASE_URL): set them, or turn the rerank off."
        )
    from assistant.adapters.llm_reranker import LLMReranker

    return LLMReranker(
        base_url=settings.llm.base_url,
        model=settings.llm.model,
        api_key=settings.llm.api_key.get_secret_value(),
        top=settings.llm.rerank_top,
        timeout_s=settings.llm.timeout_s,
    )


def build_rewriter(
    settings: Settings, chat_model: ChatModel | None, embedder: Embedder
) -> CouncillorRewriter | None:
    """The councillor rewrite by ``chat_model`` when ``llm.councillor_rewrite`` is on."""
    if not settings.llm.councillor_rewrite:
        return None
    if chat_model is None:
        raise ConfigurationError(
            "LGA_ASSISTANT_LLM__COUNCILLOR_REWRITE needs a model: set LGA_ASSISTANT_LLM__PROVIDER "
            "(e.g. `make run LLM=local`), or turn the rewrite off."
        )
    from assistant.answering.llm_rewrite import CouncillorRewriter

    return CouncillorRewriter(chat_model, embedder)


def build_suggester(settings: Settings, index: Index) -> Suggester | None:
    """The suggester over ``index`` with the catalogue in ``settings.corpus_dir`` (None without)."""
    from assistant.suggestions import build_suggester as _build

    return _build(settings, index)


def serving_settings(settings: Settings) -> Settings:
    """``settings`` with one torch thread for the embedder unless threads are configured.

    Answering embeds a query and a few dozen sentences at a time: two intra-op threads gain
    little there, and under any CPU contention they cost 10-20x (measured with
    ``python -m evals.bench.query``: one query 19 ms with 1 thread vs 375 ms with 2 on a
    loaded 2-core machine). Ingestion, with large batches, keeps all cores.
    """
    if settings.embedder.threads is not None:
        return settings
    embedder = settings.embedder.model_copy(update={"threads": 1})
    return settings.model_copy(update={"embedder": embedder})


def build_assistant(settings: Settings, *, index: Index | None = None) -> Assistant:
    """The Assistant service with every dependency wired from ``settings``."""
    from assistant.service import Assistant

    settings = serving_settings(settings)
    index = index or open_index(settings)
    chat_model = build_chat_model(settings)
    return Assistant(
        index=index,
        settings=settings,
        chat_model=chat_model,
        suggester=build_suggester(settings, index),
        reranker=build_reranker(settings),
        rewriter=build_rewriter(settings, chat_model, index.embedder),
    )


def build_officer_tools(assistant: Assistant) -> OfficerTools | None:
    """The officer tools over the Assistant's own index, suggester and retriever (None when
    there is no catalogue, as for suggestions)."""
    from assistant.officer import OfficerTools
    from assistant.suggestions import CatalogueSuggester

    suggester = assistant.suggester
    if not isinstance(suggester, CatalogueSuggester):
        return None
    return OfficerTools(
        suggester=suggester, ask=assistant.ask, retrieve=assistant.retriever.retrieve
    )


@dataclass(frozen=True, slots=True)
class Services:
    """What the CLI, the API and the chat UI are handed: built once from one ``Settings``.

    The Assistant and the officer tools share one index, catalogue and suggester.
    """

    assistant: Assistant
    officer: OfficerTools | None
    index: Index

    def close(self) -> None:
        """Release the index (file handles, the Chroma client)."""
        self.index.close()


def build_services(settings: Settings, *, index: Index | None = None) -> Services:
    """The Assistant and the officer tools, wired from ``settings`` (or around ``index``)."""
    assistant = build_assistant(settings, index=index)
    return Services(assistant, build_officer_tools(assistant), assistant.index)
