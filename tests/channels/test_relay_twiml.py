"""The TwiML that puts a call on ConversationRelay: every choice made on purpose."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from channels.relay_settings import RelaySettings
from channels.relay_twiml import connect_to_relay
from channels.settings import VoiceSettings


def test_connect_names_providers_keys_interruptions_events_and_parameters() -> None:
    settings = RelaySettings(VoiceSettings(hints=("incident",)))
    twiml = connect_to_relay(
        settings,
        "wss://voice.example.com/webhooks/conversation_relay/websocket",
        "action?attempt=0",
        {"StirVerstat": "TN-Validation-Passed-A", "resume": "failed"},
        ["low", "high, urgent"],
    )
    connect = ElementTree.fromstring(str(twiml)).find("Connect")
    assert connect is not None and connect.get("action") == "action?attempt=0"
    relay = connect.find("ConversationRelay")
    assert relay is not None
    assert relay.attrib == {
        "url": "wss://voice.example.com/webhooks/conversation_relay/websocket",
        "language": "en-US",
        "ttsProvider": "Amazon",
        "voice": "Joanna-Neural",
        "transcriptionProvider": "Deepgram",
        "speechModel": "nova-3-general",
        "dtmfDetection": "true",
        "interruptible": "any",
        "reportInputDuringAgentSpeech": "any",
        "hints": "low, high urgent, incident",
        "events": "speaker-events tokens-played",
    }
    assert {p.get("name"): p.get("value") for p in relay.iter("Parameter")} == {
        "StirVerstat": "TN-Validation-Passed-A",
        "resume": "failed",
    }


def test_a_parameter_holds_only_what_xml_can_carry_and_not_too_much() -> None:
    twiml = connect_to_relay(
        RelaySettings(VoiceSettings()),
        "wss://x/websocket",
        "action",
        {"From": "+1\x00\x1b5" + "9" * 999},
        [],
    )
    relay = ElementTree.fromstring(str(twiml)).find("Connect/ConversationRelay")
    assert relay is not None
    value = next(relay.iter("Parameter")).get("value")
    assert value is not None and value.startswith("+15999") and len(value) == 256
