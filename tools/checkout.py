"""The developer's checkout: its root, and its settings for the tools (the process
environment first, then `.env`, then `example.env`)."""

from __future__ import annotations

from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def load_environment() -> None:
    """Fills unset variables; a variable already in the environment always wins."""
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    # example.env holds the embedded defaults, so a fresh clone runs without a .env.
    load_dotenv(PROJECT_ROOT / "example.env", override=False)
