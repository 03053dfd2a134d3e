# The whole project in make targets. On a fresh Debian/Ubuntu machine with Node 20 and Python 3:
#   make figures   set everything up, execute every notebook, regenerate figures/
#   make test      set everything up, run the tests
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
JUPYTER := $(VENV)/bin/jupyter
BINDING := node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node
KERNEL := $(VENV)/share/jupyter/kernels/tslab/kernel.json
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb))
# Quiet TensorFlow's start-up log (warnings and errors still show).
export TF_CPP_MIN_LOG_LEVEL ?= 2
# One intra-op thread trains faster at batch 32 on small machines (make bench measures it), and every
# committed run was trained with it: the thread count shows in the last digits of ReLU runs.
export TF_NUM_INTRAOP_THREADS ?= 1

.PHONY: setup system build native data kernel test figures check-figures report study retrain bench bench-keras-protocol clean
.DEFAULT_GOAL := figures

setup: system build native data kernel

system:
	@bash scripts/install-system-packages.sh

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# From scratch: a compiled file whose source was deleted would otherwise linger in dist/ (and a
# stale test would still run).
build: node_modules/.package-lock.json
	rm -rf dist
	npx tsc -p tsconfig.json

$(BINDING): node_modules/.package-lock.json
	$(MAKE) build
	bash scripts/provision-tensorflow.sh

native: $(BINDING)
	@node dist/lib/cli/check-backend.js

data: build
	node dist/lib/cli/data.js

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -r requirements.txt
	@touch $@

$(KERNEL): $(VENV)/.installed node_modules/.package-lock.json
	node_modules/.bin/tslab install --python=$(VENV)/bin/python --sys-prefix --binary="$(CURDIR)/node_modules/.bin/tslab"
	@# Notebooks opened in Jupyter train (on a cache miss) with one TensorFlow thread, like every
	@# committed run: the thread count shows in the last digits of ReLU runs (README, Performance).
	$(VENV)/bin/python -c "import json, sys; p = sys.argv[1]; k = json.load(open(p)); \
	  k['env'] = {'TF_NUM_INTRAOP_THREADS': '1', 'TF_NUM_INTEROP_THREADS': '1', 'TF_CPP_MIN_LOG_LEVEL': '2'}; \
	  json.dump(k, open(p, 'w'), indent=1)" $@

kernel: $(KERNEL)

test: setup
	node --test --test-concurrency=1 dist/test/*.test.js

# Executes every notebook in order (from its own folder, through the tslab kernel), writes it back
# with its outputs and regenerates figures/. Reads the committed run cache (runs/); whatever is
# missing from it is trained first, with progress in the notebook.
figures: setup
	@for notebook in $(NOTEBOOKS); do \
	  echo "executing $$notebook"; \
	  $(JUPYTER) nbconvert --to notebook --execute --inplace --ExecutePreprocessor.kernel_name=tslab \
	    --ExecutePreprocessor.timeout=-1 --ExecutePreprocessor.startup_timeout=180 \
	    --ExecutePreprocessor.record_timing=False "$$notebook" || exit 1; \
	done

# make figures, then fail if any regenerated figure differs from the committed one.
check-figures: figures
	git diff --exit-code --stat -- figures/

# One self-contained HTML page of the whole study, from the executed notebooks.
report: $(KERNEL)
	$(VENV)/bin/python scripts/build-report.py report/index.html $(NOTEBOOKS)

# The whole protocol headless (every run the cache lacks), both cores busy; JSON summary in results/.
study: setup
	node dist/lib/cli/study.js all --workers 2 --json results/study.json

# Everything from scratch: empty the run cache, train the whole study, re-execute the notebooks.
retrain: setup
	rm -rf runs
	$(MAKE) study figures

# Keras for the benchmarks only (the report never needs it): tensorflow-cpu 2.21.0 into .venv, from
# the wheel make native may already have downloaded.
$(VENV)/.keras: $(VENV)/.installed
	wheel=$$(ls .cache/wheels/tensorflow_cpu-2.21.0-*.whl 2>/dev/null | head -n 1); \
	  $(VENV)/bin/pip install -q "$${wheel:-tensorflow-cpu==2.21.0}"
	@touch $@

bench: setup $(VENV)/.keras
	bash bench/run.sh

# The seed's protocol in Keras on this machine (about 15 min): one fold per variant + the 3 retrainings.
bench-keras-protocol: setup $(VENV)/.keras
	env -u TF_NUM_INTRAOP_THREADS -u TF_NUM_INTEROP_THREADS .venv/bin/python bench/keras_protocol.py > results/keras-protocol.json

clean:
	rm -rf dist $(VENV) node_modules .cache
