"""The phone line in software: a neural voice, the phone band, Whisper."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from tools.speech.line import (
    PHONE_RATE,
    LineConditions,
    PhoneLine,
    whisper_language,
    word_error_rate,
)


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


def test_the_second_line_has_another_voice_and_reproduces(tmp_path: Path) -> None:
    clean, noisy = PhoneLine(tmp_path / "clean"), PhoneLine(tmp_path / "noisy", line="noisy")
    said = "I want to open an incident."
    first = noisy.speak(said, "caller-01").read_bytes()
    assert noisy.speak(said, "caller-01").read_bytes() == first  # seeded: a run reproduces
    assert first != clean.speak(said, "caller-01").read_bytes()
    heard = noisy.recognise(noisy.speak(said, "caller-01"), hints="incident")
    assert "incident" in heard.text.lower()


def test_line_conditions_add_noise_lose_frames_and_change_levels() -> None:
    tone = np.sin(np.linspace(0, 2000 * np.pi, PHONE_RATE * 2)) * 0.3
    lossy = LineConditions(frame_loss=0.5).apply(tone, seed=1)
    frame = PHONE_RATE // 50
    lost = sum(not lossy[i : i + frame].any() for i in range(0, len(lossy), frame))
    assert 30 <= lost <= 70  # about half of the 100 frames
    noisy = LineConditions(noise_snr_db=20.0).apply(tone, seed=1)
    snr = 10 * np.log10(np.mean(tone**2) / np.mean((noisy - tone) ** 2))
    assert 18 < snr < 22
    quieter = LineConditions(level_steps_db=(-6.0,)).apply(tone, seed=1)
    assert np.allclose(quieter, tone * 10 ** (-6 / 20))
