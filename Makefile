# The README's commands: `make run` and `make test`. Everything installs itself.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON_VERSION := $(shell cat .python-version)
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(PY) -m helpdesk.rasa_server
INSTALLED := $(VENV)/.installed
MODEL := models/helpdesk.tar.gz
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml') $(wildcard components/*.py helpdesk/*.py)
HOLDOUT_TARGET := 0.95
# Rasa's own chatter about telemetry and its TensorFlow import.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: help install train run migrate shell call forget outage observe servicenow fuzz chaos soak bench profile bench-nlu transcripts e2e e2e-spoken e2e-spoken-matrix ship-check test lint validate unit integration test-stories test-holdout clean

## this list: every target with a `## ` line above it, in the order of this file
help:
	@awk '/^## /{doc = doc (doc ? " " : "") substr($$0, 4); next} \
	  /^[a-z][a-z0-9-]*:/ && doc {split($$0, t, ":"); printf "make %-12s %s\n", t[1], doc} \
	  {doc = ""}' $(firstword $(MAKEFILE_LIST))

$(INSTALLED): requirements.txt requirements-dev.txt constraints.txt .python-version
	@command -v python$(PYTHON_VERSION) >/dev/null || { \
	  echo "Python $(PYTHON_VERSION) is required (rasa 3.6 supports 3.8-3.10)." >&2; \
	  echo "Install it, e.g. 'pyenv install $(PYTHON_VERSION)', and run make again." >&2; exit 1; }
	test -x $(PY) || python$(PYTHON_VERSION) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $@

## the virtualenv with every dependency (the other targets do it when needed)
install: $(INSTALLED)

$(MODEL): $(INSTALLED) $(TRAINING_INPUTS)
	@TIMEFORMAT="Training took %1R s"; \
	time $(RASA) train --fixed-model-name helpdesk --out models --quiet
	@touch $@

## the model, when its training data changed
train: $(MODEL)

## train if needed, then serve Duckling, actions and Rasa (Ctrl-C stops)
run: $(MODEL)
	$(PY) -m tools.runner.stack

# COPY_FROM="old/outbox.db old/incidents.db" then copies those files' rows in (docs/database.md)
COPY_FROM ?=
## create or upgrade the action server's tables in DATABASE_URL (or the default SQLite files)
migrate: $(INSTALLED)
	$(PY) -m tools.with_environment actions.storage.migrate $(foreach file,$(COPY_FROM),--copy-from $(file))

## talk to the assistant in the terminal
shell: $(MODEL)
	$(PY) -m tools.runner.stack --services duckling,actions -- \
	  $(RASA) shell --model $(MODEL) --endpoints endpoints.yml

E2E_STATE := results/e2e
## replay the Bespoken tests (tests/e2e.yml) against a local stack, on both lines
e2e: $(MODEL)
	rm -rf $(E2E_STATE)
	@set -e; for transport in gather relay; do \
	  state=$(E2E_STATE)/$$transport; mkdir -p $$state; echo "== e2e: $$transport line"; \
	  TRACKER_STORE_DB=$$state/tracker.db INCIDENT_DB_PATH=$$state/incidents.db \
	  OUTBOX_DB_PATH=$$state/outbox.db \
	  $(PY) -m tools.runner.stack --free-ports --services servicenow,duckling,actions,rasa -- \
	    $(PY) -m tools.phone.e2e --config tests/testing.json --tests tests/e2e.yml \
	    --transport $$transport; \
	done

# The second phone line's voice, from Debian.
FLITE := /usr/bin/flite
$(FLITE):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's flite for the second phone line (make e2e-spoken and its unit test)"; \
	  apt-get update -qq >/dev/null && apt-get install -y -qq flite >/dev/null; \
	else echo "Install flite (apt-get install flite) for the second phone line (make unit, make e2e-spoken)" >&2; exit 1; fi

# The Bespoken tests and tests/spoken_calls.yml down two phone lines in software (a neural
# voice and Whisper with hints; Flite, noise, lost frames and greedy decoding), each on
# the ServiceNow test instance (a directory) and on the embedded store (none). Prints word
# error rates, completion per line and mode, and how each address was obtained; fails
# below 90 % completed or with a caller left with nothing, on any line and mode.
SPOKEN_STATE := results/e2e-spoken
# Runs as line-mode-transport: every line and mode on <Gather>, and the streaming line on
# the clean line with a directory (a streaming run takes about 4 min, 15 on the noisy line: the session's hints
# make the simulated recogniser slower); `make e2e-spoken-matrix` runs all eight.
SPOKEN_RUNS := clean-servicenow-gather clean-embedded-gather noisy-servicenow-gather \
  noisy-embedded-gather clean-servicenow-relay
SPOKEN_MATRIX := $(foreach line,clean noisy,$(foreach mode,servicenow embedded,\
  $(foreach transport,gather relay,$(line)-$(mode)-$(transport))))
## whole calls down two phone lines in software, with and without a directory, on both transports
e2e-spoken: $(MODEL) $(FLITE)
	rm -rf $(SPOKEN_STATE)
	@for run in $(SPOKEN_RUNS); do \
	  line=$${run%%-*}; rest=$${run#*-}; mode=$${rest%%-*}; transport=$${rest#*-}; \
	  state=$(SPOKEN_STATE)/$$run; services=duckling,actions,rasa; mkdir -p $$state; \
	  if [ $$mode = servicenow ]; then services=servicenow,$$services; fi; \
	  echo "== e2e-spoken: $$line line, $$mode mode, $$transport"; \
	  TRACKER_STORE_DB=$$state/tracker.db INCIDENT_DB_PATH=$$state/incidents.db \
	  OUTBOX_DB_PATH=$$state/outbox.db SERVICENOW_TEST_USERS=tests/data/directory.tsv \
	  HANDOFF_PHONE_NUMBER=+15005550199 \
	  $(PY) -m tools.runner.stack --free-ports --quiet --log $$state/services.log --services $$services -- \
	    $(PY) -m tools.phone.e2e --config tests/testing.json --tests tests/e2e.yml tests/spoken_calls.yml \
	    --spoken $$state/audio --line $$line --mode $$mode --transport $$transport \
	    --summary $$state/summary.json > $$state.log 2>&1 || true; tail -n 4 $$state.log; \
	done
	$(PY) -m tools.speech.table $(SPOKEN_STATE) --runs $(words $(SPOKEN_RUNS))

## all eight spoken runs: both lines, both modes, both transports (figures for the notes)
e2e-spoken-matrix:
	$(MAKE) e2e-spoken SPOKEN_RUNS="$(SPOKEN_MATRIX)"

FUZZ_STATE := results/fuzz
## 1,000 hostile signed Twilio webhooks and 60 hostile streaming sockets against a local stack
fuzz: $(MODEL)
	rm -rf $(FUZZ_STATE) && mkdir -p $(FUZZ_STATE)
	TRACKER_STORE_DB=$(FUZZ_STATE)/tracker.db INCIDENT_DB_PATH=$(FUZZ_STATE)/incidents.db \
	OUTBOX_DB_PATH=$(FUZZ_STATE)/outbox.db \
	$(PY) -m tools.runner.stack --free-ports --quiet --log $(FUZZ_STATE)/services.log -- \
	  $(PY) -m tools.harness.fuzz --log $(FUZZ_STATE)/services.log

SOAK_STATE := results/soak
# With the ServiceNow test instance answering late:
# make soak SOAK_SERVICES=servicenow,duckling,actions,rasa SERVICENOW_TEST_LATENCY_MS=300
SOAK_SERVICES ?= duckling,actions,rasa
SERVICENOW_TEST_LATENCY_MS ?= 0
## 40 concurrent callers for 2 minutes (SOAK_CALLERS, SOAK_MINUTES)
soak: $(MODEL)
	rm -rf $(SOAK_STATE) && mkdir -p $(SOAK_STATE)
	TRACKER_STORE_DB=$(SOAK_STATE)/tracker.db INCIDENT_DB_PATH=$(SOAK_STATE)/incidents.db \
	OUTBOX_DB_PATH=$(SOAK_STATE)/outbox.db \
	SERVICENOW_TEST_LATENCY_MS=$(SERVICENOW_TEST_LATENCY_MS) \
	$(PY) -m tools.runner.stack --free-ports --quiet --log $(SOAK_STATE)/services.log \
	  --services $(SOAK_SERVICES) -- $(PY) -m tools.harness.soak

## whole calls through faults: killed services, outages, locks, retries
chaos: $(MODEL)
	rm -rf results/chaos
	$(PY) -m tools.harness.chaos --state results/chaos

## start-up time, memory and turn latency of the stack over phone calls, against Rasa's own channel
bench: $(MODEL)
	$(PY) -m tools.bench.calls

## where the Rasa server's time goes under 40 calls (py-spy), by part of a turn
profile: $(MODEL)
	$(PY) -m tools.bench.profile

## accuracy on spoken email addresses, openers and held-out intents
bench-nlu: $(MODEL)
	$(PY) -m tools.bench.nlu

# Regenerates tests/data/recognised_*.tsv: the test data as a phone recogniser hears it.
## the test data through the phone line, for make bench-nlu
transcripts: $(INSTALLED)
	$(PY) -m tools.speech.transcribe

# Prometheus and Grafana against the compose stack (where Docker runs).
## Prometheus and Grafana against the compose stack (needs Docker)
observe:
	docker compose --profile observe up -d prometheus grafana
	@echo "Grafana: http://127.0.0.1:3000 (dashboard: Helpdesk voice line)"

## a ServiceNow-compatible test instance on port 8081 (OUTAGE="..." seeds one)
servicenow: $(INSTALLED)
	$(PY) -m tools.fakes.servicenow_server --port 8081 --major-incident "$(OUTAGE)"

# RELAY=1 places the call on the streaming (ConversationRelay) line
RELAY ?=
## phone the running assistant (make run) from the terminal, as Twilio would (RELAY=1: streaming)
call: $(INSTALLED)
	$(PY) -m tools.phone.call $(if $(RELAY),--relay)

# Runs both operator commands that forget a caller, on example.env's defaults
PHONE ?=
EMAIL ?=
## PHONE=+1... EMAIL=...: delete one caller's conversations, outbox entries and embedded incidents
forget: $(INSTALLED)
	$(PY) -m tools.with_environment helpdesk.rasa_server.forget_conversations --phone "$(PHONE)" --email "$(EMAIL)"
	$(PY) -m tools.with_environment actions.operator.forget_records --phone "$(PHONE)" --email "$(EMAIL)"

## DECLARE="Email is down" | END=INC...: outages callers hear of (embedded store)
outage: $(INSTALLED)
	$(PY) -m tools.with_environment actions.operator.outage --declare "$(DECLARE)" --end "$(END)"

# Shipped files are checked statically: no Docker engine runs here.
## the Dockerfiles, compose file and workflows checked statically
ship-check: $(INSTALLED)
	@if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's docker-compose to check docker-compose.yml"; \
	    apt-get update -qq >/dev/null && apt-get install -y -qq docker-compose >/dev/null; \
	  else echo "Install 'docker compose' or docker-compose to check docker-compose.yml" >&2; exit 1; fi; \
	fi
	@compose="docker-compose"; docker compose version >/dev/null 2>&1 && compose="docker compose"; \
	no_env=$$(mktemp); said=$$(env -u TWILIO_AUTH_TOKEN -u TWILIO_PUBLIC_URL -u ACTION_SERVER_TOKEN \
	  $$compose --env-file $$no_env config 2>&1 || true); rm -f $$no_env; \
	case "$$said" in *"set TWILIO_AUTH_TOKEN in .env"*) ;; \
	  *) echo "docker-compose.yml must refuse to start without TWILIO_AUTH_TOKEN" >&2; exit 1;; esac; \
	export TWILIO_AUTH_TOKEN=check TWILIO_PUBLIC_URL=https://voice.example.com ACTION_SERVER_TOKEN=check; \
	$$compose config --quiet && $$compose --profile observe config --quiet && \
	  $$compose --profile database config --quiet && \
	  $$compose -f docker-compose.yml -f docker-compose.debug.yml config --quiet
	@echo "docker-compose.yml (refuses to start without its secrets) and docker-compose.debug.yml: valid"
	$(VENV)/bin/actionlint
	@echo "GitHub workflows: actionlint clean"
	@for definition in .aws/task-definition-*.json; do $(PY) -m json.tool $$definition >/dev/null || exit 1; done
	@echo "ECS task definitions: valid JSON"

## ruff and mypy
lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

## Rasa's data validation and the project's own checks of the data
validate: $(INSTALLED)
	$(PY) -m tools.validate_data

# The fast tier: no trained model, no Redis or Duckling, no whole stack.
## the fast tests: no trained model, no servers, no stack
unit: $(INSTALLED) $(FLITE)
	$(PY) -m pytest -m "not stack and not model and not servers"

# Tests that load the trained model, start Redis or Duckling, or the whole stack (tests/stack/).
## the tests that load the model, start Redis or Duckling, or the whole stack
integration: $(MODEL)
	$(PY) -m pytest -m "stack or model or servers"

## the conversation tests (tests/test_stories.yml)
test-stories: $(MODEL)
	$(PY) -m tools.runner.stack --free-ports --services duckling -- \
	  $(RASA) test core --model $(MODEL) --stories tests/test_stories.yml \
	  --fail-on-prediction-errors --out results/stories --quiet

## intent accuracy on held-out phrasings
test-holdout: $(MODEL)
	$(PY) -m tools.runner.stack --free-ports --services duckling -- \
	  $(RASA) test nlu --model $(MODEL) --nlu tests/nlu_holdout.yml --out results/holdout --quiet
	$(PY) -m tools.bench.nlu_report results/holdout/intent_report.json --target $(HOLDOUT_TARGET)

## what CI runs: the targets it names, in order; about 20 minutes
test: lint ship-check validate train unit integration test-stories test-holdout bench-nlu fuzz chaos e2e e2e-spoken

## models, results and Rasa caches removed
clean:
	rm -rf models/*.tar.gz results .rasa
