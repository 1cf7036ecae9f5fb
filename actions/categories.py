"""What an IT problem is about, in ServiceNow's standard incident categories.

A caller's opener ("my vpn keeps dropping") names what is broken; the desk routes
incidents by ServiceNow's out-of-the-box `category` and `subcategory` choices (inquiry,
software, hardware, network, database). The words callers use are mapped onto them
here, and SERVICENOW_ASSIGNMENT_GROUPS may route each kind to a team.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from helpdesk import environment as env
from helpdesk import variables as names


@dataclass(frozen=True)
class Category:
    """A kind of problem: its name for people and configuration, and ServiceNow's
    `category` and `subcategory` choice values."""

    name: str
    category: str
    subcategory: str = ""

    @property
    def security(self) -> bool:
        return self.name == "security"


# In order: the first whose words the problem uses wins ("outlook on my laptop crashes"
# is about email, "zoom won't install on my computer" about software).
_KINDS: tuple[tuple[Category, str], ...] = (
    (
        Category("security", "inquiry", "antivirus"),
        r"virus(?:es)?|malware|ransom\w*|phishing|phishy|scam\w*|hack(?:ed|er|ers)?"
        r"|suspicious|compromised|breach|trojan|spyware|antivirus|encrypted",
    ),
    (Category("email", "software", "email"), r"e-?mails?|outlook|inbox|mailbox|calendar"),
    (
        Category("account", "inquiry", "internal application"),
        r"password|locked out|account|log ?in|logon|sign ?in|access|permissions?|mfa"
        r"|two.factor|authenticator|sharepoint|onedrive|portal",
    ),
    (
        Category("printer", "hardware"),
        r"print(?:er|ers|ing|s)?|copier|scanner|toner|paper jam|jammed",
    ),
    (
        Category("phone", "hardware"),
        r"desk ?phone|phones?|headset|dial tone|voicemail|softphone|extension",
    ),
    (Category("network", "network", "vpn"), r"vpn|remote access"),
    (Category("network", "network", "wireless"), r"wi-?fi|wireless|hotspot"),
    (
        Category("network", "network"),
        r"network|internet|connection|connect|connected|ethernet|offline|dns|ip address"
        r"|server|shared drive|file share|intranet|website|site",
    ),
    (
        Category("software", "software"),
        r"zoom|teams|excel|word|powerpoint|chrome|browser|firefox|adobe|pdf|license"
        r"|install|installed|installing|app|apps|application|program|software",
    ),
    (
        Category("software", "software", "operating system"),
        r"windows|mac ?os|update|updates|upgrade|operating system",
    ),
    (Category("hardware", "hardware", "monitor"), r"monitors?|screen|display|projector"),
    (Category("hardware", "hardware", "keyboard"), r"keyboard|keys"),
    (Category("hardware", "hardware", "mouse"), r"mouse|trackpad|touchpad"),
    (
        Category("hardware", "hardware"),
        r"laptop|computer|pc|desktop|docking station|dock|battery|charger|usb|webcam"
        r"|camera|boot|blue screen|overheating|fan|restarting",
    ),
    (Category("software", "software"), r"crash(?:es|ed|ing)?|freez(?:es|ing)|frozen|error"),
)
_MATCHERS = tuple((kind, re.compile(rf"\b(?:{words})\b")) for kind, words in _KINDS)
# The kinds of problem, for configuration and reports.
KINDS = tuple(dict.fromkeys(kind.name for kind, _ in _KINDS))


def category_of(text: str) -> Category | None:
    """The kind of problem described in words; None when they name nothing."""
    lowered = text.lower()
    return next((kind for kind, words in _MATCHERS if words.search(lowered)), None)


def routing_of(problem: str, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """ServiceNow's `category`, `subcategory` and `assignment_group` for a problem;
    nothing for one that names no kind."""
    kind = category_of(problem)
    if kind is None:
        return {}
    group = assignment_groups(environ).get(kind.name, "")
    return {"category": kind.category, "subcategory": kind.subcategory, "assignment_group": group}


class InvalidAssignmentGroups(ValueError):
    """SERVICENOW_ASSIGNMENT_GROUPS names a kind of problem there is none of."""


def assignment_groups(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """SERVICENOW_ASSIGNMENT_GROUPS: `network=Network Team, hardware=Desktop Support`,
    the ServiceNow assignment group (name or sys_id) of each kind of problem."""
    groups: dict[str, str] = {}
    for pair in env.items(names.SERVICENOW_ASSIGNMENT_GROUPS, environ):
        kind, _, group = (part.strip() for part in pair.partition("="))
        if kind not in KINDS or not group:
            raise InvalidAssignmentGroups(
                f"SERVICENOW_ASSIGNMENT_GROUPS takes kind=group pairs, the kinds being "
                f"{', '.join(KINDS)} (not {pair.strip()!r})."
            )
        groups[kind] = group
    return groups


# Checked when the action server loads the actions, so a typo stops it at start.
assignment_groups()
