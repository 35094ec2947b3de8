# Two commands do all the set-up on a fresh machine with Python 3.11+ and pip:
#   make demo   - the main job: embedded Redis, a real worker, sample articles, results
#   make test   - the test suite (real redis-server processes)
UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)

.PHONY: uv install demo test lint typecheck contracts bench score eval profile

uv:
	@command -v uv >/dev/null 2>&1 || test -x $(HOME)/.local/bin/uv || python3 -m pip install --user --quiet uv

install: uv
	$(UV) sync --frozen

demo: install
	$(UV) run depeche demo

# Test processes side by side (pytest-xdist): `auto` is one per core. Modules whose tests share a live
# worker or server are kept on one process (xdist_group marks, --dist loadgroup). TEST_PROCESSES=0 runs
# everything in this one process.
TEST_PROCESSES ?= auto

test: install
	$(UV) run pytest -n $(TEST_PROCESSES) --dist loadgroup

lint: install
	$(UV) run ruff check .

typecheck: install
	$(UV) run mypy service contracts

contracts: install
	$(UV) run python -m contracts.generate

score: install
	$(UV) run depeche extract ../shared/seeds/*.txt --dates ../shared/eval/gold-seeds.json > /tmp/depeche-seeds.jsonl
	python3 ../shared/eval/score.py --gold ../shared/eval/gold-seeds.json --pred /tmp/depeche-seeds.jsonl

eval: install
	$(UV) run python tests/corpus/eval.py

bench: install
	$(UV) run depeche bench

profile: install
	$(UV) run python bench/profile.py
