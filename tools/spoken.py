"""A spoken round trip: caller lines through speech synthesis and offline recognition.

espeak-ng (Debian package) renders text to audio; pocketsphinx (PyPI, with its English
model) transcribes it. Used by `make e2e-spoken` to hear whole calls and to measure
how much the caller's words change on the way.
"""

from __future__ import annotations

import audioop
import shutil
import subprocess
import wave
from pathlib import Path

from pocketsphinx import Decoder

SAMPLE_RATE = 16000


class SpokenRoundTrip:
    """Speaks text to WAV files and recognises what was said in them."""

    def __init__(self, audio_dir: Path) -> None:
        if shutil.which("espeak-ng") is None:
            raise RuntimeError("espeak-ng is not installed: apt-get install espeak-ng")
        self.audio_dir = audio_dir
        audio_dir.mkdir(parents=True, exist_ok=True)
        self._decoder = Decoder(samprate=SAMPLE_RATE)

    def speak(self, text: str, name: str) -> Path:
        """Renders the text with espeak-ng to `<audio_dir>/<name>.wav`."""
        path = self.audio_dir / f"{name}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(path), text], check=True)
        return path

    def recognise(self, path: Path) -> str:
        """What pocketsphinx hears in a WAV file."""
        with wave.open(str(path)) as audio:
            rate, width = audio.getframerate(), audio.getsampwidth()
            frames = audio.readframes(audio.getnframes())
            if audio.getnchannels() == 2:
                frames = audioop.tomono(frames, width, 0.5, 0.5)
        frames, _ = audioop.ratecv(frames, width, 1, rate, SAMPLE_RATE, None)
        self._decoder.start_utt()
        self._decoder.process_raw(frames, full_utt=True)
        self._decoder.end_utt()
        hypothesis = self._decoder.hyp()
        return hypothesis.hypstr if hypothesis else ""


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level edit distance divided by the number of reference words."""
    expected = reference.lower().split()
    heard = hypothesis.lower().split()
    previous = list(range(len(heard) + 1))
    for i, word in enumerate(expected, start=1):
        current = [i]
        for j, other in enumerate(heard, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other))
            )
        previous = current
    return previous[-1] / max(len(expected), 1)
