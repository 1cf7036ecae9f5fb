"""Checks that a request is a well-formed webhook that Twilio signed.

Twilio signs every POST parameter it sends, blank ones included (`CalledZip=` and
friends arrive on most calls), and repeated keys with all their values. Sanic's
`request.form` drops blank values, so the form is parsed here from the raw body,
exactly as it was signed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs

from sanic.request import Request, RequestParameters
from twilio.request_validator import RequestValidator

MAX_BODY_BYTES = 16 * 1024
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# Twilio's call SIDs: `CA` and 32 lowercase hexadecimal digits.
CALL_SID = re.compile(r"CA[0-9a-f]{32}")
_LOG_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
LOG_VALUE_LIMIT = 64


class BadWebhook(ValueError):
    """A request that is not a well-formed webhook: answered with its status and reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class SignedWebhook:
    """A webhook's form as Twilio sent it: every value of every field, blanks kept."""

    form: RequestParameters

    def field(self, name: str) -> str:
        """The field's first value, or an empty string."""
        return str(self.form.get(name) or "")

    @property
    def call_sid(self) -> str:
        return self.field("CallSid")


class TwilioRequestChecker:
    """Parses a webhook's form and checks its size, encoding, signature and call SID."""

    def __init__(self, auth_token: str, public_url: str, validate_signature: bool) -> None:
        self._validator = RequestValidator(auth_token)
        self._public_url = public_url
        self._validate_signature = validate_signature

    def check(self, request: Request) -> SignedWebhook:
        """The webhook's form; raises `BadWebhook` with a 400 or 403 status."""
        body = request.body or b""
        if len(body) > MAX_BODY_BYTES:
            raise BadWebhook(400, "Request body too large")
        if (request.content_type or "").split(";")[0].strip() != FORM_CONTENT_TYPE:
            raise BadWebhook(400, f"Expected {FORM_CONTENT_TYPE}")
        form = parse_form(body)
        signature = request.headers.get("X-Twilio-Signature", "")
        if self._validate_signature and not self.signature_is_valid(
            self.public_url(request), form, signature
        ):
            raise BadWebhook(403, "Invalid Twilio signature")
        webhook = SignedWebhook(form)
        if not CALL_SID.fullmatch(webhook.call_sid):
            raise BadWebhook(400, "CallSid is missing or not a Twilio call SID")
        return webhook

    def check_upgrade(self, request: Request) -> None:
        """A WebSocket upgrade as Twilio signs it: over the `wss://` URL, no parameters.

        Raises `BadWebhook` (403) before the socket opens.
        """
        signature = request.headers.get("X-Twilio-Signature", "")
        url = socket_url(self.public_url(request))
        if self._validate_signature and not self.signature_is_valid(url, {}, signature):
            raise BadWebhook(403, "Invalid Twilio signature")

    def signature_is_valid(
        self, url: str, params: dict[str, str] | RequestParameters, signature: str
    ) -> bool:
        """Whether Twilio, holding our auth token, signed these parameters for this URL."""
        return bool(signature) and self._validator.validate(url, params, signature)

    def public_url(self, request: Request) -> str:
        """The URL Twilio called: behind a proxy, the configured public base URL.

        Without one, the URL the server saw; Sanic rebuilds it from the forwarded
        headers of trusted proxies when `SANIC_PROXIES_COUNT` or
        `SANIC_FORWARDED_SECRET` says which to trust.
        """
        if not self._public_url:
            return request.url
        query = f"?{request.query_string}" if request.query_string else ""
        return f"{self._public_url}{request.path}{query}"


def socket_url(url: str) -> str:
    """The WebSocket form of a URL: https becomes wss, http becomes ws."""
    scheme, separator, rest = url.partition("://")
    sockets = {"https": "wss", "http": "ws"}
    return f"{sockets.get(scheme, scheme)}{separator}{rest}"


def parse_form(body: bytes) -> RequestParameters:
    """A urlencoded body as Twilio signed it; non-UTF-8 text is a `BadWebhook`."""
    try:
        text = body.decode("utf-8")
        fields = parse_qs(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError as error:
        raise BadWebhook(400, "The form is not UTF-8") from error
    return RequestParameters(fields)


def loggable(value: object, limit: int = LOG_VALUE_LIMIT) -> str:
    """A value a request controls, safe for one log line: no control characters, capped."""
    text = _LOG_UNSAFE.sub("?", str(value))
    return text if len(text) <= limit else f"{text[:limit]}...({len(text)} chars)"
