"""An answer as display chunks, the shape both chat engines stream in."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..models import Answer

History = Sequence[dict | tuple[str, str] | Answer]  # earlier turns: role/content dicts, pairs or Answers


class AnswerStream:
    """Iterate for display chunks; `answer` is the final Answer (iterating to the end if needed).
    The chunks joined equal answer.text, except after a mid-stream failure: then the stream ends with a
    note and `answer` is the offline engine's answer, so a UI should show answer.text once done."""

    def __init__(self, chunks: Iterator[str]):
        self._chunks = chunks
        self._answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self._answer is not None:
            raise StopIteration
        try:
            return next(self._chunks)
        except StopIteration as stop:
            self._answer = stop.value
            raise StopIteration from None

    @property
    def answer(self) -> Answer:
        for _ in self:
            pass
        if self._answer is None:
            raise RuntimeError("the stream was closed before it finished")
        return self._answer
