"""Keeps callers' personal data out of logs."""

from __future__ import annotations


def mask_email(email: str) -> str:
    """`abraham.lincoln@example.com` -> `a***@example.com`."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"
