"""What phone recognisers do to spoken addresses, undone before an address is read.

Whisper and its kind write what they hear the way a person would type it: letters
spelled one by one as "K-I-M" or "J.P.K.", a country domain as "i.e." or "U.K.", and
"at" as "that", "of" or "a" when it runs into the next word. Every change here keeps
the text's length, so that positions found in the result are positions in the
transcript the caller's words came from.
"""

from __future__ import annotations

import re

# Letters spelled one by one: "J.P.K.", "i.e.", "K-I-M"; and runs of three or more short
# pieces joined by dashes, with a slip or a number in them: "DA-L-O-V-E", "b-o-b-200".
# Words such as "mary-ann" or "co-op" and domains such as "bt.co.uk" stay as they are.
_DASHED = r"(?:[a-z]{1,2}|\d+|double)(?:-(?:[a-z]{1,2}|\d+|double)){2,}"
# Dotted letters are spelled when a recogniser wrote them so: capitals ("J.P.K."), a
# final full stop ("i.e."), or after "dot" ("dot i.e"); "j.p.k" is an address's name.
_DOTTED = (
    r"(?:[A-Z0-9](?:\.[A-Z0-9])+\.?"
    r"|[a-z0-9](?:\.[a-z0-9])+\.(?!\w)"
    r"|(?<=[Dd]ot )[a-zA-Z](?:\.[a-zA-Z])+)"
)
# After "dot", two letters are a country code however they were joined: "dot i-e".
_COUNTRY = r"(?<=dot )[a-z]-[a-z]"
_SPELLED = re.compile(rf"(?<![\w.-])(?:(?i:{_DASHED})|{_DOTTED}|(?i:{_COUNTRY}))\.?(?![\w-])")
_JOINERS = re.compile(r"[.-]")
# Dashed letters with a dot between runs: "B-E-S-P-O-K-E-N.I-O" (bespoken dot io); only
# the dashes go, the dot stays a dot.
_DASHED_RUNS = re.compile(
    r"(?<![\w.-])(?:[a-z]|\d+)(?:-(?:[a-z]|\d+)){2,}(?:\.(?:[a-z]|\d+)(?:-(?:[a-z]|\d+))*)+(?![\w-])",
    re.IGNORECASE,
)
# Words a recogniser writes for "at" when it merges into the next word.
HEARD_AS_AT = {"that", "of", "a", "add", "had", "it", "ad", "et", "in"}


def undo_habits(text: str) -> str:
    """The transcript with spelled letters apart again: "K-I-M at" -> "K I M at"."""
    text = _DASHED_RUNS.sub(lambda match: match.group(0).replace("-", " ").lower(), text)
    return _SPELLED.sub(lambda match: _JOINERS.sub(" ", match.group(0)), text)
