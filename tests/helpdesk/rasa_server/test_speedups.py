"""The server's workarounds are installed for the tests as for the server, and each
refuses a Rasa release it was not written for."""

from __future__ import annotations

import pytest

from helpdesk.rasa_server import speedups
from helpdesk.rasa_server.rasa_version import UnsupportedRasaVersion, written_for


def test_the_speed_ups_are_installed_for_the_tests_as_for_the_server() -> None:
    assert speedups.installed()


@pytest.mark.parametrize("installed", ["3.6.0", "3.6.21", "3.6"])
def test_a_patch_release_of_the_same_rasa_is_accepted(installed: str) -> None:
    written_for("3.6", "a workaround", installed)


@pytest.mark.parametrize("installed", ["3.7.0", "3.60.1", "4.0.0"])
def test_another_rasa_release_is_refused_with_the_workarounds_name(installed: str) -> None:
    with pytest.raises(UnsupportedRasaVersion, match=r"a workaround works around Rasa 3\.6"):
        written_for("3.6", "a workaround", installed)
