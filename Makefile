# The two commands of the README: `make run` (dashboard on the sample org) and `make test` (the whole suite).
# Both set up what they need first: a virtual environment in .venv, and for the tests Debian's chromium.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test setup browser bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime

browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-dejavu-core >/dev/null; }

run: setup
	$(BIN)/python -m kpi sample
	$(BIN)/python -m streamlit run dashboard.py

test: $(VENV)/.dev browser
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python -m kpi bench
