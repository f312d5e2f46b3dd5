"""The chat's streamed answer breaks lines between words, never inside one (#15.16)."""

from __future__ import annotations

from ui.cli.wrap import WordWrap

TEXT = (
    "Councils used transformation funding to redesign adult social care [1], and the "
    "Transformation Network shared what worked with 45 councils [2]."
)


def stream(text: str, width: int, *, column: int = 0, piece: int = 3) -> str:
    out: list[str] = []
    wrap = WordWrap(width, out.append, column=column)
    for start in range(0, len(text), piece):  # pieces cut words in half, as a stream may
        wrap.feed(text[start : start + piece])
    wrap.close()
    return "".join(out)


def test_lines_fit_and_no_word_is_split() -> None:
    for width in (20, 33, 50):
        printed = stream(TEXT, width, column=11)
        lines = printed.split("\n")
        assert len(lines[0]) + 11 <= width and all(len(line) <= width for line in lines[1:])
        assert printed.split() == TEXT.split()
        assert " ".join(printed.split("\n")) == TEXT


def test_newlines_in_the_text_are_kept_and_long_words_pass_through() -> None:
    url = "https://www.local.gov.uk/our-support/transformation-and-innovation-exchange"
    printed = stream(f"First line.\nSee {url} now.", 30)
    assert printed == f"First line.\nSee\n{url}\nnow."
