"""The incident number by text message, through Twilio's Messages API.

With `TWILIO_SMS_CONFIRMATION=true`, a caller whose incident was opened also gets its
number as an SMS, sent with an API key (`TWILIO_API_KEY_SID`, `TWILIO_API_KEY_SECRET`
of `TWILIO_ACCOUNT_SID`), so that the action server never holds the auth token the
voice webhook is signed with. It comes from `TWILIO_SMS_FROM`, or else from the number
the caller dialled. It goes only to the number the call came from, when its carrier
attested it (or when caller verification is off). A text that cannot be sent is logged
and costs the caller nothing: the number was already spoken.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

from requests import RequestException
from twilio.base.exceptions import TwilioException
from twilio.rest import Client

from helpdesk import environment as env
from helpdesk import variables as names
from helpdesk.privacy import mask_phone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmsSettings:
    """Whether and how incident numbers are texted."""

    account_sid: str
    key_sid: str
    key_secret: str
    sender: str = ""
    # Twilio's API; a local stand-in of it in the tests.
    api_base_url: str = ""

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> SmsSettings | None:
        """The settings, or None unless TWILIO_SMS_CONFIRMATION is on."""
        if not env.flag(names.TWILIO_SMS_CONFIRMATION, False, environ):
            return None
        return cls(
            account_sid=env.text(names.TWILIO_ACCOUNT_SID, environ=environ),
            key_sid=env.text(names.TWILIO_API_KEY_SID, environ=environ),
            key_secret=env.text(names.TWILIO_API_KEY_SECRET, environ=environ),
            sender=env.text(names.TWILIO_SMS_FROM, environ=environ),
            api_base_url=env.url(names.TWILIO_API_BASE_URL, environ=environ),
        )


class IncidentTexts:
    """Sends the text; one Twilio client for the action server's life."""

    def __init__(self, settings: SmsSettings) -> None:
        self._settings = settings
        self._client = Client(settings.key_sid, settings.key_secret, settings.account_sid)
        if settings.api_base_url:
            self._client.api.base_url = settings.api_base_url

    def send(self, to: str, dialled: str, number: str, title: str) -> bool:
        """Texts the incident number; False (and a log line) when Twilio refused it."""
        sender = self._settings.sender or dialled
        body = f"IT help desk: your incident {number} ({title}) is open. We'll be in touch."
        try:
            message = self._client.messages.create(to=to, from_=sender, body=body)
        except (TwilioException, RequestException) as error:
            logger.error("Texting incident %s to %s failed: %s", number, mask_phone(to), error)
            return False
        logger.info("Texted incident %s to %s as %s", number, mask_phone(to), message.sid)
        return True


@functools.lru_cache(maxsize=1)
def configured_texts() -> IncidentTexts | None:
    """The action server's texts, from the environment; None when SMS confirmation is off."""
    settings = SmsSettings.from_environment()
    return IncidentTexts(settings) if settings else None
