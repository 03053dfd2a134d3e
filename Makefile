# The whole project in make targets (`make help` lists them). On a fresh Debian/Ubuntu machine with
# Node.js 20-22 and Python 3:
#   make figures   set everything up, execute every notebook, regenerate figures/
#   make test      set everything up, run the tests
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
JUPYTER := $(VENV)/bin/jupyter
BINDING := node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node
KERNEL := $(VENV)/share/jupyter/kernels/tslab/kernel.json
# Every notebook by default; one or more with `make figures NOTEBOOKS=notebooks/04-relu.ipynb`.
NOTEBOOKS ?= $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb))
# The TensorFlow settings that change numbers or speed, pinned for everything make runs (lib/tensorflow
# pins the same when they are unset, for the notebooks' kernel and the command line): oneDNN on
# whatever the CPU, one intra- and one inter-op thread. Every committed run was trained with them.
export TF_ENABLE_ONEDNN_OPTS ?= 1
export TF_NUM_INTRAOP_THREADS ?= 1
export TF_NUM_INTEROP_THREADS ?= 1
# Quiet TensorFlow's start-up log (warnings and errors still show).
export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: help setup system node compiled build native data kernel test figures check-figures report study verify retrain bench \
	bench-notebooks bench-keras-protocol keras-folds keras-export readme lab tensorboard image cluster-packages test-scale-out clean
.DEFAULT_GOAL := help

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /  make \1\t/' | expand -t 28

setup: node system compiled native data kernel ## everything below, each step skipped when done

system: ## Debian packages: chromium, fonts-open-sans, fontconfig, dataset-fashion-mnist
	@bash scripts/install-system-packages.sh

node: ## fails early, with what to do, outside the supported Node.js range (20-22)
	@node -e 'const m = Number(process.versions.node.split(".")[0]); if (m < 20 || m > 22) { console.error(`make: Node.js $${process.versions.node} is not supported: tfjs-node 4.22 needs Node.js 20 to 22 (install Node.js 22, e.g. with nvm)`); process.exit(1); }'

node_modules/.package-lock.json: package.json package-lock.json
	@$(MAKE) --no-print-directory node
	npm ci --no-audit --no-fund
	@touch $@

# The sources tsc compiles, and their list (rewritten only when the set changes: a file added,
# deleted or renamed).
SOURCES := $(sort $(shell find lib test bench -name '*.ts' 2>/dev/null)) tsconfig.json
SOURCE_LIST := .cache/sources
FORCE:
$(SOURCE_LIST): FORCE
	@mkdir -p $(dir $@); echo '$(SOURCES)' | cmp -s - $@ || echo '$(SOURCES)' > $@

# From scratch: a compiled file whose source was deleted would otherwise linger in dist/ (and a
# stale test would still run).
build: node_modules/.package-lock.json $(SOURCE_LIST) ## compile lib/, test/, bench/ into dist/
	rm -rf dist
	npx tsc -p tsconfig.json
	@cp $(SOURCE_LIST) dist/.sources
	@touch dist/.compiled

# What make setup (and so every target that needs it) and `npm run study` need: dist/ up to date with
# the sources, compiled again only when one of them changed (tsc takes 10 s and more, and a warm
# `make figures` has nothing to compile), and from scratch when the set of sources changed, so that a
# compiled file whose source was deleted or renamed does not linger in dist/ either.
dist/.compiled: $(SOURCES) $(SOURCE_LIST) node_modules/.package-lock.json
	@cmp -s $(SOURCE_LIST) dist/.sources 2>/dev/null || rm -rf dist
	npx tsc -p tsconfig.json
	@cp $(SOURCE_LIST) dist/.sources
	@touch $@

compiled: dist/.compiled

$(BINDING): node_modules/.package-lock.json
	$(MAKE) build
	bash scripts/provision-tensorflow.sh

native: $(BINDING) ## libtensorflow and tfjs-node's binding, verified
	@node dist/lib/cli/check-backend.js

data: compiled ## the four Fashion-MNIST files in data/, verified
	node dist/lib/cli/data.js

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -r requirements.txt
	@touch $@

# papermill's translator for TypeScript (papermill ships none), the project's own package, reinstalled
# (never editable) whenever one of its files changes; pip's in-tree build/ removed first, so that a file
# deleted from the package does not linger in it.
PAPERMILL_TYPESCRIPT := $(shell find jupyter/papermill-typescript -type f \( -name '*.py' -o -name pyproject.toml \) \
	-not -path '*/build/*' 2>/dev/null)
$(VENV)/.papermill-typescript: $(VENV)/.installed $(PAPERMILL_TYPESCRIPT)
	rm -rf jupyter/papermill-typescript/build jupyter/papermill-typescript/*.egg-info
	$(VENV)/bin/pip install -q --force-reinstall --no-deps ./jupyter/papermill-typescript
	@touch $@

# The kernels start through scripts/tslab-kernel, which runs tslab in notebooks/ whatever the caller's
# working directory (papermill starts the kernel where it was called from).
$(KERNEL): $(VENV)/.installed $(VENV)/.papermill-typescript node_modules/.package-lock.json scripts/tslab-kernel
	node_modules/.bin/tslab install --python=$(VENV)/bin/python --sys-prefix --binary="$(CURDIR)/scripts/tslab-kernel"
	@# Notebooks opened in Jupyter train (on a cache miss) with the pinned TensorFlow settings.
	$(VENV)/bin/python -c "import json, sys; p = sys.argv[1]; k = json.load(open(p)); \
	  k['env'] = {'TF_ENABLE_ONEDNN_OPTS': '1', 'TF_NUM_INTRAOP_THREADS': '1', 'TF_NUM_INTEROP_THREADS': '1', 'TF_CPP_MIN_LOG_LEVEL': '2'}; \
	  json.dump(k, open(p, 'w'), indent=1)" $@

kernel: $(KERNEL) ## JupyterLab, papermill (with its TypeScript translator) and the tslab kernel in .venv/

test: setup ## set everything up, run the tests (what CI runs)
	node --test --test-concurrency=1 dist/test/*.test.js

# Executes the notebooks (from their own folder, through the tslab kernel), writes them back with
# their outputs and regenerates figures/. Whatever the committed run cache (runs/) lacks is trained
# first, headless, with the worker pool and terminal progress; then every notebook only reads it, so
# scripts/execute-notebooks.py runs them NOTEBOOK_JOBS at a time (default: the CPU cores) in one
# Python process, with one headless Chromium for every kernel's figures, and writes them in order,
# as `jupyter nbconvert --to notebook --execute --inplace` would (code cells numbered 1..N). A failing
# notebook stops the target with its name and the cell's error. NOTEBOOK_OPTIONS passes more options
# to it (e.g. --report FILE: per-notebook timings; make bench-notebooks uses it).
NOTEBOOK_JOBS ?=
NOTEBOOK_OPTIONS ?=
figures: setup ## train what runs/ lacks, then execute the notebooks and regenerate figures/
	node dist/lib/cli/study.js all --workers 2 > /dev/null
	$(VENV)/bin/python scripts/execute-notebooks.py $(if $(NOTEBOOK_JOBS),--jobs $(NOTEBOOK_JOBS)) $(NOTEBOOK_OPTIONS) $(NOTEBOOKS)

# The appendix (notebook 14) prints the machine's Node.js version, the one output allowed to differ.
check-figures: figures ## make figures, then fail if a regenerated figure or notebook differs from the committed one
	git diff --exit-code --stat -- figures/ notebooks/ ':!notebooks/14-environment.ipynb'

report: $(KERNEL) ## one HTML page of the whole study (report/index.html)
	$(VENV)/bin/python scripts/build-report.py report/index.html $(NOTEBOOKS)

study: setup ## the whole study headless (every run runs/ lacks), both cores busy; summaries in results/
	node dist/lib/cli/study.js all --workers 2 --json results/study.json
	node dist/lib/cli/readme.js

# Retrains a seeded sample of the committed runs (by default 7: one fold run per variant, one final
# retraining with LR decay, one batch-size run; about 11 min on 2 cores) into a temporary folder and
# compares every epoch's metrics with runs/: bit for bit on the CPU kind that trained them, within the
# seeds' own spread on another (docs/verify.md). More or other runs: make verify VERIFY_OPTIONS='--runs 20'
# (or --minutes M, --all, --sample-seed S). The report goes to an untracked file, named in the output.
VERIFY_REPORT ?= .cache/verify/report.json
VERIFY_OPTIONS ?=
verify: setup ## retrain a seeded sample of runs/ and compare with the record (report: .cache/verify/report.json)
	@mkdir -p $(dir $(VERIFY_REPORT))
	node dist/lib/cli/study.js verify --workers 2 --json $(VERIFY_REPORT) $(VERIFY_OPTIONS)

retrain: setup ## empty the run cache, retrain everything, re-execute the notebooks
	rm -rf runs
	$(MAKE) study figures

tensorboard: setup ## TensorBoard on every run's per-epoch scalars (127.0.0.1:6006)
	node dist/lib/cli/study.js tensorboard
	$(VENV)/bin/tensorboard --logdir runs --host 127.0.0.1 --port 6006

# scripts/lab adds --allow-root when run as root (JupyterLab refuses root without it).
lab: setup ## open JupyterLab on the notebooks, TypeScript kernel (127.0.0.1 only)
	scripts/lab --notebook-dir=notebooks

# Keras for the benchmarks and the Keras export only (the report never needs it): tensorflow-cpu
# 2.21.0 and its dependencies into .venv, every wheel checked against requirements-bench.txt's
# SHA-256 (the tensorflow-cpu wheel make native already downloaded is taken from .cache/wheels).
$(VENV)/.keras: $(VENV)/.installed requirements-bench.txt
	$(VENV)/bin/pip install -q --require-hashes --find-links .cache/wheels -r requirements-bench.txt
	@touch $@

bench: setup $(VENV)/.keras ## tfjs-node against Keras under the same settings (results/bench.md)
	bash bench/run.sh

# Regenerating the report with everything cached, before (the make figures of commit d18fc3d: tsc from
# scratch, one nbconvert per notebook) and after (this one), in one run, into scratch copies: the
# breakdown (start-up, cells, figure exports) in results/bench-notebooks.md, also in results/bench.md.
bench-notebooks: setup ## warm make figures before and after issue 20, in one run (results/bench-notebooks.md)
	bash bench/notebooks.sh

keras-export: setup $(VENV)/.keras ## the final models in Keras' format (exports/), test accuracy checked in Keras
	$(VENV)/bin/python scripts/export-keras.py exports

readme: compiled ## the README's generated sections (headline, errata, performance) from results/study.json and results/bench.md
	node dist/lib/cli/readme.js

# The original's protocol in Keras on this machine (about 15 min): one fold per variant + the 3
# retrainings, as the original ran it: TensorFlow's own thread counts (oneDNN still on).
bench-keras-protocol: setup $(VENV)/.keras ## the original's protocol timed in Keras
	env -u TF_NUM_INTRAOP_THREADS -u TF_NUM_INTEROP_THREADS .venv/bin/python bench/keras_protocol.py > results/keras-protocol.json

# The original's cross-validation protocol in Keras, fold by fold, on the study's own folds (about 45
# min on 2 cores with two calls side by side; resumes from .cache/keras-folds/): results/keras-folds.json.
keras-folds: setup $(VENV)/.keras ## the seed-42 5-fold protocol of the five variants in Keras, per fold (results/keras-folds.json)
	$(VENV)/bin/python bench/keras_folds.py

# The project's container image (Dockerfile), built with podman on this machine, then proved inside itself:
# make check-figures as a build step (scripts/image-check.Dockerfile), since running containers may not be
# possible where it is built. Measurements to .cache/image/report.md (results/image.md: this machine's transcript). IMAGE_BUILD_OPTIONS=--no-cache builds from scratch.
IMAGE ?= lenet5-fashion-mnist
image: ## the container image built with podman, and make check-figures passed inside it (measurements: .cache/image/report.md)
	bash scripts/build-image.sh $(IMAGE)

# The scale-out tests install these themselves (test/slurm.test.ts, test/parallel-ssh.test.ts); nothing is started.
cluster-packages: ## Slurm (slurmctld, slurmd, client), munge and OpenSSH's server, for the scale-out tests and recipes
	@bash scripts/install-cluster-packages.sh

# The scale-out tests (a single-node Slurm cluster, GNU parallel over ssh to 127.0.0.1) need root and
# apt and take minutes to tens of minutes; they run here, not in make test (CI's 30-minute budget).
test-scale-out: setup cluster-packages ## the Slurm and ssh scale-out tests (root; results/scale-out.md has their transcripts)
	SCALE_OUT_TESTS=1 node --test --test-concurrency=1 dist/test/slurm.test.js dist/test/parallel-ssh.test.js

clean: ## remove dist/, .venv/, node_modules/, .cache/
	rm -rf dist $(VENV) node_modules .cache
