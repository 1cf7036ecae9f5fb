"""What `make e2e-spoken` measures: word error rate per line and call, completion, how
each address was obtained, and calls that ended with nothing for the caller."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tools.phone.twiml import Heard
from tools.speech.line import PhoneLine, word_error_rate

# Calls that must leave their caller with what they called for, for the gate to pass.
COMPLETION_TARGET = 0.9


@dataclass
class SpokenLine:
    said: str
    recognised: str
    confidence: float

    @property
    def word_error_rate(self) -> float:
        return word_error_rate(self.said, self.recognised)


# How an address was finally obtained, by what the assistant said in the call; the
# first that applies (tools' view of actions/email_form.py and actions/email_repair.py).
ADDRESS_PATHS = (
    ("person", "putting you through to a colleague"),
    ("message", "after the tone"),
    ("calling number", "I couldn't get your email address right"),
    ("directory number", "This number belongs to"),
    ("spelling", "letter by letter"),
    ("partial repair", "Is the part before the at"),
    ("did-you-mean", "Did you mean"),
    ("known domain", "just your name is enough"),
    ("first try", "I heard"),
)
# What a caller can leave a call with, by what the assistant said (domain.yml's voice
# responses): an incident number, a person, or the status of their incidents.
_OUTCOMES = (
    (
        "incident",
        (
            "incident number is",
            "Your request is incident",
            "with the help desk as incident",
            "I've recorded your incident",
        ),
    ),
    ("person", ("putting you through to a colleague",)),
    (
        "status",
        (
            "couldn't find any incidents",
            ", opened on ",
            "is waiting to be filed",
            "The number of incidents for",
        ),
    ),
)


NOTHING = "nothing"


def left_with(heard: list[str]) -> str:
    """What a call gave its caller, by all the assistant said: an incident, a person or
    a status; NOTHING when none of them."""
    said = " ".join(heard)
    return next(
        (kind for kind, phrases in _OUTCOMES if any(phrase in said for phrase in phrases)),
        NOTHING,
    )


def reached(wanted: str, got: str) -> bool:
    """Whether a caller who called for `wanted` (an incident, a status, a person, or
    NOTHING in particular) finished with `got`: what they called for, or a person who
    can read out a status the line could not give."""
    return got == wanted or (wanted, got) == ("status", "person")


def called_for(expected: list[list[str]]) -> str:
    """What a caller called for: the first outcome their script expects to hear, step by
    step (a status check that later opens an incident called for the status)."""
    return next((kind for heard in expected if (kind := left_with(heard)) != NOTHING), NOTHING)


@dataclass
class SpokenCall:
    name: str
    lines: list[SpokenLine] = field(default_factory=list)
    # "completed" (the caller left with what they called for), "to a person" or "failed".
    outcome: str = ""
    # Whether every turn went as the script says, word for word.
    as_scripted: bool = False
    # Everything the assistant said, in order.
    heard: list[str] = field(default_factory=list)
    # How often the caller answered over the assistant's closing words (streaming line).
    talked_over: int = 0

    def end(self, as_scripted: bool, wanted: str, transferred: bool, heard: list[str]) -> None:
        """Records how the call ended. It completes when it went as scripted or, by
        another way, left the caller with what they called for (`wanted`; NOTHING for a
        call that wanted nothing in particular, which completes only as scripted)."""
        self.heard, self.as_scripted = heard, as_scripted
        completed = as_scripted or (wanted != NOTHING and reached(wanted, self.left_with))
        self.outcome = "completed" if completed else "to a person" if transferred else "failed"

    @property
    def address_path(self) -> str:
        """How the call's address was obtained; "none" when no address was asked."""
        said = " ".join(self.heard)
        if "email address" not in said:
            return "none"
        return next((path for path, phrase in ADDRESS_PATHS if phrase in said), "not obtained")

    @property
    def left_with(self) -> str:
        return left_with(self.heard)

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

    def __init__(
        self, audio_dir: Path, line: str = "clean", mode: str = "", transport: str = "gather"
    ) -> None:
        self._line = PhoneLine(audio_dir, line=line)
        self.audio_dir = audio_dir
        self.line, self.mode, self.transport = line, mode, transport
        self.calls: list[SpokenCall] = []

    def start_call(self, name: str) -> None:
        self.calls.append(SpokenCall(name))

    def end_call(self, as_scripted: bool, wanted: str, transferred: bool, heard: list[str]) -> None:
        self.calls[-1].end(as_scripted, wanted, transferred, heard)

    def talked_over(self, times: int) -> None:
        """How often the caller of the last call talked over the assistant."""
        self.calls[-1].talked_over = times

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

    def summarise(self) -> None:
        """Prints the figures; tools/speech/table.py gates them over all lines and modes."""
        print("\nWord error rate per call:")
        for call in self.calls:
            rate = call.word_error_rate
            print(f"  {rate:5.0%}  {len(call.lines):2d} lines  {call.outcome:11}  {call.name}")
        lines = [line for call in self.calls for line in call.lines]
        completed = sum(call.outcome == "completed" for call in self.calls)
        to_a_person = sum(call.outcome == "to a person" for call in self.calls)
        as_scripted = sum(call.as_scripted for call in self.calls)
        completion = completed / max(len(self.calls), 1)
        print(
            f"Word error rate: {overall_word_error_rate(lines):.1%} over {len(lines)} caller lines"
        )
        print(
            f"Calls completed: {completed} of {len(self.calls)} ({completion:.0%}, target "
            f"{COMPLETION_TARGET:.0%}), {as_scripted} of them word for word as scripted; "
            f"handed to a person instead: {to_a_person}"
        )
        paths = Counter(call.address_path for call in self.calls)
        print("Addresses obtained: " + ", ".join(f"{n} {path}" for path, n in paths.items()))
        print(f"Calls that ended with nothing for the caller: {len(self.left_with_nothing)}")
        print(f"Audio of every caller line in {self.audio_dir}")

    @property
    def left_with_nothing(self) -> list[SpokenCall]:
        """Calls that did not reach their goal and gave the caller no incident, no
        person and no status."""
        return [
            call for call in self.calls if call.outcome == "failed" and call.left_with == NOTHING
        ]

    def save(self, path: Path) -> None:
        """The figures of this line and mode, for the table over all of them."""
        lines = [line for call in self.calls for line in call.lines]
        summary = {
            "line": self.line,
            "mode": self.mode,
            "transport": self.transport,
            "calls": len(self.calls),
            "completed": sum(call.outcome == "completed" for call in self.calls),
            "as_scripted": sum(call.as_scripted for call in self.calls),
            "to_a_person": sum(call.outcome == "to a person" for call in self.calls),
            "left_with_nothing": len(self.left_with_nothing),
            "talked_over": sum(call.talked_over for call in self.calls),
            "word_error_rate": overall_word_error_rate(lines),
            "caller_lines": len(lines),
            "address_paths": dict(Counter(call.address_path for call in self.calls)),
        }
        path.write_text(json.dumps(summary, indent=2))
