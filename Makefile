# Kompetanseveilederen. `make run` starts the assistant, `make test` runs every test layer.
# Both create what is missing first: the two virtualenvs, the spaCy pipeline, the catalog
# database and the trained model (retrained only when its inputs changed).
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
.DEFAULT_GOAL := help
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 3
export RASA_TELEMETRY_ENABLED := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

RASA_VENV := .venv/rasa
APP_VENV := .venv/app
RASA := $(RASA_VENV)/bin/rasa
APP_PY := $(APP_VENV)/bin/python
MODEL := models/kv.tar.gz
SPACY_NB := build/spacy_nb/meta.json
TRAINING_INPUTS := config.yml domain.yml data/nlu/lookups.yml \
                   $(wildcard data/nlu/*.yml data/rules/*.yml data/stories/*.yml) \
                   data/catalog/vocabulary.yml data/catalog/outside.yml $(wildcard kvnlu/*.py) $(SPACY_NB)

SEMANTIC := build/semantic/.built
WEB_VENDOR := web/vendor/.installed
NODE_STAMP := node_modules/.kv-installed

.PHONY: help install run test bench load lint catalog catalog-validate model semantic clean web chromium

help:
	@echo "make run    – start the assistant (SQLite defaults) and print the URL to open"
	@echo "make test   – install what is missing and run every test layer"
	@echo "make bench  – latency, throughput, memory, training time and NLU accuracy"
	@echo "make load   – load (50 × 20 turns, 1 and 2 Rasa workers) and soak on PostgreSQL + Redis"
	@echo "make lint   – ruff"

$(RASA_VENV)/.installed: requirements/rasa.txt
	@PY=$$(scripts/find_python.sh 3.10) && echo "Rasa engine env with $$PY" && \
	  rm -rf $(RASA_VENV) && $$PY -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install -q --upgrade pip wheel 'setuptools<70' 2>&1 | { grep -v "^WARNING: Location" || true; }
	$(RASA_VENV)/bin/pip install -q -r requirements/rasa.txt 2>&1 | { grep -v "^WARNING: Location" || true; }
	$(RASA_VENV)/bin/python -c "import rasa, spacy, spacy_lookups_data; assert rasa.__version__ == '3.6.21'"
	touch $@

$(APP_VENV)/.installed: requirements/app.txt
	@PY=$$(scripts/find_python.sh 3.12) && echo "Application env with $$PY" && \
	  rm -rf $(APP_VENV) && $$PY -m venv $(APP_VENV)
	$(APP_VENV)/bin/pip install -q --upgrade pip 2>&1 | { grep -v "^WARNING: Location" || true; }
	$(APP_VENV)/bin/pip install -q -r requirements/app.txt 2>&1 | { grep -v "^WARNING: Location" || true; }
	$(APP_PY) -c "import rasa_sdk, sqlalchemy, alembic, pytest, playwright"
	touch $@

install: $(RASA_VENV)/.installed $(APP_VENV)/.installed

$(SPACY_NB): scripts/build_spacy_nb.py $(RASA_VENV)/.installed
	$(RASA_VENV)/bin/python scripts/build_spacy_nb.py build/spacy_nb 2>&1 | { grep -v -i "tensorflow\|cuda\|AVX\|oneDNN\|TensorRT" || true; }
	test -f $@

data/nlu/lookups.yml: $(wildcard data/catalog/*.yml) bot/nlu_export.py $(APP_VENV)/.installed
	$(APP_PY) -m bot nlu lookups

catalog-validate: $(APP_VENV)/.installed
	$(APP_PY) -m bot catalog validate

catalog: $(APP_VENV)/.installed
	$(APP_PY) -m bot catalog load

$(MODEL): $(TRAINING_INPUTS) $(RASA_VENV)/.installed
	@mkdir -p models build
	@echo "Training the Rasa model (about a minute) ..."
	@start=$$(date +%s); \
	$(RASA) train --fixed-model-name kv --out models --force --quiet > build/train.log 2>&1 || { tail -40 build/train.log; exit 1; }; \
	echo "Trained $(MODEL) in $$(( $$(date +%s) - start )) s" | tee build/train_seconds.txt

model: $(MODEL)

# The semantic reader's example embeddings (bot/understanding/semantic.py; about a minute on 2 cores),
# rebuilt when the training data or the vocabulary changes.
$(SEMANTIC): $(wildcard data/nlu/*.yml) data/catalog/vocabulary.yml bot/understanding/semantic.py $(APP_VENV)/.installed
	@echo "Embedding the examples for the semantic reader ..."
	$(APP_PY) -c "from bot.understanding.semantic import index; print(len(index().texts), 'examples')"
	touch $@

semantic: $(SEMANTIC)

# The widget's browser bundles (socket.io-client; axe-core for the accessibility tests), from the
# pinned package-lock.json, copied into web/vendor/ (not committed).
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 20 + npm (the chat widget needs socket.io-client from npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(WEB_VENDOR): $(NODE_STAMP)
	mkdir -p web/vendor
	cp node_modules/socket.io-client/dist/socket.io.min.js node_modules/socket.io-client/dist/socket.io.min.js.map \
	   node_modules/axe-core/axe.min.js web/vendor/
	touch $@

web: $(WEB_VENDOR)

# Headless Chromium for the browser tests (tests/browser). Playwright cannot download its own
# browsers here, so the tests use Debian's chromium. Not root: say what to run (the browser
# tests then skip locally and fail in CI).
chromium:
	@if [ -x /usr/bin/chromium ] || command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian chromium for the browser tests ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null; \
	else \
	  echo "Chromium is missing and this is not root: run 'sudo apt-get install -y chromium'," \
	       "then 'make test' again (the browser tests are skipped without it; in CI they fail)."; \
	fi

run: install $(SPACY_NB) catalog $(MODEL) $(SEMANTIC) web
	$(APP_PY) -m bot.launch

test: install $(SPACY_NB) catalog $(MODEL) $(SEMANTIC) web chromium
	$(APP_PY) -m pytest tests

bench: install $(SPACY_NB) catalog $(MODEL) $(SEMANTIC)
	$(APP_PY) -m bench

load: install $(SPACY_NB) catalog $(MODEL) $(SEMANTIC)
	$(APP_PY) -m bench.load

lint: $(APP_VENV)/.installed
	$(APP_VENV)/bin/ruff check bot actions kvnlu kvchannels tests bench

clean:
	rm -rf build models .pytest_cache web/vendor test-output
