"""make profile reads py-spy's raw stacks into the parts of a turn."""

from __future__ import annotations

from pathlib import Path

from tools.bench.profile import part_shares, read_collapsed, top_functions

RAW = (
    "handler (rasa/core/channels/channel.py:89);"
    "retrieve (helpdesk/rasa_server/cached_trackers.py:71);"
    "execute (sqlalchemy/engine/base.py:1717) 3\n"
    "handler (channels/twilio_voice.py:120);"
    "_parse_message_with_graph (rasa/core/processor.py:774);"
    "_duckling_parse (rasa/nlu/extractors/duckling_entity_extractor.py:137);"
    "readinto (socket.py:705) 1\n"
    "handler (channels/twilio_voice.py:120);"
    "_parse_message_with_graph (rasa/core/processor.py:774);"
    "_retrieve (rasa/core/tracker_store.py:1267) 1\n"
)


def test_each_sample_counts_in_every_part_its_stack_passes(tmp_path: Path) -> None:
    raw = tmp_path / "profile.txt"
    raw.write_text(RAW)

    shares = part_shares(read_collapsed(raw))

    assert shares["loading the tracker"] == 3 / 5
    assert shares["NLU graph"] == 2 / 5
    assert shares["Duckling request"] == 1 / 5
    assert shares["the project's channel"] == 2 / 5
    assert shares["saving the tracker"] == 0


def test_the_function_on_top_of_the_stack(tmp_path: Path) -> None:
    raw = tmp_path / "profile.txt"
    raw.write_text(RAW)

    assert top_functions(read_collapsed(raw))[0] == (
        "execute (sqlalchemy/engine/base.py:1717)",
        0.6,
    )
