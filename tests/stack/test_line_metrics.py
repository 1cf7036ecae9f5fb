"""The line's metrics move as calls happen, and are served apart from Twilio's port."""

from __future__ import annotations

import requests

from tests.support.running_stack import RunningStack
from tools.harness.load import Samples, scrape


def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


def test_a_call_that_opens_an_incident_moves_the_counters(stack: RunningStack) -> None:
    rasa_before, actions_before = scrape(stack.metrics_port), scrape(stack.action_metrics_port)
    phone = stack.call()
    phone.start()
    phone.say("i want to open an incident")
    phone.say_address("metrics dot check at example dot com")
    phone.press("1")
    phone.say("the projector in room four shows no picture")
    phone.say("projector")
    assert phone.say("yes").text.startswith("Done. Your incident number is")
    assert phone.hang_up() == 204
    rasa_after, actions_after = scrape(stack.metrics_port), scrape(stack.action_metrics_port)

    assert moved(rasa_before, rasa_after, "helpdesk_calls_started_total") == 1
    ended = "helpdesk_calls_ended_total"
    assert moved(rasa_before, rasa_after, ended, outcome="incident_opened") == 1
    assert moved(rasa_before, rasa_after, "helpdesk_turns_total", route="webhook") == 8
    assert moved(rasa_before, rasa_after, "helpdesk_turn_seconds_count", route="webhook") == 8
    opened = "helpdesk_action_seconds_count"
    assert moved(actions_before, actions_after, opened, action="action_open_incident") == 1
    assert moved(actions_before, actions_after, opened, action="action_ask_email") >= 1


def test_a_caller_who_hangs_up_during_a_question_is_counted_where_they_left(
    stack: RunningStack,
) -> None:
    before = scrape(stack.metrics_port)
    phone = stack.call()
    phone.start()
    phone.say("i want to open an incident")
    phone.say("blah blah")
    phone.hang_up()
    phone.hang_up()  # Twilio may deliver the status callback again: counted once
    after = scrape(stack.metrics_port)
    assert moved(before, after, "helpdesk_calls_ended_total", outcome="abandoned") == 1
    assert moved(before, after, "helpdesk_form_dropouts_total", question="email") == 1
    assert moved(before, after, "helpdesk_not_understood_total") >= 1


def test_metrics_are_not_served_on_the_port_twilio_reaches(stack: RunningStack) -> None:
    assert requests.get(f"{stack.url}/metrics", timeout=5).status_code == 404
