# `make run` serves the shop with demo counties; `make test` runs every test, browser tests included.
# Works on a fresh Debian machine with only Python 3.11: uv is bootstrapped with pip, Chromium and
# the PostgreSQL and Redis servers are installed with apt-get when running as root.

PORT ?= 8000
SANDBOX_PORT ?= 12111
# A new secret for each `make run`, shared by the sandbox that signs and the app that verifies.
SANDBOX_WEBHOOK_SECRET := whsec_$(shell python3 -c 'import secrets; print(secrets.token_hex(24))')
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
PG_CTL := $(firstword $(wildcard /usr/lib/postgresql/*/bin/pg_ctl) $(shell command -v pg_ctl 2>/dev/null))
REDIS_SERVER := $(shell command -v redis-server 2>/dev/null)
CHROMIUM := $(firstword $(wildcard /usr/bin/chromium /usr/bin/chromium-browser) $(wildcard $(HOME)/.cache/ms-playwright/chromium-*))
ROOT := $(shell id -u)

.PHONY: run test install migrate seed uv system-deps bench messages

# The demo admin accounts of demo/admins.toml (created by `seed` outside production).
ADMIN_LOGINS := echo "Admin: http://127.0.0.1:$(PORT)/admin/login"; \
	echo "  platform admin: platform-admin@example.com / platform-demo-2026 (set up two-factor with an authenticator app at the first log-in)"; \
	echo "  Raohe county admin: raohe-admin@example.com / raohe-demo-2026"; \
	echo "  Guzhang county admin: guzhang-admin@example.com / guzhang-demo-2026"

# Without STRIPE_SECRET_KEY, payments go to the project's local Stripe sandbox, started alongside.
run: install migrate seed
	@if [ -n "$$STRIPE_SECRET_KEY" ]; then \
	  echo "Open http://127.0.0.1:$(PORT)"; \
	  if [ "$$STOREFRONT_ENV" != production ]; then $(ADMIN_LOGINS); fi; \
	  exec $(UV) run storefront run --host 127.0.0.1 --port $(PORT); \
	fi; \
	echo "No STRIPE_SECRET_KEY: payments go to the local Stripe sandbox on http://127.0.0.1:$(SANDBOX_PORT)"; \
	$(UV) run python -m stripe_sandbox --port $(SANDBOX_PORT) \
	  --webhook-url http://127.0.0.1:$(PORT)/stripe/webhook --webhook-secret $(SANDBOX_WEBHOOK_SECRET) & \
	sandbox=$$!; trap 'kill $$sandbox 2>/dev/null' EXIT INT TERM; \
	echo "Open http://127.0.0.1:$(PORT)"; \
	if [ "$$STOREFRONT_ENV" != production ]; then $(ADMIN_LOGINS); fi; \
	STRIPE_API_BASE=http://127.0.0.1:$(SANDBOX_PORT) STRIPE_WEBHOOK_SECRET=$(SANDBOX_WEBHOOK_SECRET) \
	  $(UV) run storefront run --host 127.0.0.1 --port $(PORT)

test: install system-deps
	$(UV) run pytest

install: uv
	$(UV) sync --frozen

migrate:
	$(UV) run storefront database upgrade --no-prompt

seed:
	$(UV) run storefront seed-demo

uv:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

# Browser tests need Chromium; database tests the PostgreSQL server binaries; the two-worker test
# a Redis server.
system-deps:
ifeq ($(and $(CHROMIUM),$(PG_CTL)),)
ifeq ($(ROOT),0)
	apt-get update -qq && apt-get install -y -qq chromium postgresql >/dev/null
else
	@echo "Missing Chromium or the PostgreSQL server. Run: sudo apt-get install -y chromium postgresql" && exit 1
endif
endif
ifeq ($(REDIS_SERVER),)
ifeq ($(ROOT),0)
	apt-get update -qq && apt-get install -y -qq --no-install-recommends redis-server >/dev/null
else
	@echo "Missing the Redis server. Run: sudo apt-get install -y --no-install-recommends redis-server" && exit 1
endif
endif

bench: install system-deps
	$(UV) run python -m benchmarks.catalog
	$(UV) run python -m benchmarks.big_catalog
	$(UV) run python -m benchmarks.profile
	$(UV) run python -m benchmarks.checkout_spike
	$(UV) run python -m benchmarks.checkout
	$(UV) run python -m benchmarks.events
	$(UV) run python -m benchmarks.dashboard
	$(UV) run python -m benchmarks.memory

# Refresh the message catalogs after changing interface strings; then translate the new entries.
messages:
	$(UV) run pybabel extract -F storefront/locale/babel.cfg -o storefront/locale/messages.pot --no-location --sort-output --project storefront .
	$(UV) run pybabel update -i storefront/locale/messages.pot -d storefront/locale --no-fuzzy-matching
