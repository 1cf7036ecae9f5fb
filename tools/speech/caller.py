"""The caller's side of a spoken call: answers what the assistant asks, as a person would.

A scripted test says what the caller says at each step. Over a real recogniser the
assistant sometimes takes a turn the script did not foresee: it reads back what it
heard, asks again, or asks for the address letter by letter. The caller then answers
that question from what they meant: yes to a right read-back, no to a wrong one, the
same answer again when asked again, the address spelled when asked to spell it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from helpdesk.spelling import NATO
from helpdesk.spoken_email import find_domain, find_local_part, find_spoken_email

# Questions the assistant asks, by what they ask for (the voice variants in domain.yml).
QUESTIONS = {
    "email": ("What is your email address?", "spell your email address"),
    "priority": ("How urgent is this?",),
    "description": ("describe the problem", "What's not working?"),
    "title": ("What short title should I give this incident?",),
    # The incident read back before it is filed.
    "confirm": ("Shall I go ahead?", "incident called"),
}
NOT_UNDERSTOOD = "Could you say it another way?"
NOT_CAUGHT = "Sorry, I didn't catch that."
HELP_MENU = "You can say, open an incident."
YES_OR_NO_MENU = "Say Yes or No, or press 1 or 2."
YES_OR_NO_KEYS = {"yes": "$1", "no": "$2"}
# An address offered or read back, for a yes or no.
_OFFERED_ADDRESS = re.compile(
    r"(?:I heard(?: the same as before,)?|Did you mean|This number belongs to"
    r"|the email address you gave me before,)"
    r" (?P<address>[^?,]+? at [^?,]+?)(?:\. Is that right\?|\?|\. Is that your email address\?)",
    re.IGNORECASE,
)
# One part of the address, checked or asked for on its own (actions/email_repair.py).
_NAME_CHECKED = re.compile(r"Is the part before the at, (?P<name>[^?]+?), right\?")
_DOMAIN_CHECKED = re.compile(r"And is it at (?P<domain>[^?]+?)\?")
NAME_ASKED = "spell the part that comes before at"
DOMAIN_ASKED = "What comes after the at?"
DOMAIN_SPELLING_ASKED = "spell the part after the at"
_OFFERED_PRIORITY = re.compile(r"I heard (?P<priority>low|medium|high) priority\. Is that right\?")
ALPHABET_AFTER = 2
_MENU = re.compile(r"Say (?P<choices>[^.?]+?), or press [\d, or]+\.")
_SYMBOL_WORDS = {".": "dot", "_": "underscore", "-": "dash", "+": "plus"}
# The spelling alphabet a caller falls back on, one word per letter (the first of
# helpdesk.spelling's variants: "alpha", not "alfa").
_ALPHABET = {letter: word for word, letter in reversed(NATO.items())}


@dataclass
class Caller:
    """What the caller meant by each answer, learnt from the lines of their script."""

    answers: dict[str, str] = field(default_factory=dict)
    address: str = ""
    # What the caller first asked for: said again when told what they can say.
    opener: str = ""
    last_line: str = ""
    # How often the caller was asked to spell so far: a caller misheard twice spells
    # with the spelling alphabet ("kilo india mike").
    spellings: int = 0

    def _spell(self, part: str) -> str:
        self.spellings += 1
        return spelled_part(part, alphabet=self.spellings > ALPHABET_AFTER)

    def means(self, script: list[tuple[str, str]]) -> None:
        """Learns, before the call, what the caller will answer each question their
        script foresees (a line, and what the assistant is expected to have said before
        it): a call that left the script early still gets the script's answers to the
        questions after. The address is learnt as the script says it (`said`)."""
        if script and not script[0][0].startswith("$"):
            self.opener = script[0][0]
        for line, after in script:
            question = asked(after)
            if question and question != "email" and line != "$DIAL":
                self.answers.setdefault(question, line)

    def said(self, line: str, after: str) -> None:
        """Remembers a scripted line as the caller's answer to the question it followed."""
        if line.startswith("$"):
            return  # dialling or keys: nothing a caller would say again
        self.last_line = line
        found = find_spoken_email(line)
        if found:
            self.address = found.address
            self.answers["email"] = line
        question = asked(after)
        if question and question != "email":
            self.answers[question] = line

    def reply(self, prompt: str) -> str | None:
        """The caller's answer to a turn their script did not foresee; None if they have none.

        A yes or no that was not caught is pressed on the keypad, as the prompt offers.
        """
        answer = self._answer(prompt)
        if answer in YES_OR_NO_KEYS and NOT_CAUGHT in prompt and YES_OR_NO_MENU in prompt:
            return YES_OR_NO_KEYS[answer]
        return answer

    def _answer(self, prompt: str) -> str | None:
        if HELP_MENU in prompt and self.opener:
            return self.opener
        offered = _last(_OFFERED_ADDRESS, prompt, "address")
        if offered:
            found = find_spoken_email(offered)
            return "yes" if found and found.address == self.address else "no"
        local, _, domain = self.address.partition("@")
        name = _last(_NAME_CHECKED, prompt, "name")
        if name:
            return "yes" if find_local_part(name) == local else "no"
        checked_domain = _last(_DOMAIN_CHECKED, prompt, "domain")
        if checked_domain:
            return "yes" if find_domain(checked_domain) == domain else "no"
        if NAME_ASKED in prompt and local:
            return self._spell(local)
        if DOMAIN_SPELLING_ASKED in prompt and domain:
            # People spell the name of a domain and say its ending: "... dot com".
            name, _, ending = domain.rpartition(".")
            return f"{self._spell(name)} dot {ending}"
        if DOMAIN_ASKED in prompt and domain:
            return domain.replace(".", " dot ")
        priority = _last(_OFFERED_PRIORITY, prompt, "priority")
        if priority:
            return "yes" if priority in self.answers.get("priority", "").lower() else "no"
        if "spell your email address" in prompt and self.address:
            return f"{self._spell(local)} at {domain.replace('.', ' dot ')}"
        question = asked(prompt)
        if question is None and NOT_UNDERSTOOD in prompt:
            return self.last_line or None
        if question == "confirm" and "confirm" not in self.answers:
            return "yes"  # the incident read back is what they called for
        answer = self.answers.get(question) if question else None
        if answer and answer.startswith("$"):
            return answer  # the key they pressed for it
        # Not understood at a menu: a caller presses the key the menu names.
        return menu_key(prompt, answer) or answer if answer else None


# Questions a caller who already knows their answer talks over (the streaming line lets
# them): what comes before is what they need to hear; a menu is talked over from its start.
TALKED_OVER_QUESTIONS = ("Shall I go ahead?", "Is that right?")


def talks_over(prompt: str) -> int | None:
    """How much of `prompt` a caller hears before answering over the rest of it: up to
    the closing question of a read-back, or up to the menu read after a question; None
    when they listen to the end."""
    menus = list(_MENU.finditer(prompt))
    if menus and menus[-1].end() >= len(prompt.rstrip()):
        return menus[-1].start() or None
    for question in TALKED_OVER_QUESTIONS:
        if prompt.rstrip().endswith(question):
            return len(prompt.rstrip()) - len(question) or None
    return None


def menu_key(prompt: str, answer: str) -> str | None:
    """`$2` for "medium" after "Say low, medium, or high, or press 1, 2, or 3."."""
    menu = _last(_MENU, prompt, "choices")
    if not menu:
        return None
    choices = [choice.strip().lower() for choice in re.split(r",\s*(?:or\s+)?|\s+or\s+", menu)]
    words = answer.lower().split()
    chosen = [n for n, choice in enumerate(choices, start=1) if choice in words]
    return f"${chosen[0]}" if len(chosen) == 1 else None


def asked(prompt: str) -> str | None:
    """The last question in what the assistant said (or a script expects it to say, in
    any case)."""
    said = prompt.lower()
    positions = {
        kind: max(said.rfind(phrase.lower().rstrip("?")) for phrase in phrases)
        for kind, phrases in QUESTIONS.items()
    }
    kind, position = max(positions.items(), key=lambda item: item[1])
    return kind if position >= 0 else None


def spelled_part(part: str, alphabet: bool = False) -> str:
    """As a caller spells: `o.brien` -> `o dot b r i e n`, a letter said twice as "double
    e", symbols as words; with `alphabet`, letters as the spelling alphabet's words."""
    words: list[str] = []
    index = 0
    while index < len(part):
        character = part[index]
        twice = index + 1 < len(part) and part[index + 1] == character and character.isalpha()
        said = _ALPHABET.get(character, character) if alphabet else character
        said = _SYMBOL_WORDS.get(character, said)
        words.append(f"double {said}" if twice and not alphabet else said)
        index += 2 if twice and not alphabet else 1
    return " ".join(words)


def _last(pattern: re.Pattern[str], text: str, group: str) -> str | None:
    matches = list(pattern.finditer(text))
    return matches[-1].group(group) if matches else None
