"""Retrieval: follow-up rewrite, hybrid search with rank fusion, and the shared embedding cache.

``rewrite.py`` turns a follow-up into a standalone question (``followup.py`` resolves its
pronouns, "that council", "the fifth one" against the earlier turns); ``retriever.py`` runs the search
steps (``Retriever``); ``fusion.py`` holds its pure helpers; ``embedding_cache.py`` the
``CachedEmbedder`` that retrieval, answering and suggestions share.
"""

from assistant.retrieval.embedding_cache import CachedEmbedder
from assistant.retrieval.fusion import Fused, dedupe, fuse, merge_neighbours, overlap, shingles
from assistant.retrieval.retriever import Retriever

__all__ = [
    "CachedEmbedder",
    "Fused",
    "Retriever",
    "dedupe",
    "fuse",
    "merge_neighbours",
    "overlap",
    "shingles",
]
