"""``python -m assistant.knowledge [PATH ...]``: catalogue counts and tagging speed.

Reads the catalogue (corpus/) and any .md/.txt/.html files under PATHs, cuts their text into
~1,200-character windows (about one chunk) and times ``tag_text`` on them.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from assistant.knowledge import all_councils, all_themes, tag_text
from assistant.knowledge.catalogue import default_corpus_dir, load_catalogue

_TAGS_RE = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S)


def _texts(paths: list[Path]) -> list[str]:
    texts = []
    for root in paths:
        files = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in files:
            if path.suffix.lower() in {".md", ".txt", ".html", ".htm"} and path.is_file():
                text = path.read_text(encoding="utf-8", errors="replace")
                texts.append(_TAGS_RE.sub(" ", text) if path.suffix.startswith(".htm") else text)
    return texts


def main(argv: list[str]) -> int:
    corpus = default_corpus_dir()
    catalogue = load_catalogue(corpus)
    print(
        f"catalogue: {len(catalogue.frameworks)} frameworks, {len(catalogue.resources)} resources,"
        f" {len(catalogue.case_studies)} case studies, {len(catalogue.elements())} elements"
    )
    print(f"gazetteer: {len(all_councils())} councils; taxonomy: {len(all_themes())} themes")
    texts = _texts([corpus, *(Path(a) for a in argv)])
    chunks = [t[i : i + 1200] for t in texts for i in range(0, len(t), 1000)]
    tag_text("warm up")
    start = time.perf_counter()
    rounds = 5
    tagged: set[str] = set()
    for _ in range(rounds):
        for chunk in chunks:
            councils, _themes = tag_text(chunk)
            tagged.update(councils)
    elapsed = time.perf_counter() - start
    per_chunk = elapsed / max(1, rounds * len(chunks)) * 1000
    print(f"tag_text: {len(chunks)} chunks x {rounds}: {per_chunk:.3f} ms per chunk")
    print(f"councils tagged: {len(tagged)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
