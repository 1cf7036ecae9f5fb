"""Finds the email address a caller spelled out in a phone transcript.

Speech recognisers write addresses as words: "j p k at bespoken dot io", "mary
underscore ann at contoso dot com", "sam four five six at g mail dot com". This
module turns such transcripts into the address the caller meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from helpdesk.recogniser_habits import HEARD_AS_AT, undo_habits
from helpdesk.spelling import letters_said
from helpdesk.spoken_numbers import is_number, is_number_word, read_number

_WRITTEN = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_TOKEN = re.compile(r"[^\s,;:!?]+")
_AT = {"at", "@"}
_DOT = {"dot", "period", "point", "."}
_SYMBOLS = {
    "underscore": "_",
    "under-score": "_",
    "dash": "-",
    "hyphen": "-",
    "minus": "-",
    "plus": "+",
}
# Fillers that may stand between "at" and the domain.
_DOMAIN_FILLERS = {"um", "uh", "er", "erm"}
# Words around an address that are never part of it.
_STOP = {
    "my", "email", "e-mail", "mail", "address", "is", "it's", "its", "it",
    "sure", "yes", "yeah", "yep", "ok", "okay", "so", "um", "uh", "er", "erm", "hmm",
    "well", "the", "that's", "thats", "this", "and", "please", "thanks", "thank",
    "you", "use", "try", "reach", "me", "i", "i'm", "am", "can", "be", "reached",
    "hi", "hello", "sorry", "no", "correct", "right", "actually", "like", "just",
    # Words of the sentence an address is said in: "an incident for jane dot doe at ...".
    "for", "to", "from", "of", "on", "with", "by", "about", "send", "sent", "mails",
    "emails", "incident", "ticket", "priority", "high", "medium", "low", "urgent", "open",
    "problem", "issue", "contact", "write", "writing", "changed",
    # What recognisers make of "my email address is ...": "addresses a", "our".
    "addresses", "a", "our",
}  # fmt: skip
_TLD = re.compile(r"^[a-z]{2,24}$")
_DIGIT = re.compile(r"\d")
_SPACES = re.compile(r"\s+")
_SYMBOL_WORDS = {".": "dot", "_": "underscore", "-": "dash", "+": "plus"}
_HEARD_LABELS = {"male": "mail", "g-mail": "gmail"}
_HEARD_TOP_LEVEL = {"or": "org", "calm": "com", "comm": "com"}
# "at" glued between a name and a domain with dashes: "mary-annet-contoso.co.uk".
_GLUED_AT = re.compile(
    r"^(?P<local>[a-z0-9][\w.+-]*[a-z0-9])(?P<at>-?(?:at|et)-)(?P<domain>[a-z0-9-]+(?:\.[a-z]{2,})+)$"
)


@dataclass(frozen=True)
class FoundEmail:
    """An address and the span of the transcript it was read from."""

    address: str
    start: int
    end: int


def find_spoken_email(text: str) -> FoundEmail | None:
    """The first address in the transcript, written or spoken, if it is valid."""
    written = _WRITTEN.search(text)
    if written:
        address = _valid(written.group(0).strip(".'").lower())
        if address:
            return FoundEmail(address, written.start(), written.end())
    tokens = _tokens(text)
    # "at" as written first; then the words a recogniser writes for it ("Bob 2000 that
    # hotmail.com"), which only count when a whole valid address forms around them.
    for at_words in (_AT, HEARD_AS_AT):
        for index, (word, _, _) in enumerate(tokens):
            if word in at_words:
                found = _around(tokens, index)
                if found:
                    return found
    return None


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """The transcript's words with their positions, spelled letters and habits undone."""
    heard = undo_habits(letters_said(text))
    return [piece for match in _TOKEN.finditer(heard) for piece in _pieces(match)]


def _pieces(match: re.Match[str]) -> list[tuple[str, int, int]]:
    """A token with its positions; `kim.lee` and `gmail.com` become word, dot, word.

    Recognisers glue words that were said apart: "chondot" ("sean dot"), and
    "mary-annet-contoso.co.uk" ("mary dash ann at contoso dot co dot uk").
    """
    word = match.group(0).lower().strip(".'\"")
    start = match.start() + match.group(0).lower().index(word) if word else match.start()
    glued = _GLUED_AT.match(word)
    if glued:
        at = start + glued.start("at")
        return [
            *_dotted(glued.group("local"), start),
            ("at", at, at + len(glued.group("at"))),
            *_dotted(glued.group("domain"), start + glued.start("domain")),
        ]
    # "example .com": a dot written against the next word is still a dot.
    leading_dot = [(".", start - 1, start)] if match.group(0).startswith(".") and word else []
    return leading_dot + _dotted(word, start)


def _dotted(word: str, start: int) -> list[tuple[str, int, int]]:
    pieces: list[tuple[str, int, int]] = []
    for index, part in enumerate(word.split(".")):
        if index:
            pieces.append((".", start - 1, start))
        if len(part) > len("dot") and part.endswith("dot"):
            name_end = start + len(part) - len("dot")
            pieces += [(part[: -len("dot")], start, name_end), (".", name_end, name_end + 3)]
        else:
            pieces.append((part, start, start + len(part)))
        start += len(part) + 1
    return [piece for piece in pieces if piece[0]]


def _around(tokens: list[tuple[str, int, int]], at: int) -> FoundEmail | None:
    local_words = _local_part_words(tokens, at)
    domain_words, last = _domain_words(tokens, at)
    if not local_words or not domain_words:
        return None
    local = _spell([word for word, _, _ in local_words])
    domain = _domain([word for word, _, _ in domain_words])
    address = _valid(f"{local}@{domain}") if local and domain else None
    if address is None:
        return None
    return FoundEmail(address, local_words[0][1], tokens[last][2])


def _local_part_words(tokens: list[tuple[str, int, int]], at: int) -> list[tuple[str, int, int]]:
    """Words before "at", back to the first word that cannot belong to an address."""
    start = at
    while start > 0 and _may_precede(tokens, start - 1, at):
        start -= 1
    words = tokens[start:at]
    while words and (words[0][0] in _DOT or words[0][0] in _SYMBOLS):
        words.pop(0)
    return words


def _may_precede(tokens: list[tuple[str, int, int]], index: int, at: int) -> bool:
    word = tokens[index][0]
    if word in _AT:
        return False
    if word not in _STOP:
        return True
    # "lee plus it", "it dot support": joined to the address by a symbol word.
    before = tokens[index - 1][0] if index > 0 else ""
    after = tokens[index + 1][0] if index + 1 < at else ""
    if {before, after} & (_DOT | set(_SYMBOLS)):
        return True
    # "b r i a n", "w e i eight": a letter inside a spelled-out run of letters and digits,
    # or starting one ("a b dot c d", "my email is a one b two").
    starts_run = index == 0 or _spelled_piece(before) or before in _STOP
    return len(word) == 1 and _spelled_piece(after) and starts_run


def _spelled_piece(word: str) -> bool:
    return len(word) == 1 or word.isdigit() or is_number(word)


def _domain_words(
    tokens: list[tuple[str, int, int]], at: int
) -> tuple[list[tuple[str, int, int]], int]:
    """Words up to the last label after a dot: `example dot co dot uk thanks` stops at uk."""
    words: list[tuple[str, int, int]] = []
    last = at
    index = at + 1
    while index < len(tokens):
        word = tokens[index][0]
        if word in _DOT:
            following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
            if not _TLD.match(following) and not following.isalnum():
                break
            words.extend([tokens[index], tokens[index + 1]])
            last = index + 1
            index += 2
            # A country code said letter by letter: "dot i e", "dot u k".
            while len(following) == 1 and index < len(tokens) and _is_letter(tokens[index][0]):
                words.append(tokens[index])
                last = index
                index += 1
            continue
        if any(dot[0] in _DOT for dot in words) or word in _AT:
            break
        if word not in _DOMAIN_FILLERS:
            words.append(tokens[index])
        last = index
        index += 1
    return (words, last) if any(word[0] in _DOT for word in words) else ([], at)


def _is_letter(word: str) -> bool:
    return len(word) == 1 and word.isalpha()


def _domain(words: list[str]) -> str:
    labels: list[list[str]] = [[]]
    for word in words:
        if word in _DOT:
            labels.append([])
        else:
            labels[-1].append(word)
    spelled = [_spell(label) for label in labels]
    # Domain labels as recognisers write them: "example dot code dot uk" is co.uk,
    # "male dot example" mail.example, "acme period or" acme.org.
    spelled = [
        "co" if label == "code" and index == len(spelled) - 2 and len(spelled[-1]) == 2
        else _HEARD_LABELS.get(label, label) if index < len(spelled) - 1
        else _HEARD_TOP_LEVEL.get(label, label)
        for index, label in enumerate(spelled)
    ]  # fmt: skip
    return ".".join(spelled)


def _spell(words: list[str]) -> str:
    """Joins spoken pieces: letters, names, digits, number words and symbol words."""
    pieces: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        if word in _DOT:
            pieces.append(".")
        elif word in _SYMBOLS:
            pieces.append(_SYMBOLS[word])
        elif word == "double" and index + 1 < len(words) and words[index + 1] in ("u", "you"):
            pieces.append("w")
            index += 1
        elif word == "double" and index + 1 < len(words) and len(words[index + 1]) == 1:
            pieces.append(words[index + 1] * 2)
            index += 1
        elif (
            word == "oh"
            and not is_number_word(words, index - 1)
            and not is_number_word(words, index + 1)
        ):
            pieces.append("o")  # "oh dot brien": the letter, not a zero among digits
        elif is_number_word(words, index):
            number, index = read_number(words, index)
            pieces.append(number)
            continue
        else:
            pieces.append(re.sub(r"[^\w.+-]", "", word))
        index += 1
    return "".join(pieces)


def _valid(address: str) -> str | None:
    try:
        return validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def find_local_part(text: str) -> str | None:
    """The part before the at, said alone: "j a n e dot d o e", "it's jane dot doe".

    Words after an "at" are left out: the caller may say the domain again.
    """
    tokens = _tokens(text)
    at = next((index for index, token in enumerate(tokens) if token[0] in _AT), len(tokens))
    words = _local_part_words([*tokens[:at], ("at", 0, 0)], at)
    local = _spell([word for word, _, _ in words])
    address = _valid(f"{local}@example.com") if local else None
    return address.partition("@")[0] if address else None


def find_domain(text: str) -> str | None:
    """The part after the at, said alone: "example dot com", "at g mail dot com"."""
    tokens = _tokens(text)
    at = next((index for index, token in enumerate(tokens) if token[0] in _AT), None)
    if at is None:
        # Words of the sentence before the domain: "um it's acme dot com".
        first = next((i for i, token in enumerate(tokens) if token[0] not in _STOP), len(tokens))
        first = first - 1 if first and _is_letter(tokens[first - 1][0]) else first
        tokens, at = [("at", 0, 0), *tokens[first:]], 0
    words, _ = _domain_words(tokens, at)
    domain = _domain([word for word, _, _ in words]) if words else ""
    address = _valid(f"x@{domain}") if domain else None
    return address.partition("@")[2] if address else None


# Words of a sentence, never of a name said alone: "I don't know", "what do you mean".
_NOT_A_NAME = {
    "know",
    "not",
    "don't",
    "dont",
    "remember",
    "forgot",
    "what",
    "why",
    "who",
    "how",
    "mean",
    "have",
    "none",
    "nothing",
    "said",
    "say",
    "repeat",
    "again",
    "wait",
}
_LONGEST_NAME_IN_WORDS = 8
# What is left of "at" where a recogniser glued it to the domain: "lincolnedexample.com".
_GLUED_AT_ENDINGS = ("at", "ed", "et", "add", "had", "it", "ad")


def find_email_at_known_domain(text: str, domains: list[str], main: str | None) -> str | None:
    """An address heard without its "at" that ends in a known domain
    ("lincolnedexample.com"), or a name said alone completed with the `main` domain."""
    if find_spoken_email(text) is not None:
        return None
    tokens = _tokens(text)
    spelled = _spell([word for word, _, _ in tokens if word not in _STOP or word in _DOT])
    for domain in domains:
        if spelled.endswith(domain) and len(spelled) > len(domain):
            local = spelled[: -len(domain)].rstrip(".")
            glue = next((end for end in _GLUED_AT_ENDINGS if local.endswith(end)), "")
            address = _valid(f"{local[: len(local) - len(glue)] or local}@{domain}")
            if address:
                return address
    words = [word for word, _, _ in tokens]
    if main is None or len(words) > _LONGEST_NAME_IN_WORDS or _NOT_A_NAME.intersection(words):
        return None
    name = find_local_part(text)
    return _valid(f"{name}@{main}") if name else None


def say_address_part(part: str) -> str:
    """`jo.doe7` -> `jo dot doe 7`: symbols as words, digits one by one ("lee 4 5 6",
    never "lee four hundred fifty-six"), as an address or a part of one is read back."""
    spaced = _DIGIT.sub(r" \g<0> ", part)
    for symbol, word in _SYMBOL_WORDS.items():
        spaced = spaced.replace(symbol, f" {word} ")
    return _SPACES.sub(" ", spaced).strip()
