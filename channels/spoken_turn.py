"""What a turn of the bot means on a phone, whatever carries it: what is said, in order,
and whether the call listens, hangs up, transfers or records next.

Both transports (`<Gather>` TwiML and ConversationRelay) read the bot's messages here,
so that a menu, a transfer or a hang-up means the same on either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from channels.menu import spoken_menu
from channels.speech import speakable

Message = dict[str, Any]


@dataclass(frozen=True)
class Reply:
    """What the caller hears next: an optional lead-in (an apology, a note), then the
    bot's messages."""

    messages: list[Message] = field(default_factory=list)
    lead_in: str = ""
    # The messages reached the output channel as the dialogue produced them: a
    # streaming line has already sent them, and only the end of the turn remains.
    sent: bool = False


@dataclass(frozen=True)
class SpokenTurn:
    """A turn as the caller hears it, and how the call goes on after it."""

    sentences: list[str]
    buttons: list[Message]
    hangup: bool = False
    transfer: str | None = None
    record: bool = False
    # A question's own time to finish speaking (a description needs more than a menu).
    speech_timeout: str | None = None
    # A question's own words for the recogniser (a spelling question: the alphabet).
    hints: list[str] = field(default_factory=list)

    @property
    def ends_call(self) -> bool:
        """Whether the assistant stops listening: the call hangs up or is put through."""
        return self.hangup or self.transfer is not None


def message_sentences(message: Message) -> list[str]:
    """What one message says aloud: its text, written for the ear."""
    text = speakable(str(message.get("text") or ""))
    return [text] if text else []


def spoken_turn(reply: Reply) -> SpokenTurn:
    """Reads a reply as a phone call hears it.

    Whatever the dialogue says after a hang-up or a transfer is never heard; a menu's
    choices are read out after the last message.
    """
    sentences = [reply.lead_in] if reply.lead_in else []
    buttons: list[Message] = []
    hangup = record = False
    transfer: str | None = None
    speech_timeout: str | None = None
    hints: list[str] = []
    for message in reply.messages:
        sentences += message_sentences(message)
        if message.get("buttons"):
            buttons = list(message["buttons"])
        custom = message.get("custom") or {}
        if isinstance(custom, dict):
            hangup = bool(custom.get("hangup"))
            record = bool(custom.get("record"))
            transfer = str(custom["transfer"]) if custom.get("transfer") else None
            if str(custom.get("speech_timeout", "")).isdigit():
                speech_timeout = str(custom["speech_timeout"])
            if isinstance(custom.get("hints"), list):
                hints = [str(hint) for hint in custom["hints"]]
        if hangup or transfer:
            break
    ends = hangup or transfer is not None
    if buttons and not ends:
        sentences.append(spoken_menu(buttons))
    return SpokenTurn(
        sentences=[sentence for sentence in sentences if sentence],
        buttons=[] if ends else buttons,
        hangup=hangup,
        transfer=transfer,
        record=record and not ends,
        speech_timeout=speech_timeout,
        hints=hints,
    )
