"""Streamed text broken between words at the terminal's width.

Rich wraps what one ``print`` call holds, but a streamed answer arrives a few words at a time
and each call starts where the last one stopped, so Rich cannot know the column and the terminal
breaks words wherever the line ends ("trans|formation"). ``WordWrap`` keeps the column itself and
starts a new line before a word that would not fit.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len


class WordWrap:
    """Write streamed text through ``write``, breaking lines between words at ``width``.

    ``column`` is where the cursor starts (after a prompt such as ``"assistant> "``). A word
    longer than a whole line is written as it is (the terminal folds it; nothing is lost).
    """

    def __init__(self, width: int, write: Callable[[str], None], *, column: int = 0) -> None:
        self.width = max(10, width)
        self.write = write
        self.column = column
        self._word = ""
        self._space = False  # a space is owed before the next word on this line

    def feed(self, text: str) -> None:
        for ch in text:
            if ch == "\n":
                self._flush_word()
                self.write("\n")
                self.column, self._space = 0, False
            elif ch.isspace():
                self._flush_word()
                self._space = self.column > 0
            else:
                self._word += ch

    def close(self) -> None:
        """Write the last word (call at the end of the stream)."""
        self._flush_word()

    def _flush_word(self) -> None:
        if not self._word:
            return
        word, self._word = self._word, ""
        gap = 1 if self._space else 0
        size = cell_len(word)  # wide characters take two columns
        if self.column > 0 and self.column + gap + size > self.width:
            self.write("\n")
            self.column, gap = 0, 0
        self.write(" " * gap + word)
        self.column += gap + size
        self._space = False
