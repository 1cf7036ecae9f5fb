"""A turn of the bot as a phone call hears it, on either line."""

from __future__ import annotations

from channels.spoken_turn import Reply, spoken_turn

MENU = [{"title": "yes", "payload": "/affirm"}, {"title": "no", "payload": "/deny"}]


def test_the_lead_in_comes_first_and_the_menu_last() -> None:
    turn = spoken_turn(Reply([{"text": "Is that right?", "buttons": MENU}], "Sorry."))
    assert turn.sentences == ["Sorry.", "Is that right?", "Say yes or no, or press 1 or 2."]
    assert turn.buttons == MENU and not turn.ends_call


def test_nothing_after_a_transfer_is_heard_and_no_menu_is_offered() -> None:
    turn = spoken_turn(
        Reply(
            [
                {"text": "Putting you through."},
                {"custom": {"transfer": "+15005550009"}},
                {"text": "Never heard.", "buttons": MENU},
            ]
        )
    )
    assert turn.sentences == ["Putting you through."]
    assert turn.transfer == "+15005550009" and turn.ends_call and turn.buttons == []


def test_a_question_brings_its_own_pacing_and_hints() -> None:
    custom = {"speech_timeout": "4", "hints": ["dot", "at"], "record": True}
    turn = spoken_turn(Reply([{"text": "Describe it.", "custom": custom}]))
    assert (turn.speech_timeout, turn.hints, turn.record) == ("4", ["dot", "at"], True)


def test_text_is_written_for_the_ear() -> None:
    turn = spoken_turn(Reply([{"text": "Your incident is **INC0010008**."}]))
    assert turn.sentences == ["Your incident is I N C, 0 0 1, 0 0 0 8."]
