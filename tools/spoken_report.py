"""What `make e2e-spoken` measures: word error rate per line and call, and completion."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tools.spoken import PhoneLine, word_error_rate
from tools.twiml import Heard

# Calls that must reach their goal over the phone line for the gate to pass.
COMPLETION_TARGET = 0.9


@dataclass
class SpokenLine:
    said: str
    recognised: str
    confidence: float

    @property
    def word_error_rate(self) -> float:
        return word_error_rate(self.said, self.recognised)


@dataclass
class SpokenCall:
    name: str
    lines: list[SpokenLine] = field(default_factory=list)

    @property
    def word_error_rate(self) -> float:
        return overall_word_error_rate(self.lines)


def overall_word_error_rate(lines: list[SpokenLine]) -> float:
    """Errors over all the words said, not the mean of the lines' rates."""
    words = sum(len(line.said.split()) for line in lines)
    errors = sum(line.word_error_rate * len(line.said.split()) for line in lines)
    return errors / max(words, 1)


class SpokenReport:
    """Sends caller lines down the phone line and keeps what was said and heard."""

    def __init__(self, audio_dir: Path) -> None:
        self._line = PhoneLine(audio_dir)
        self.audio_dir = audio_dir
        self.calls: list[SpokenCall] = []

    def start_call(self, name: str) -> None:
        self.calls.append(SpokenCall(name))

    def caller_line(self, line: str, listening: Heard) -> tuple[str, float]:
        """Speaks the line to the <Gather> the caller is answering, with its hints."""
        call = self.calls[-1]
        name = f"call{len(self.calls):02d}-line{len(call.lines) + 1:02d}"
        repeats = sum(earlier.said == line for earlier in call.lines)
        recognised = self._line.hear(
            line, name, listening.hints, listening.language or "en-US", repeats
        )
        spoken = SpokenLine(line, recognised.text, recognised.confidence)
        call.lines.append(spoken)
        print(
            f"  caller said {line!r}, recognised {recognised.text!r} "
            f"(confidence {recognised.confidence:.2f}, WER {spoken.word_error_rate:.0%})"
        )
        return recognised.text, recognised.confidence

    def summarise(self, outcomes: list[bool]) -> int:
        """Prints the figures; 1 when fewer calls than the target reached their goal."""
        print("\nWord error rate per call:")
        for call, completed in zip(self.calls, outcomes, strict=True):
            mark = "completed" if completed else "FAILED"
            print(
                f"  {call.word_error_rate:5.0%}  {len(call.lines):2d} lines  {mark:9}  {call.name}"
            )
        lines = [line for call in self.calls for line in call.lines]
        completion = sum(outcomes) / max(len(outcomes), 1)
        rate = overall_word_error_rate(lines)
        print(f"Word error rate: {rate:.1%} over {len(lines)} caller lines")
        print(
            f"Calls completed: {sum(outcomes)} of {len(outcomes)} "
            f"({completion:.0%}, target {COMPLETION_TARGET:.0%})"
        )
        print(f"Audio of every caller line in {self.audio_dir}")
        return 0 if completion >= COMPLETION_TARGET else 1
