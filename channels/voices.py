"""Which language each voice of Twilio's Say verb speaks.

An Amazon Polly voice speaks one language (a few are bilingual); given another
`language`, Twilio reads the text with the wrong pronunciation or fails the verb.
Google voices carry their language in the name (`Google.en-US-Neural2-F`).
"""

from __future__ import annotations

_POLLY_LANGUAGES: dict[str, tuple[str, ...]] = {
    "en-US": (
        "Danielle", "Gregory", "Ivy", "Joanna", "Joey", "Justin", "Kendra", "Kevin",
        "Kimberly", "Matthew", "Patrick", "Ruth", "Salli", "Stephen",
    ),
    "en-GB": ("Amy", "Arthur", "Brian", "Emma"),
    "en-AU": ("Nicole", "Olivia", "Russell"),
    "en-IN": ("Aditi", "Kajal", "Raveena"),
    "hi-IN": ("Aditi", "Kajal"),
    "en-IE": ("Niamh",),
    "en-NZ": ("Aria",),
    "en-ZA": ("Ayanda",),
    "cy-GB": ("Gwyneth",),
    "da-DK": ("Mads", "Naja", "Sofie"),
    "de-AT": ("Hannah",),
    "de-DE": ("Daniel", "Hans", "Marlene", "Vicki"),
    "es-ES": ("Conchita", "Enrique", "Lucia", "Sergio"),
    "es-MX": ("Andres", "Mia"),
    "es-US": ("Lupe", "Miguel", "Pedro", "Penelope"),
    "fr-CA": ("Chantal", "Gabrielle", "Liam"),
    "fr-FR": ("Celine", "Lea", "Mathieu", "Remi"),
    "is-IS": ("Dora", "Karl"),
    "it-IT": ("Adriano", "Bianca", "Carla", "Giorgio"),
    "ja-JP": ("Kazuha", "Mizuki", "Takumi", "Tomoko"),
    "ko-KR": ("Seoyeon",),
    "nb-NO": ("Ida", "Liv"),
    "nl-NL": ("Laura", "Lotte", "Ruben"),
    "pl-PL": ("Ewa", "Jacek", "Jan", "Maja", "Ola"),
    "pt-BR": ("Camila", "Ricardo", "Thiago", "Vitoria"),
    "pt-PT": ("Cristiano", "Ines"),
    "ro-RO": ("Carmen",),
    "ru-RU": ("Maxim", "Tatyana"),
    "sv-SE": ("Astrid", "Elin"),
    "tr-TR": ("Filiz",),
}  # fmt: skip
_POLLY_ENGINES = ("", "-Neural", "-Generative")
# Twilio's basic voices; `alice` speaks many languages, `man` and `woman` a few.
_BASIC_VOICES = {"alice", "man", "woman"}


def voice_problem(voice: str, language: str) -> str | None:
    """Why this voice cannot speak this language, or None when it can."""
    if voice in _BASIC_VOICES:
        return None
    if voice.startswith("Google."):
        spoken = "-".join(voice.removeprefix("Google.").split("-")[:2])
        if spoken.lower() != language.lower():
            return f"{voice} speaks {spoken}, not {language}"
        return None
    if voice.startswith("Polly."):
        name = voice.removeprefix("Polly.")
        for engine in _POLLY_ENGINES:
            if engine and name.endswith(engine):
                name = name.removesuffix(engine)
        spoken_by = [lang for lang, names in _POLLY_LANGUAGES.items() if name in names]
        if not spoken_by:
            return f"{voice} is not an Amazon Polly voice that Twilio offers"
        if language.lower() not in {lang.lower() for lang in spoken_by}:
            return f"{voice} speaks {' and '.join(spoken_by)}, not {language}"
        return None
    return f"{voice} is not a Twilio voice (Polly.*, Google.* or alice, man, woman)"
