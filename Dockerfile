# syntax=docker/dockerfile:1.7
#
# County brand storefront, production image.
#
#   docker build -t storefront .
#   docker run -p 8000:8000 \
#     -e DATABASE_URL=postgresql+asyncpg://USER:PASSWORD@HOST:5432/storefront \
#     -e SECRET_KEY=... -v storefront-var:/app/var storefront
#
# The container applies pending migrations, then serves the app with granian on $PORT.
# Development tools (stripe_sandbox/, demo/) are not in the image: `storefront seed-demo` says so.
# More worker processes: -e GRANIAN_WORKERS=4 (set REDIS_URL so they share sessions and cache).

ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

# uv itself, pinned; only its binary is copied into the builder.
FROM ghcr.io/astral-sh/uv:0.13.9 AS uv


# ---- builder: resolve the locked dependencies into /app/.venv -------------------------------
FROM ${PYTHON_IMAGE} AS builder

COPY --from=uv /uv /usr/local/bin/uv

# The venv must use the same interpreter path as the runtime image (/usr/local/bin/python3.11),
# and live at the same place (/app/.venv) since it is copied over as is.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

WORKDIR /app

# Third-party dependencies first: this layer is rebuilt only when uv.lock changes.
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    uv sync --frozen --no-dev --no-install-project

# Then the project itself (installed editable: the code, templates and migrations stay in /app,
# where storefront.config.PROJECT_ROOT expects them).
COPY pyproject.toml uv.lock README.md ./
COPY storefront/ storefront/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev


# ---- runtime: slim Python, the venv, the app, a non-root user -------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH="/app/.venv/bin:${PATH}" \
    STOREFRONT_ENV=production \
    STOREFRONT_VAR_DIR=/app/var \
    MEDIA_DIR=/app/var/media \
    PORT=8000

RUN groupadd --system --gid 10001 storefront \
    && useradd --system --uid 10001 --gid storefront --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin storefront

WORKDIR /app

# Code and venv stay owned by root (read-only for the app); only /app/var is writable.
COPY --from=builder /app/.venv /app/.venv
COPY pyproject.toml alembic.ini ./
COPY storefront/ storefront/
COPY migrations/ migrations/
COPY templates/ templates/
COPY static/ static/

RUN python -m compileall -q storefront migrations \
    && mkdir -p /app/var/media /app/var/mail \
    && chown -R storefront:storefront /app/var

USER 10001:10001

VOLUME ["/app/var"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; r = urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PORT', '8000'), timeout=4); sys.exit(r.status != 200)"]

# Migrate, then replace the shell with granian so it is PID 1 and receives SIGTERM directly.
CMD ["sh", "-c", "storefront database upgrade --no-prompt && exec granian --interface asgi --factory --host 0.0.0.0 --port \"$PORT\" storefront.asgi:create_asgi_app"]
