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
    # "completed" (the script's goal reached), "to a person" or "failed".
    outcome: str = ""

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

    def end_call(self, completed: bool, transferred: bool) -> None:
        """Records how the call ended: a failed call may still have reached a person."""
        self.calls[-1].outcome = (
            "completed" if completed else "to a person" if transferred else "failed"
        )

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

    def summarise(self) -> int:
        """Prints the figures; 1 when fewer calls than the target reached their goal."""
        print("\nWord error rate per call:")
        for call in self.calls:
            rate = call.word_error_rate
            print(f"  {rate:5.0%}  {len(call.lines):2d} lines  {call.outcome:11}  {call.name}")
        lines = [line for call in self.calls for line in call.lines]
        completed = sum(call.outcome == "completed" for call in self.calls)
        to_a_person = sum(call.outcome == "to a person" for call in self.calls)
        completion = completed / max(len(self.calls), 1)
        print(
            f"Word error rate: {overall_word_error_rate(lines):.1%} over {len(lines)} caller lines"
        )
        print(
            f"Calls completed: {completed} of {len(self.calls)} ({completion:.0%}, target "
            f"{COMPLETION_TARGET:.0%}); handed to a person instead: {to_a_person}"
        )
        print(f"Audio of every caller line in {self.audio_dir}")
        return 0 if completion >= COMPLETION_TARGET else 1
