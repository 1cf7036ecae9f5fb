"""The shipped dashboard and scrape configuration match the metrics the line serves."""

from __future__ import annotations

import json
import re

import yaml
from prometheus_client import REGISTRY

import actions.metrics  # noqa: F401  (registers the action server's metrics)
import channels.metrics  # noqa: F401  (registers the Rasa server's metrics)
from tools.checkout import PROJECT_ROOT

MONITORING = PROJECT_ROOT / "monitoring"
METRIC = re.compile(r"\bhelpdesk_[a-z_]+")


def served() -> set[str]:
    return {
        family.name + ("_total" if family.type == "counter" else "")
        for family in REGISTRY.collect()
        if family.name.startswith("helpdesk_")
    }


def charted() -> set[str]:
    dashboard = json.loads((MONITORING / "grafana" / "dashboards" / "helpdesk.json").read_text())
    found = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in METRIC.findall(target["expr"])
    }
    return {name.removesuffix("_bucket") for name in found}


def test_every_metric_is_charted_and_every_chart_has_a_metric() -> None:
    assert charted() == served()


def test_prometheus_scrapes_both_servers_on_their_metrics_ports() -> None:
    config = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
    targets = {
        job["job_name"]: job["static_configs"][0]["targets"] for job in config["scrape_configs"]
    }
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())["services"]
    assert targets == {
        "rasa": [f"rasa:{compose['rasa']['environment']['METRICS_PORT']}"],
        "actions": [f"action:{compose['action']['environment']['ACTION_METRICS_PORT']}"],
    }
    assert "ports" not in compose["prometheus"]
    assert compose["grafana"]["ports"] == ["127.0.0.1:3000:3000"]
