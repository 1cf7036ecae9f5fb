"""TwiML heard as a phone hears it: what is said, then listen, redirect, dial or hang up."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from urllib.parse import urljoin


@dataclass
class Heard:
    """What one webhook's TwiML made the caller hear, and how the call goes on."""

    said: list[str] = field(default_factory=list)
    hints: str = ""
    language: str = ""
    speech_timeout: str = ""
    answer_url: str | None = None
    silence_url: str | None = None
    dialed: str | None = None
    dial_url: str | None = None
    whisper_url: str | None = None
    # Where a <Record> posts the caller's message.
    record_url: str | None = None
    # What the person who took the transfer heard before the caller.
    whisper: str = ""
    dial_attributes: dict[str, str] = field(default_factory=dict)
    hung_up: bool = False
    # <Connect action><ConversationRelay url>: the socket, its attributes and parameters.
    relay_url: str | None = None
    relay_action: str | None = None
    relay_attributes: dict[str, str] = field(default_factory=dict)
    relay_parameters: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(self.said)

    @property
    def ended(self) -> bool:
        listening = any(
            url is not None
            for url in (self.answer_url, self.silence_url, self.record_url, self.relay_url)
        )
        return self.hung_up or (self.dialed is not None and not listening)


def parse_twiml(twiml: str, base_path: str) -> Heard:
    """Interprets TwiML as a phone does: says, then listens, redirects, dials or hangs up."""
    heard = Heard()
    for verb in ElementTree.fromstring(twiml):
        if verb.tag == "Say":
            heard.said.append(verb.text or "")
        elif verb.tag == "Gather":
            heard.said.extend(say.text or "" for say in verb.iter("Say"))
            heard.hints = verb.get("hints", "")
            heard.language = verb.get("language", "")
            heard.speech_timeout = verb.get("speechTimeout", "")
            heard.answer_url = urljoin(base_path, verb.get("action") or base_path)
        elif verb.tag == "Record":
            heard.record_url = urljoin(base_path, verb.get("action") or base_path)
        elif verb.tag == "Redirect":
            heard.silence_url = urljoin(base_path, verb.text or base_path)
        elif verb.tag == "Dial":
            number = verb.find("Number")
            heard.dialed = ((number.text if number is not None else verb.text) or "").strip()
            if number is not None and number.get("url"):
                heard.whisper_url = urljoin(base_path, number.get("url"))
            heard.dial_attributes = dict(verb.attrib)
            action = verb.get("action")
            heard.dial_url = urljoin(base_path, action) if action else None
            break
        elif verb.tag == "Connect":
            relay = verb.find("ConversationRelay")
            if relay is not None:
                heard.relay_url = relay.get("url", "")
                heard.relay_attributes = dict(relay.attrib)
                heard.relay_parameters = {
                    parameter.get("name", ""): parameter.get("value", "")
                    for parameter in relay.iter("Parameter")
                }
                action = verb.get("action")
                heard.relay_action = urljoin(base_path, action) if action else None
            break
        elif verb.tag == "Hangup":
            heard.hung_up = True
            break
    return heard
