# eclair: `make demo` runs the main job; `make test` passes the tests. Both set up everything first.
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: setup demo test test-fast lint bench clean

setup:
	@bash scripts/setup.sh

demo: setup
	$(BIN)/eclair demo --no-tui

# The TUI tests run in their own process: a session-wide sync Playwright keeps an event loop on the main thread,
# which Textual's async Pilot tests cannot share.
test: setup
	$(BIN)/ruff check eclair agents demos realapps tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q --ignore=tests/tui $(PYTEST_ARGS)
	$(BIN)/python -m pytest -q tests/tui $(PYTEST_ARGS)

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow" --ignore=tests/tui $(PYTEST_ARGS)
	$(BIN)/python -m pytest -q -m "not slow" tests/tui $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check eclair agents demos realapps tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/ruff format --check eclair agents demos realapps tests benchmarks
	$(BIN)/mypy --strict eclair/types.py eclair/actions.py eclair/prompting.py eclair/models/base.py eclair/critics/base.py

bench: setup
	$(BIN)/eclair bench browser --json bench-out/browser.json
	$(BIN)/eclair bench model --json bench-out/model.json
	$(BIN)/eclair bench grounding --json bench-out/grounding.json

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache bench-out
