"""A phone call in the terminal: acts as Twilio towards a running assistant.

Every request carries the fields Twilio sends, blanks included, and is signed with the
auth token exactly as Twilio signs it. Type what the caller says; `#3` presses keys 3
(`#12#` presses 1, 2, #); an empty line is silence; `/hangup` ends the call. What the
caller hears is printed, and spoken with espeak-ng when it is installed.
"""

from __future__ import annotations

import argparse
import os
import select
import shutil
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from urllib.parse import parse_qsl

import requests
from twilio.request_validator import RequestValidator

from tools.checkout import load_environment
from tools.phone.twilio_params import CallLine
from tools.phone.twiml import Heard, parse_twiml

WEBHOOK_PATH = "/webhooks/twilio_voice/webhook"
STATUS_PATH = "/webhooks/twilio_voice/status"
FALLBACK_PATH = "/webhooks/twilio_voice/fallback"
# Twilio's limits: 5 s to connect, 15 s in all for an answer (connection overrides
# in a URL's fragment change them, as Twilio lets them).
CONNECT_TIMEOUT_MS = 5000
TOTAL_TIMEOUT_MS = 15000
# How the assistant asks whether it heard an answer right (domain.yml).
READ_BACK_QUESTION = "Is that right?"
# The question that offers a known address instead of the one the caller said.
OTHER_ADDRESS_QUESTION = "Did you mean"
# Twilio's error code for a request to the webhook that failed.
HTTP_RETRIEVAL_FAILURE = "11200"


class SimulatedCall:
    """One call to the assistant's Twilio voice webhook, placed as Twilio places it.

    Every request carries the full documented parameter set, blanks included, and is
    signed as Twilio signs it. Like Twilio, it follows <Redirect> and a <Dial>'s
    action, keeps to Twilio's timeouts, and asks the Fallback URL when the webhook
    fails; without one, the caller hears Twilio's application error.
    """

    def __init__(
        self,
        server_url: str,
        auth_token: str,
        public_url: str | None = None,
        caller: str = "+15005550006",
        called: str = "+18005550001",
        call_sid: str | None = None,
        fallback_path: str | None = FALLBACK_PATH,
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self.public_url = (public_url or server_url).rstrip("/")
        self.line = CallLine(caller=caller, called=called)
        if call_sid:
            self.line.call_sid = call_sid
        self.fallback_path = fallback_path
        # How a transfer ends when the assistant dials a person.
        self.transfer_outcome = "completed"
        self.last = Heard()
        # What the caller heard at each turn of the call, in order.
        self.transcript: list[str] = []
        # How often the caller talked over the assistant (the streaming line lets them).
        self.interruptions = 0
        self._validator = RequestValidator(auth_token)
        self._http = requests.Session()

    @property
    def call_sid(self) -> str:
        return self.line.call_sid

    def start(self) -> Heard:
        """Dials in: Twilio's first webhook of a call."""
        return self._follow(WEBHOOK_PATH, self.line.incoming())

    def say(self, speech: str, confidence: float = 0.92) -> Heard:
        """The caller speaks; Twilio posts its transcript."""
        return self._answer(self.line.speech(speech, confidence))

    def start_speaking(self) -> None:
        """The caller starts to talk. `<Gather>` reports nothing until they finish."""

    def talk_over(self, heard_characters: int, speech: str, confidence: float = 0.92) -> Heard:
        """The caller answers after hearing this much of the last turn. This line plays
        its prompt out before it listens, so their words come after it."""
        return self.say(speech, confidence)

    def say_address(self, speech: str) -> Heard:
        """The caller says an email address and confirms the assistant's read-back of it.

        Heard word for word, the caller knows that another address offered instead
        ("Did you mean ...?") is someone else's, and says no to it.
        """
        heard = self.say(speech)
        if OTHER_ADDRESS_QUESTION in heard.text:
            heard = self.say("no")
        return self.confirm_read_back(heard)

    def confirm_read_back(self, heard: Heard) -> Heard:
        """Says yes when the assistant reads back what it heard ("... Is that right?")."""
        return self.say("yes") if READ_BACK_QUESTION in heard.text else heard

    def leave_message(self, seconds: int = 42, ended_by: str = "#") -> Heard:
        """The caller speaks after the beep and presses # (or hangs up); Twilio posts
        the recording to the <Record>'s action."""
        if self.last.record_url is None:
            raise CallEnded("the assistant is not recording")
        return self._follow(self.last.record_url, self.line.recorded(seconds, ended_by))

    def press(self, digits: str) -> Heard:
        """The caller presses keys."""
        return self._answer(self.line.keys(digits))

    def stay_silent(self) -> Heard:
        """The caller says nothing; Twilio moves on to the <Redirect> after <Gather>."""
        if self.last.silence_url is None:
            raise CallEnded("the assistant is not listening")
        return self._follow(self.last.silence_url, self.line.redirected())

    def hang_up(self) -> int:
        """The caller hangs up; Twilio posts the status callback. Returns its HTTP status."""
        return self.post(STATUS_PATH, self.line.status_callback("completed", 42)).status_code

    def post(
        self, url: str, params: dict[str, str], idempotency_token: str | None = None
    ) -> requests.Response:
        """Posts form fields to a URL of the server, signed as Twilio signs them.

        A fragment on the URL holds Twilio's connection overrides: never sent, never
        signed, but obeyed (`ct` and `rt`, in milliseconds). A retried delivery
        carries the same idempotency token as the first.
        """
        path, _, fragment = url.partition("#")
        overrides = dict(parse_qsl(fragment))
        connect = int(overrides.get("ct", CONNECT_TIMEOUT_MS)) / 1000
        total = int(overrides.get("rt", overrides.get("tt", TOTAL_TIMEOUT_MS))) / 1000
        signature = self._validator.compute_signature(f"{self.public_url}{path}", params)
        return self._http.post(
            f"{self.server_url}{path}",
            data=params,
            headers={
                "X-Twilio-Signature": signature,
                "I-Twilio-Idempotency-Token": idempotency_token or str(uuid.uuid4()),
            },
            timeout=(connect, max(total - connect, 0.1)),
        )

    def call_fields(self, fields: dict[str, str]) -> dict[str, str]:
        """The fields Twilio sends with every webhook of this call, plus these."""
        return {**self.line.redirected(), **fields}

    def _answer(self, fields: dict[str, str]) -> Heard:
        if self.last.answer_url is None:
            raise CallEnded("the assistant is not listening")
        return self._follow(self.last.answer_url, fields)

    def _follow(self, url: str, fields: dict[str, str]) -> Heard:
        heard = self._fetch(url, fields)
        said: list[str] = []
        # Without a <Gather>, a phone goes straight on: to a <Dial>'s action when the
        # transfer ends, or to the <Redirect>.
        while heard.answer_url is None and heard.record_url is None and not heard.hung_up:
            said += heard.said
            if heard.dialed is not None and heard.dial_url:
                if heard.whisper_url and self.transfer_outcome == "completed":
                    heard.whisper = self._fetch(
                        heard.whisper_url, self.line.whisper(heard.dialed)
                    ).text
                following = self._fetch(
                    heard.dial_url, self.line.dial_ended(self.transfer_outcome, 30)
                )
                following.dialed, following.dial_attributes = heard.dialed, heard.dial_attributes
                following.whisper = heard.whisper
            elif heard.silence_url and heard.dialed is None:
                following = self._fetch(heard.silence_url, self.line.redirected())
            else:
                break
            heard = following
        heard.said[:0] = said
        self.last = heard
        self.transcript.append(heard.text)
        return self.last

    def _fetch(self, url: str, fields: dict[str, str]) -> Heard:
        try:
            reply = self.post(url, fields)
            reply.raise_for_status()
            return parse_twiml(reply.text, base_path=url)
        except (requests.RequestException, ElementTree.ParseError) as error:
            if self.fallback_path is None:
                raise ApplicationError(f"{url}: {error}") from error
            failed = f"{self.public_url}{url.partition('#')[0]}"
            reply = self.post(
                self.fallback_path, self.line.fallback(fields, failed, HTTP_RETRIEVAL_FAILURE)
            )
            reply.raise_for_status()
            return parse_twiml(reply.text, base_path=self.fallback_path)


class CallEnded(RuntimeError):
    """The call cannot go on: the assistant hung up, transferred, or is not listening."""


class ApplicationError(RuntimeError):
    """Twilio got no TwiML and has no Fallback URL: "An application error has occurred"."""


# How fast the assistant's words are shown on the streaming line: the pace at which the
# channel estimates speech (channels/relay_pacing.py), so there is time to type over it.
SPOKEN_CHARACTERS_A_SECOND = 14.0


def played(text: str, pace: float = SPOKEN_CHARACTERS_A_SECOND) -> tuple[int, str | None]:
    """Shows `text` word by word at the pace it is spoken; a line typed meanwhile
    talks over the rest (an empty one shows the rest at once). Returns how many
    characters were heard, and the line typed over them (None when the turn was heard
    to its end)."""
    words = text.split(" ")
    shown = 0
    for number, word in enumerate(words):
        print(word, end=" ", flush=True)
        shown += len(word) + 1
        typed, _, _ = select.select([sys.stdin], [], [], (len(word) + 1) / pace)
        if not typed:
            continue
        line = sys.stdin.readline().strip()
        if line:
            return min(shown, len(text)), line
        print(" ".join(words[number + 1 :]))
        return len(text), None
    print()
    return len(text), None


def _speak(text: str) -> None:
    subprocess.run(["espeak-ng", text], check=False, capture_output=True)


def main(argv: Sequence[str] | None = None) -> int:
    load_environment()
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_url = f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}"
    cli.add_argument("--url", default=default_url, help="the Rasa server")
    cli.add_argument("--mute", action="store_true", help="do not speak with espeak-ng")
    cli.add_argument(
        "--transfer",
        default="completed",
        choices=["completed", "busy", "no-answer", "failed"],
        help="how a transfer to a person ends (DialCallStatus)",
    )
    cli.add_argument(
        "--relay", action="store_true", help="call the streaming (ConversationRelay) line"
    )
    args = cli.parse_args(argv)
    speak = not args.mute and shutil.which("espeak-ng") is not None
    token, public_url = os.environ.get("TWILIO_AUTH_TOKEN", ""), os.environ.get("TWILIO_PUBLIC_URL")
    if args.relay:
        from tools.phone.relay_call import RelayCall  # it builds on this module

        call: SimulatedCall = RelayCall(args.url, token, public_url=public_url)
    else:
        call = SimulatedCall(args.url, token, public_url)
    call.transfer_outcome = args.transfer
    print(f"Calling {args.url} as {call.call_sid}. '#1' presses 1, empty line is silence.")
    # On the streaming line a caller can talk over the assistant: type while it speaks.
    over_the_assistant = args.relay and sys.stdin.isatty()
    try:
        heard = call.start()
    except (requests.ConnectionError, OSError):
        print(f"Nothing answers at {args.url}: start the assistant with 'make run'.")
        return 1
    while True:
        typed_over: str | None = None
        if over_the_assistant and not heard.ended and heard.text:
            print("assistant> ", end="")
            heard_characters, typed_over = played(heard.text)
        else:
            print(f"assistant> {heard.text}")
        if speak:
            _speak(heard.text)
        if typed_over:
            heard = (
                call.press(typed_over[1:])
                if typed_over.startswith("#")
                else call.talk_over(heard_characters, typed_over)
            )
            continue
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
        if heard.record_url is not None and line:
            # What is typed stands for the recorded message: a second a word.
            heard = call.leave_message(len(line.split()))
        elif line.startswith("#"):
            heard = call.press(line[1:])
        elif line:
            heard = call.say(line)
        else:
            heard = call.stay_silent()


if __name__ == "__main__":
    sys.exit(main())
