"""What a deployment exposes and to whom: channels, ports, secrets, tokens, logs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import yaml

from actions.verification import ATTESTED
from tests.support.running_stack import ActionServer, RunningStack
from tools.checkout import PROJECT_ROOT
from tools.phone.call import SimulatedCall
from tools.runner.processes import free_port

ROOT = PROJECT_ROOT
TOKEN = "a-test-action-server-secret"
TWILIO_SECRETS = {"TWILIO_AUTH_TOKEN"}
SERVICENOW_SECRETS = {
    "SERVICENOW_USER",
    "SERVICENOW_PASSWORD",
    "SERVICENOW_TOKEN",
    "SERVICENOW_CLIENT_ID",
    "SERVICENOW_CLIENT_SECRET",
}
PRODUCTION = {"TWILIO_ENVIRONMENT": "production"}


def load_yaml(name: str) -> Any:
    return yaml.safe_load((ROOT / name).read_text())


def task_definition(name: str) -> dict[str, Any]:
    [container] = json.loads((ROOT / f".aws/task-definition-{name}.json").read_text())[
        "containerDefinitions"
    ]
    return dict(container)


def test_a_deployed_server_opens_only_the_voice_lines() -> None:
    voice_lines = [
        "channels.twilio_voice.TwilioVoiceInput",
        "channels.conversation_relay.ConversationRelayInput",
    ]
    assert list(load_yaml("credentials.yml")) == voice_lines
    assert set(load_yaml("credentials.dev.yml")) == {"rest", *voice_lines}
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert '"--credentials", "credentials.yml"' in dockerfile
    assert "--enable-api" not in dockerfile
    assert "command" not in load_yaml("docker-compose.yml")["services"]["rasa"]
    assert "command" not in task_definition("rasa")


def test_only_rasa_is_published_and_each_process_gets_its_own_secrets() -> None:
    services = load_yaml("docker-compose.yml")["services"]
    assert "ports" in services["rasa"]
    published = [name for name, service in services.items() if "ports" in service]
    # Besides Rasa, only the opt-in dashboard, and on the host's loopback alone.
    assert published == ["rasa", "grafana"]
    assert services["grafana"]["profiles"] == ["observe"]
    assert all(port.startswith("127.0.0.1:") for port in services["grafana"]["ports"])
    rasa, action = services["rasa"]["environment"], services["action"]["environment"]
    assert not SERVICENOW_SECRETS & set(rasa)
    assert action["TWILIO_AUTH_TOKEN"] == ""
    assert "ACTION_SERVER_TOKEN" in rasa and "ACTION_SERVER_TOKEN" in action
    assert ":?" in rasa["TWILIO_AUTH_TOKEN"] and ":?" in action["ACTION_SERVER_TOKEN"]
    secrets = {
        name: {s["name"] for s in task_definition(name)["secrets"]} for name in ("rasa", "action")
    }
    assert (
        not SERVICENOW_SECRETS & secrets["rasa"]
        and "SERVICENOW_INSTANCE_URL" not in secrets["rasa"]
    )
    assert not TWILIO_SECRETS & secrets["action"]
    assert "ENTRYPOINT" in (ROOT / "Dockerfile.actions").read_text()
    assert "actions.server" in (ROOT / "Dockerfile.actions").read_text()


@pytest.fixture(scope="module")
def action_server() -> Iterator[str]:
    server = ActionServer({**os.environ, "ACTION_SERVER_TOKEN": TOKEN})
    server.start()
    yield f"http://127.0.0.1:{server.port}"
    server.stop()


HANDOFF_CALL: dict[str, Any] = {
    "next_action": "action_human_handoff",
    "sender_id": "CA" + "0" * 32,
    "tracker": {"sender_id": "CA" + "0" * 32, "slots": {}, "latest_message": {}, "events": []},
    "domain": {},
    "version": "3.6.2",
}


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x"]
)
def test_the_action_server_refuses_requests_without_the_token(
    action_server: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    reply = requests.post(
        f"{action_server}/webhook", json=HANDOFF_CALL, headers=headers, timeout=10
    )
    assert reply.status_code == 401
    assert requests.get(f"{action_server}/actions", headers=headers, timeout=10).status_code == 401


def test_the_action_server_answers_rasa_with_the_token(action_server: str) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    reply = requests.post(
        f"{action_server}/webhook", json=HANDOFF_CALL, headers=headers, timeout=10
    )
    assert reply.status_code == 200
    assert requests.get(f"{action_server}/health", timeout=10).status_code == 200


@pytest.mark.parametrize(
    ("environ", "complaint"),
    [
        ({"ACTION_SERVER_TOKEN": ""}, "ACTION_SERVER_TOKEN is not set"),
        (
            {
                "ACTION_SERVER_TOKEN": "local-development-action-token",
                "TWILIO_ENVIRONMENT": "production",
            },
            "development token",
        ),
        (
            {
                "ACTION_SERVER_TOKEN": TOKEN,
                "TWILIO_ENVIRONMENT": "production",
                "CALLER_VERIFICATION": "off",
            },
            "CALLER_VERIFICATION=off is refused",
        ),
    ],
)
def test_the_action_server_refuses_to_start_insecurely(
    environ: dict[str, str], complaint: str
) -> None:
    started = subprocess.run(
        [sys.executable, "-m", "actions.server", "--actions", "actions", "--port", "0"],
        env={**os.environ, **environ},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0
    assert complaint in started.stderr


def test_rasa_refuses_to_start_with_the_development_token_on_a_public_url() -> None:
    environ = {
        **os.environ,
        "TWILIO_AUTH_TOKEN": "local-development-token",
        "TWILIO_PUBLIC_URL": "https://voice.example.com",
    }
    started = subprocess.run(
        [sys.executable, "-m", "helpdesk.rasa_server", "run", "--port", str(free_port()),
         "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
         "--model", "models/helpdesk.tar.gz"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert started.returncode != 0
    assert "TWILIO_AUTH_TOKEN is empty or the development token" in started.stdout + started.stderr


def test_a_whole_call_leaves_no_number_or_address_in_the_logs(stack: RunningStack) -> None:
    caller = "+15005550042"
    phone = stack.call(caller=caller)
    phone.start()
    phone.say("i can't reset my password")
    phone.say_address("privacy dot check at example dot com")
    phone.press("2")
    phone.say("my password expired")
    assert phone.say("yes").text.startswith("Done. Your incident number is")
    phone.hang_up()
    logs = "".join(stack.output)
    assert re.search(r"p\*\*\*@example\.com", logs), "the action server logs the masked address"
    assert caller not in logs and caller[1:] not in logs
    assert "privacy.check@example.com" not in logs


@pytest.fixture(scope="module")
def verifying_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """The whole assistant as in production: caller verification on, JSON logs."""
    running = RunningStack(
        tmp_path_factory.mktemp("verifying"), CALLER_VERIFICATION="on", LOG_FORMAT="json"
    )
    running.start()
    yield running
    running.stop()


def attested_call(stack: RunningStack, number: str) -> SimulatedCall:
    phone = stack.call(caller=number)
    phone.line.stir_verstat = ATTESTED
    phone.start()
    return phone


def test_only_the_registered_attested_number_hears_the_incidents(
    verifying_stack: RunningStack,
) -> None:
    owner, stranger = "+15005550101", "+15005550202"
    phone = attested_call(verifying_stack, owner)
    phone.say("i can't reset my password")
    phone.say_address("owen dot parks at example dot com")
    phone.press("1")
    phone.say("my password expired")
    opened = phone.say("yes")
    assert opened.text.startswith("Done. Your incident number is I N C,")

    foreign = attested_call(verifying_stack, stranger)
    foreign.say("what's the status of my tickets")
    heard = foreign.say_address("owen dot parks at example dot com")
    assert heard.text.startswith(
        "The number of incidents for owen dot parks at example dot com is 1."
    )
    assert "I N C" not in heard.text and "resetting password" not in heard.text

    again = attested_call(verifying_stack, owner)
    assert again.say("what's the status of my tickets").text.startswith(
        "This number belongs to owen dot parks at example dot com."
    )
    details = again.press("1")
    assert (
        details.text.startswith("Incident I N C,") and "Problem resetting password" in details.text
    )


def test_verification_off_is_logged_loudly_at_start() -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "actions.server", "--actions", "actions", "--port", str(port)],
        env={**os.environ, "ACTION_SERVER_TOKEN": TOKEN, "CALLER_VERIFICATION": "off"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert server.stdout is not None
    lines = []
    try:
        for line in server.stdout:
            lines.append(line)
            if "Action endpoint is up" in line:
                break
    finally:
        # Only its start-up log matters: no graceful shutdown to wait for.
        server.kill()
        server.wait(timeout=30)
        server.stdout.close()
    assert any("CALLER VERIFICATION IS OFF" in line for line in lines), "".join(lines)


def json_lines(stack: RunningStack, service: str) -> list[dict]:
    prefix = f"{service} "
    return [
        json.loads(line.split("| ", 1)[1])
        for line in stack.output
        if line.startswith(prefix) and line.split("| ", 1)[-1].startswith("{")
    ]


def test_json_logs_name_the_call_and_turn_and_end_with_a_summary(
    verifying_stack: RunningStack,
) -> None:
    number = "+15005550303"
    phone = attested_call(verifying_stack, number)
    phone.say("what can you do")
    assert phone.say("goodbye").hung_up
    assert phone.hang_up() == 204

    def summarised(_: list[str]) -> bool:
        return any("call_summary" in r for r in json_lines(verifying_stack, "rasa"))

    assert verifying_stack.wait_for_output(summarised)
    mine = [r for r in json_lines(verifying_stack, "rasa") if r.get("call_sid") == phone.call_sid]
    assert {r["turn"] for r in mine if "turn" in r} >= {0, 1, 2}
    assert {"time", "level", "logger", "message"} <= set(mine[0])
    [summary] = [r["call_summary"] for r in mine if "call_summary" in r]
    assert summary["outcome"] == "other" and summary["caller_turns"] >= 2
    assert number not in "".join(verifying_stack.output)
