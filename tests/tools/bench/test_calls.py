"""The bench's third column runs Rasa's own SQL tracker store on the project's database."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa.core.tracker_store import SQLTrackerStore, create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import read_endpoint_config
from sqlalchemy.engine import make_url

from tools.bench.calls import sql_endpoints


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
