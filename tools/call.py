"""A phone call in the terminal: acts as Twilio towards a running assistant.

Every request is signed with the auth token exactly as Twilio signs it. Type what the
caller says; `#3` presses keys 3 (`#12#` presses 1, 2, #); an empty line is silence;
`/hangup` ends the call. What the caller hears is printed, and spoken with espeak-ng
when it is installed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin

import requests
from twilio.request_validator import RequestValidator

from tools.environment import load_environment

WEBHOOK_PATH = "/webhooks/twilio_voice/webhook"
STATUS_PATH = "/webhooks/twilio_voice/status"


@dataclass
class Heard:
    """What one webhook's TwiML made the caller hear, and how the call goes on."""

    said: list[str] = field(default_factory=list)
    hints: str = ""
    answer_url: str | None = None
    silence_url: str | None = None
    dialed: str | None = None
    hung_up: bool = False

    @property
    def text(self) -> str:
        return " ".join(self.said)

    @property
    def ended(self) -> bool:
        return self.hung_up or self.dialed is not None


class SimulatedCall:
    """One call to the assistant's Twilio voice webhook."""

    def __init__(
        self,
        server_url: str,
        auth_token: str,
        public_url: str | None = None,
        caller: str = "+15005550006",
        called: str = "+15005550001",
        call_sid: str | None = None,
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self.public_url = (public_url or server_url).rstrip("/")
        self.call_sid = call_sid or f"CA{uuid.uuid4().hex}"
        self.caller = caller
        self.called = called
        self.last = Heard()
        self._validator = RequestValidator(auth_token)
        self._http = requests.Session()

    def start(self) -> Heard:
        """Dials in: Twilio's first webhook of a call."""
        return self._follow(WEBHOOK_PATH, {"CallStatus": "ringing"})

    def say(self, speech: str) -> Heard:
        """The caller speaks; Twilio posts its transcript."""
        return self._answer({"SpeechResult": speech, "Confidence": "0.92"})

    def press(self, digits: str) -> Heard:
        """The caller presses keys."""
        return self._answer({"Digits": digits})

    def stay_silent(self) -> Heard:
        """The caller says nothing; Twilio moves on to the <Redirect> after <Gather>."""
        if self.last.silence_url is None:
            raise CallEnded("the assistant is not listening")
        return self._follow(self.last.silence_url, {"CallStatus": "in-progress"})

    def hang_up(self) -> int:
        """The caller hangs up; Twilio posts the status callback. Returns its HTTP status."""
        return self.post(STATUS_PATH, self.call_fields({"CallStatus": "completed"})).status_code

    def post(self, path: str, params: dict[str, str]) -> requests.Response:
        """Posts form fields to a path of the server, signed as Twilio signs them."""
        signature = self._validator.compute_signature(f"{self.public_url}{path}", params)
        return self._http.post(
            f"{self.server_url}{path}",
            data=params,
            headers={"X-Twilio-Signature": signature},
            timeout=20,
        )

    def _answer(self, fields: dict[str, str]) -> Heard:
        if self.last.answer_url is None:
            raise CallEnded("the assistant is not listening")
        return self._follow(self.last.answer_url, {"CallStatus": "in-progress", **fields})

    def _follow(self, path: str, fields: dict[str, str]) -> Heard:
        heard = self._fetch(path, fields)
        # Without a <Gather>, a phone goes straight on to the <Redirect>.
        while heard.answer_url is None and heard.silence_url and not heard.ended:
            following = self._fetch(heard.silence_url, {"CallStatus": "in-progress"})
            following.said[:0] = heard.said
            heard = following
        self.last = heard
        return self.last

    def _fetch(self, path: str, fields: dict[str, str]) -> Heard:
        reply = self.post(path, self.call_fields(fields))
        reply.raise_for_status()
        return parse_twiml(reply.text, base_path=path)

    def call_fields(self, fields: dict[str, str]) -> dict[str, str]:
        """The fields Twilio sends with every webhook of this call, plus these."""
        return {
            "AccountSid": "AC00000000000000000000000000000000",
            "CallSid": self.call_sid,
            "From": self.caller,
            "To": self.called,
            "Caller": self.caller,
            "Called": self.called,
            "Direction": "inbound",
            "ApiVersion": "2010-04-01",
            **fields,
        }


class CallEnded(RuntimeError):
    """The call cannot go on: the assistant hung up, transferred, or is not listening."""


def parse_twiml(twiml: str, base_path: str) -> Heard:
    """Interprets TwiML as a phone does: says, then listens, redirects, dials or hangs up."""
    heard = Heard()
    for verb in ElementTree.fromstring(twiml):
        if verb.tag == "Say":
            heard.said.append(verb.text or "")
        elif verb.tag == "Gather":
            heard.said.extend(say.text or "" for say in verb.iter("Say"))
            heard.hints = verb.get("hints", "")
            heard.answer_url = urljoin(base_path, verb.get("action") or base_path)
        elif verb.tag == "Redirect":
            heard.silence_url = urljoin(base_path, verb.text or base_path)
        elif verb.tag == "Dial":
            heard.dialed = (verb.text or "").strip()
            break
        elif verb.tag == "Hangup":
            heard.hung_up = True
            break
    return heard


def _speak(text: str) -> None:
    subprocess.run(["espeak-ng", text], check=False, capture_output=True)


def main(argv: Sequence[str] | None = None) -> int:
    load_environment()
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_url = f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}"
    cli.add_argument("--url", default=default_url, help="the Rasa server")
    cli.add_argument("--mute", action="store_true", help="do not speak with espeak-ng")
    args = cli.parse_args(argv)
    speak = not args.mute and shutil.which("espeak-ng") is not None
    call = SimulatedCall(
        args.url, os.environ.get("TWILIO_AUTH_TOKEN", ""), os.environ.get("TWILIO_PUBLIC_URL")
    )
    print(f"Calling {args.url} as {call.call_sid}. '#1' presses 1, empty line is silence.")
    try:
        heard = call.start()
    except requests.ConnectionError:
        print(f"Nothing answers at {args.url}: start the assistant with 'make run'.")
        return 1
    while True:
        print(f"assistant> {heard.text}")
        if speak:
            _speak(heard.text)
        if heard.dialed:
            print(f"(transferred to {heard.dialed})")
        if heard.ended:
            print("(call ended)")
            return 0
        try:
            line = input("caller> ").strip()
        except (EOFError, KeyboardInterrupt):
            line = "/hangup"
        if line == "/hangup":
            call.hang_up()
            print("(you hung up)")
            return 0
        if line.startswith("#"):
            heard = call.press(line[1:])
        elif line:
            heard = call.say(line)
        else:
            heard = call.stay_silent()


if __name__ == "__main__":
    sys.exit(main())
