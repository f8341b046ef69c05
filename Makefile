# Every target sets up .venv itself: a fresh clone needs only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help test briefings screenshot lab git-filter figures datapackage lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# uv installs the same pinned versions as pip, several times faster; where it cannot be
# installed or fails, pip does the work. Both byte-compile (these machines set PYTHONDONTWRITEBYTECODE).
# `make USE_UV=0 test` installs with pip only.
UV := uv==0.13.9
USE_UV ?= 1
$(INSTALLED): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	if [ "$(USE_UV)" = 1 ] && $(BIN)/python -m pip install --quiet $(UV) && $(BIN)/python -m uv pip install --quiet \
			--python $(BIN)/python --compile-bytecode --constraint constraints.txt --editable '.[test]'; then \
		echo "installed with uv"; \
	else \
		$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable '.[test]'; \
	fi
	$(COMPILE)
	touch $@

# Python reads byte-compiled modules but, where PYTHONDONTWRITEBYTECODE is set, never writes them:
# the project's own modules are compiled here (those changed since the last time), or every
# process, each kernel included, would compile them again (about 50 ms each).
COMPILE = $(BIN)/python -m compileall -q src

# One worker per core (pytest-xdist); each module runs whole on one worker, so its shared fixtures
# are built once, and modules start in the suite's order (the grid module, then those that mostly
# wait beside it, then the other long ones: see EARLY in tests/conftest.py), not by their number of tests. `.venv/bin/python -m pytest` alone runs the suite in one process.
test: $(INSTALLED) ## Run the test suite on every core (sets up .venv first)
	$(COMPILE)
	$(BIN)/python -m pytest -n auto --dist loadscope --no-loadscope-reorder

briefings: $(INSTALLED) ## Render every briefing in both languages with its PDF, and reports/index.html (needs chromium)
	$(COMPILE)
	$(BIN)/briefing --all --pdf --out reports

screenshot: $(INSTALLED) ## Photograph a briefing and a German PDF's first page into docs/ (needs chromium, pdftoppm)
	$(BIN)/briefing --platform Messenger --region Asia-Pacific --as-of 2017-07-11 --out reports/screenshot
	chromium --headless=new --no-sandbox --disable-gpu --disable-background-networking \
		--proxy-server=127.0.0.1:9 --hide-scrollbars --window-size=1100,1500 \
		--screenshot=docs/briefing.png reports/screenshot/messenger--asia-pacific--2017-07-11.html
	$(BIN)/briefing --platform WhatsApp --country DE --lang de --pdf --out reports/screenshot
	pdftoppm -r 70 -png -f 1 -l 1 -singlefile reports/screenshot/whatsapp--country-de--*--de.pdf docs/briefing-de-pdf

lab: $(INSTALLED) ## Open JupyterLab on the notebooks in the project's environment
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable '.[lab]'
	@$(MAKE) --no-print-directory git-filter
	$(BIN)/python -m jupyter lab notebooks

# What JupyterLab saves into a notebook (outputs, execution counts) is stripped from what git
# stages and diffs; cell ids are kept, so a clean notebook goes through unchanged. Where the filter
# is not defined (a fresh clone, CI), git ignores the attribute in .gitattributes.
NBSTRIPOUT = "$(abspath $(BIN))/python" -m nbstripout
git-filter: ## Keep notebook outputs out of git in this checkout (nbstripout; `make lab` does it)
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
		$(NBSTRIPOUT) --install --attributes .gitattributes && \
		git config filter.nbstripout.clean '$(NBSTRIPOUT) --keep-id' && \
		git config diff.ipynb.textconv '$(NBSTRIPOUT) --keep-id -t' && \
		echo "git filter nbstripout installed: notebook outputs stay out of commits"; \
	else \
		echo "not a git checkout: no git filter installed"; \
	fi

figures: $(INSTALLED) ## Render the README's charts into docs/ from the real data
	$(BIN)/python -m analysis.figures docs

datapackage: $(INSTALLED) ## Regenerate data/datapackage.json from the schema
	$(BIN)/python -m analysis.datapackage data/datapackage.json

lock: ## Re-pin constraints.txt from a fresh resolution of pyproject.toml
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet '.[test,lab]'
	.venv-lock/bin/python -m pip freeze --exclude messenger-ad-strategy > constraints.txt
	rm -rf .venv-lock

clean: ## Remove the virtual environment and generated files
	rm -rf $(VENV) reports .pytest_cache
