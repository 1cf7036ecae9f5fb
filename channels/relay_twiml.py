"""The TwiML that puts a call on ConversationRelay, and what follows a session."""

from __future__ import annotations

import re

from twilio.twiml import GenericNode
from twilio.twiml.voice_response import Connect, VoiceResponse

from channels.relay_settings import RelaySettings
from channels.voice_output import gather_hints

# Characters XML 1.0 cannot carry: a webhook field holding one would break the TwiML.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Twilio's call fields are short; a longer value is not one of them.
MAX_PARAMETER_CHARS = 256

# Speaker events tell the channel when the caller has heard the assistant out, which
# starts its silence timer (Twilio sends nothing while a caller is silent).
RELAY_EVENTS = "speaker-events tokens-played"


def connect_to_relay(
    settings: RelaySettings,
    socket_url: str,
    action_url: str,
    parameters: dict[str, str],
    hint_phrases: list[str],
) -> VoiceResponse:
    """`<Connect action><ConversationRelay>` with every choice made on purpose.

    Providers are named (a default the account lacks fails the call with 64101); keys
    are detected; callers may talk over the assistant (many start their problem during
    the greeting), and what they say then is reported, not dropped.
    """
    response = VoiceResponse()
    connect = Connect(action=action_url, method="POST")
    relay = connect.add_child(
        "ConversationRelay",
        url=socket_url,
        language=settings.line.language,
        tts_provider=settings.tts_provider,
        voice=settings.voice,
        transcription_provider=settings.transcription_provider,
        speech_model=settings.speech_model,
        dtmf_detection="true",
        interruptible="any",
        report_input_during_agent_speech="any",
        hints=gather_hints(hint_phrases, settings.line.hints),
        events=RELAY_EVENTS,
    )
    for name, value in parameters.items():
        # `name` is add_child's own argument: the node is built by hand.
        parameter = GenericNode("Parameter", None)
        parameter.attrs.update(name=name, value=_xml_safe(value))
        relay.nest(parameter)
    response.append(connect)
    return response


def _xml_safe(value: str) -> str:
    return _NOT_XML.sub("", value)[:MAX_PARAMETER_CHARS]
