"""The organisation's email domains: what most callers' addresses end in.

EMAIL_DOMAINS names them (first the main one); the directory adds the domains of the
addresses it holds. With them the line can say "If it's at example dot com, just your
name is enough", complete a name said alone, recover an address heard without its
"at", and offer "at acme dot com?" for a domain heard as "acne dot com".
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from actions.incidents.directory import closeness
from helpdesk import environment as env
from helpdesk import variables as names

# "acne.com" and "acme.com" are 0.88 alike, "exampel.com" and "example.com" 0.91; a
# domain is offered, never used unasked, so a near miss costs the caller one "no".
CLOSE_DOMAIN = 0.8
_DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")


class InvalidEmailDomains(ValueError):
    """EMAIL_DOMAINS holds something that is no domain."""


def configured_domains(environ: Mapping[str, str] = os.environ) -> list[str]:
    """EMAIL_DOMAINS, comma-separated (`example.com,example.org`), lowercased."""
    domains = [domain.lower() for domain in env.items(names.EMAIL_DOMAINS, environ)]
    wrong = [domain for domain in domains if not _DOMAIN.match(domain)]
    if wrong:
        raise InvalidEmailDomains(
            f"EMAIL_DOMAINS must list domains such as example.com, separated by commas "
            f"(not {', '.join(repr(domain) for domain in wrong)})."
        )
    return domains


# Checked when the action server loads the actions, so a typo stops it at start.
configured_domains()


def known_domains(from_directory: list[str], environ: Mapping[str, str] = os.environ) -> list[str]:
    """The configured domains first, then the directory's, each once."""
    return list(dict.fromkeys([*configured_domains(environ), *from_directory]))


def main_domain(environ: Mapping[str, str] = os.environ) -> str | None:
    """The domain a name said alone belongs to: EMAIL_DOMAINS when it names one.

    Domains learnt from the directory are never enough: one caller from elsewhere
    would change what everyone hears.
    """
    configured = configured_domains(environ)
    return configured[0] if len(configured) == 1 else None


def close_known_domain(domain: str, known: list[str]) -> str | None:
    """The one known domain a heard domain is close to, if it is not itself known.

    Only with the same top-level domain: "dot com" is heard right where "acme" is not,
    and "example dot net" is no mishearing of "example dot ie".
    """
    if domain in known:
        return None
    close = [
        other
        for other in known
        if closeness(domain, other) >= CLOSE_DOMAIN
        and abs(len(domain) - len(other)) <= 1
        and other.rpartition(".")[2] == domain.rpartition(".")[2]
    ]
    return close[0] if len(close) == 1 else None
