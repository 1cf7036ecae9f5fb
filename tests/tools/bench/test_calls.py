"""The bench: Rasa's own SQL tracker store on the project's database, and its goals."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa.core.tracker_store import SQLTrackerStore, create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import read_endpoint_config
from sqlalchemy.engine import make_url

from tools.bench.calls import COLUMNS, Footprint, Load, goals, sql_endpoints


def test_rasas_sql_store_is_configured_from_a_sqlite_url(tmp_path: Path) -> None:
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(sql_endpoints(make_url(f"sqlite:///{tmp_path / 'rasa.db'}")))

    config = read_endpoint_config(str(endpoints), "tracker_store")
    store = create_tracker_store(config, Domain.empty())

    assert isinstance(getattr(store, "_tracker_store", store), SQLTrackerStore)
    assert (tmp_path / "rasa.db").is_file()


def test_a_postgresql_url_gives_each_setting_rasa_reads(tmp_path: Path) -> None:
    url = make_url("postgresql://helpdesk:secret@127.0.0.1:5433/helpdesk")
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(sql_endpoints(url))

    settings = yaml.safe_load(endpoints.read_text())["tracker_store"]
    # What Rasa hands the store: the endpoint's `url` becomes its host.
    config = read_endpoint_config(str(endpoints), "tracker_store")
    assert config is not None and (config.url, config.kwargs["port"]) == ("127.0.0.1", 5433)

    assert settings == {
        "type": "SQL",
        "dialect": "postgresql",
        "db": "helpdesk",
        "url": "127.0.0.1",
        "port": 5433,
        "username": "helpdesk",
        "password": "secret",
    }


def load(callers: int, per_second: float) -> Load:
    return Load(callers, int(per_second * 10), 10.0, 0.1, 0.2, 0)


def servicenow_goal(twenty: list[float], late: list[float]) -> bool:
    rounds = [[[load(1, 40), load(20, n), load(40, 50)]] * len(COLUMNS) for n in twenty]
    footprint = Footprint(ready=5.0, memory=500.0, built_in_memory=500.0, tensorflow=360.0)
    met = dict(goals(rounds, [load(20, n) for n in late], footprint))
    return met["ServiceNow 300 ms: >= 90 % of the same round's 20-call throughput"]


def test_the_slow_servicenow_run_is_weighed_against_its_own_round() -> None:
    # 45 turns a second is 90 % of round 1's 50 and 75 % of round 2's 60.
    assert servicenow_goal([50.0, 40.0], [45.0, 36.0])
    assert not servicenow_goal([50.0, 60.0], [45.0, 45.0])
    assert not servicenow_goal([50.0, 40.0], [44.0, 40.0])
