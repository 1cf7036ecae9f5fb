"""The organisation's domains: EMAIL_DOMAINS and the directory's."""

from __future__ import annotations

import pytest

from actions.known_domains import (
    InvalidEmailDomains,
    close_known_domain,
    configured_domains,
    known_domains,
    main_domain,
)


def test_email_domains_are_read_and_checked() -> None:
    assert configured_domains({"EMAIL_DOMAINS": " Example.com, example.org "}) == [
        "example.com",
        "example.org",
    ]
    assert configured_domains({}) == []
    with pytest.raises(InvalidEmailDomains, match="EMAIL_DOMAINS"):
        configured_domains({"EMAIL_DOMAINS": "example.com, jane@example.com"})


def test_configured_domains_come_first_and_each_once() -> None:
    environ = {"EMAIL_DOMAINS": "example.com"}
    assert known_domains(["gmail.com", "example.com"], environ) == ["example.com", "gmail.com"]


def test_a_name_alone_belongs_only_to_a_single_configured_domain() -> None:
    assert main_domain({"EMAIL_DOMAINS": "example.com"}) == "example.com"
    assert main_domain({"EMAIL_DOMAINS": "example.com,example.org"}) is None
    assert main_domain({}) is None


@pytest.mark.parametrize(
    ("heard", "offered"),
    [
        ("acne.com", "acme.com"),
        ("exampel.com", "example.com"),
        ("acme.com", None),  # known itself
        ("contoso.com", None),  # like nothing known
        ("acne.org", None),  # two labels misheard: too far
        ("example.net", None),  # example.ie is known, but a top-level domain is heard right
    ],
)
def test_a_domain_close_to_one_known_is_offered(heard: str, offered: str | None) -> None:
    assert close_known_domain(heard, ["acme.com", "example.com", "gmail.com", "example.ie"]) == (
        offered
    )
