"""The Rasa release a workaround was written for, checked when it is imported.

Each workaround of Rasa internals (private attributes, replaced methods, a store
Rasa's own would lose data with) is right for the Rasa it was read from. On another
release the server refuses to start with the module's name, instead of running a
patch against code that may have changed under it.
"""

from __future__ import annotations

import rasa


class UnsupportedRasaVersion(RuntimeError):
    """A workaround meets a Rasa release it was not written for."""


def written_for(release: str, workaround: str, installed: str = rasa.__version__) -> None:
    """Raises unless the installed Rasa is `release` ("3.6") or a patch of it."""
    if installed != release and not installed.startswith(f"{release}."):
        raise UnsupportedRasaVersion(
            f"{workaround} works around Rasa {release} and Rasa {installed} is installed: "
            f"check that Rasa still behaves as the module says, then update it"
        )
