"""The caller's own words about their problem: kept as the description, and a title.

The first thing people tell a helpdesk is their problem ("hi, um, my vpn keeps dropping
every few minutes"). A person at the desk writes it down rather than asking for it
again: the opener, without the greeting and fillers in front, becomes the description,
and a few words of it the title ("VPN keeps dropping"). An opener that names no kind of
problem ("I have an issue") or no symptom ("a problem with my email") describes
nothing yet, and the caller is asked.
"""

from __future__ import annotations

import re

from actions.categories import category_of

# What stands in front of the problem and is no part of it.
_LEAD_IN = re.compile(
    r"^(?:(?:hi|hello|hey|yeah|yes|um+|uh+|er+|erm|so|okay|ok|well|oh|good (?:morning|afternoon|"
    r"evening)|hi there|hello there|hey there|sorry to bother you|thanks for picking up|"
    r"i think|i guess|it's just that|just)[\s,.!]+)+",
    re.IGNORECASE,
)
# Words that say something is wrong: a description has one.
_SYMPTOM = re.compile(
    r"\b(?:not|no|won'?t|can'?t|cannot|isn'?t|doesn'?t|don'?t|aren'?t|didn'?t|keeps?|stopped|"
    r"broken|broke|crash\w*|freez\w*|frozen|slow|jammed|dropp\w*|drops|dies|dead|black|blank|"
    r"lost|locked|stuck|fail\w*|error\w*|missing|down|cracked|flicker\w*|noise|loud|overheat\w*|"
    r"restart\w*|shuts?|virus|malware|hacked|phishing|suspicious|scam\w*|encrypted|weird|"
    r"wrong|need|needs|expired|full|offline|swollen|closes|disconnect\w*|cutting|warning|"
    r"unidentified|pop.?ups?)\b",
    re.IGNORECASE,
)
# Words of a request for an incident, which describe nothing.
_REQUEST = re.compile(
    r"\b(?:i (?:want|need|would like|'d like) to |can you |please |could you )?"
    r"(?:open|create|raise|log|file|submit|report) (?:an? |the )?(?:incident|ticket|issue|problem|"
    r"case|request)\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[.;!?]|,\s*(?:and|but|so)\b")
_ACRONYMS = {"vpn": "VPN", "wifi": "Wi-Fi", "wi-fi": "Wi-Fi", "pc": "PC", "usb": "USB",
             "mfa": "MFA", "pdf": "PDF", "hr": "HR", "it": "IT", "dns": "DNS"}  # fmt: skip
_TITLE_WORDS = 8
# Words that lead into a title and carry nothing: "my", "the", "our".
_TITLE_LEAD = re.compile(r"^(?:my|the|our|a|an|this|that)\s+", re.IGNORECASE)
# Where the circumstances start, left out of a title: "since the last update".
_CIRCUMSTANCES = re.compile(
    r"\s+(?:since|every|when|whenever|after|before|because|for the last|all (?:day|morning)|"
    r"this (?:morning|afternoon)|today|again)\b.*$",
    re.IGNORECASE,
)


def without_lead_in(opener: str) -> str:
    """The opener without the greeting and fillers in front: "hi, um, my vpn ..." ->
    "my vpn ..."."""
    return _LEAD_IN.sub("", opener.strip()).strip(" ,.")


def is_vague(opener: str) -> bool:
    """Whether the opener says something is wrong without saying what ("my stuff isn't
    working", "I have an issue"), rather than asking for an incident or describing."""
    text = without_lead_in(opener)
    return bool(text) and not _REQUEST.search(text) and described_problem(text) is None


def described_problem(opener: str) -> str | None:
    """The opener as a description when it describes a problem: what is broken and how."""
    text = without_lead_in(opener)
    # "open a ticket, my laptop won't boot": the problem is what follows the request.
    text = without_lead_in(_REQUEST.sub("", text).strip(" ,.:-"))
    if not text or category_of(text) is None or not _SYMPTOM.search(text):
        return None
    return text[0].upper() + text[1:]


def short_title(description: str) -> str:
    """A few words of the description for the incident's title: "my vpn keeps dropping
    every few minutes" -> "VPN keeps dropping" (the first clause, without when and
    since, at most eight words)."""
    clause = _CLAUSE_END.split(description, maxsplit=1)[0].strip(" ,")
    clause = _TITLE_LEAD.sub("", _CIRCUMSTANCES.sub("", clause) or clause)
    words = clause.split()[:_TITLE_WORDS]
    words = [_ACRONYMS.get(word.lower(), word) for word in words]
    title = " ".join(words)
    return title[0].upper() + title[1:] if title else description
