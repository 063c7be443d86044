# antaeus: the two commands the README starts with, and their helpers.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test test-statistical fuzz bench bench-mesa setup clean

$(PY):
	$(PYTHON) tools/bootstrap_venv.py $(VENV)

## the venv's own pip (ensurepip's, or the newest wheel where Debian lacks ensurepip) installs the
## project as it is: upgrading it first cost about 20 s of every fresh set-up. --no-compile: pip
## would write the bytecode of every module it installs (45 s of a 110 s install, 7 December 2026);
## Python writes it for the modules a command imports, the first time it imports them
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --no-compile -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

## make demo: set up, then run the flagship scenario and say where the results are
demo: $(STAMP)
	$(VENV)/bin/antaeus run russia1917 --seed 7

## make test: set up, then run the test suite (statistical suites excluded) on every core
## (pytest-xdist, a file's tests on one worker so that its fixtures are made once; TEST_WORKERS=1 runs
## it on one worker process)
TEST_WORKERS ?= auto
## The tests start a hundred Python processes or more: each imports antaeus, so its bytecode is
## written once (where PYTHONDONTWRITEBYTECODE is set, every process compiled it again)
test: $(STAMP)
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile

test-statistical: $(STAMP)
	$(PY) -m pytest -q -m statistical

## make fuzz: the long fuzz profile over bad scenarios and --set values (FUZZ_EXAMPLES=3000 each; ~10 min)
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=long $(PY) -m pytest -q tests/test_fuzz.py --hypothesis-show-statistics

bench: $(STAMP)
	$(PY) benchmarks/run.py
	$(PY) benchmarks/ensemble.py

## make bench-mesa: Mesa's Epstein example against antaeus (installs the mesa extra; ~25 min)
bench-mesa: $(STAMP)
	$(PY) -m pip install --quiet --no-compile -e '.[mesa]'
	$(PY) benchmarks/mesa_epstein.py

clean:
	rm -rf $(VENV) antaeus-results build src/*.egg-info
