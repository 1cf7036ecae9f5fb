"""The phone line in software: a neural voice, the phone band, Whisper."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from tools.spoken import PHONE_RATE, PhoneLine, whisper_language, word_error_rate


def test_a_line_goes_down_the_phone_band_and_is_recognised(tmp_path: Path) -> None:
    line = PhoneLine(tmp_path)
    path = line.speak("I want to open an incident.", "caller-01")
    with wave.open(str(path)) as audio:
        assert (audio.getframerate(), audio.getnchannels()) == (PHONE_RATE, 1)
        assert audio.getnframes() > PHONE_RATE // 2
    heard = line.recognise(path, hints="open an incident", language="en-US")
    assert "open an incident" in heard.text.lower()
    assert 0.0 < heard.confidence <= 1.0
    # Without noise in the voice, the same line sounds, and is heard, the same.
    again = line.hear("I want to open an incident.", "caller-02", hints="open an incident")
    assert again == heard


def test_twilios_language_is_whispers_and_only_english_is_heard() -> None:
    assert whisper_language("en-GB") == "en"
    with pytest.raises(ValueError, match="only hears English"):
        whisper_language("de-DE")


@pytest.mark.parametrize(
    ("said", "heard", "rate"),
    [
        ("open an incident", "Open an incident.", 0.0),
        ("kim lee four five six", "Tim Lee 456", 0.8),
        ("yes", "", 1.0),
        ("goodbye", "good bye", 2.0),
    ],
)
def test_word_error_rate_ignores_case_and_punctuation(said: str, heard: str, rate: float) -> None:
    assert word_error_rate(said, heard) == rate
