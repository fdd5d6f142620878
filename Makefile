# backcoach: `make run` starts the app, `make test` checks everything. Both install what they need.
VENV := .venv
BIN := $(VENV)/bin
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test check lint typecheck imports migrations-check bench setup clean

setup:
	@bash scripts/setup.sh

run: setup
	$(BIN)/backcoach serve

test: setup
	@$(MAKE) --no-print-directory check
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check: lint typecheck imports migrations-check

lint:
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck:
	$(BIN)/mypy

imports:
	$(BIN)/lint-imports

migrations-check:
	$(BIN)/python -m backcoach.store.check

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
