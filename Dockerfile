# syntax=docker/dockerfile:1
# One image for every function, on Lambda and under docker compose alike:
#
#   docker build -t folio .                                   # FOLIO_FUNCTION=chat, sample index baked in
#   docker build --build-arg FUNCTION=health -t folio-health .
#   docker build --build-arg DOCS_DIR=my-docs -t folio .      # bake another folder of the build context
#   docker build --build-arg BAKE_INDEX=0 -t folio .          # no index: set FOLIO_INDEX_URI=s3://... at run time
#   docker run --user 10001:10001 -p 8080:8080 folio [chat|health|ingest]
#
# folio.entrypoint runs the Lambda runtime interface client (awslambdaric) when AWS_LAMBDA_RUNTIME_API
# is set, and uvicorn on FOLIO_HOST:FOLIO_PORT otherwise; an argument (Lambda: ImageConfig.Command,
# compose: command) overrides FOLIO_FUNCTION.
#
# python:3.12-slim (Debian bookworm, glibc 2.36), not the Lambda python:3.11 base (Amazon Linux 2,
# glibc 2.26): lancedb, onnxruntime and pyarrow publish manylinux_2_28 wheels only. Every pin in
# requirements.lock has a cp312, abi3 or pure-Python wheel for x86_64 and for aarch64.

ARG PYTHON_IMAGE=python:3.12-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH
WORKDIR /build
# binutils for `strip` (scripts/trim_site.py); the builder stage is not shipped.
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends binutils; \
    rm -rf /var/lib/apt/lists/*; \
    python -m venv /opt/venv

# The runtime set and the lambda extra (awslambdaric), pinned, nothing from the dev lock. A layer
# of its own: rebuilt only when the lock changes.
COPY requirements.lock ./
RUN pip install --no-deps -r requirements.lock

COPY pyproject.toml README.md ./
COPY layers ./layers
COPY functions ./functions
RUN pip install --no-deps .

# Trim what folio never loads (scripts/trim_site.py says what and why: test suites, headers, Arrow
# Flight, pyarrow's S3 client, onnxruntime's C library and tools, unused botocore models, symbol
# tables; `make install` trims the dev venv alike, so the test suite runs on what ships), then
# compile all bytecode once: unchecked-hash .pyc files are used without a stat of their source, and
# nothing is compiled at a cold start.
COPY scripts/trim_site.py ./
RUN set -eux; \
    site="$(python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"; \
    python trim_site.py --require-strip "$site"; \
    pip uninstall --yes pip setuptools; \
    find /opt/venv -depth -type d -name __pycache__ -exec rm -rf '{}' +; \
    python -m compileall -q -j 0 --invalidation-mode unchecked-hash "$site"

# The index, built from the documents at build time (a read-only folder serves fine). With
# BAKE_INDEX=0 the image carries none and FOLIO_INDEX_URI must point at one (s3://...).
ARG BAKE_INDEX=1
ARG DOCS_DIR=knowledge
COPY ${DOCS_DIR} /docs
RUN set -eux; \
    mkdir -p /var/task; \
    if [ "$BAKE_INDEX" = "1" ]; then folio ingest /docs --index /var/task/index; fi


FROM ${PYTHON_IMAGE}
ARG FUNCTION=chat

# The official images ship the standard library without bytecode, and PYTHONDONTWRITEBYTECODE (below)
# keeps it from ever being cached: compiling the ~200 stdlib modules a handler imports would cost
# about a second at every cold start. ~9 MB.
RUN set -eux; \
    python -m compileall -q -j 0 --invalidation-mode unchecked-hash \
        -x '/(site-packages|ensurepip|idlelib|tkinter|turtledemo|lib2to3|pydoc_data)/' \
        "$(python -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')"; \
    useradd --uid 10001 --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin folio; \
    install -d -o 10001 -g 10001 /data/index

# Owned by root, read-only for the service user: the code and the index cannot be changed at run time.
# /data/index (above) is where compose mounts the index volume that ingest writes: a new volume takes
# the mount point's owner, so the service user can write it.
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /var/task /var/task

ENV PATH=/opt/venv/bin:$PATH \
    VIRTUAL_ENV=/opt/venv \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    FOLIO_FUNCTION=${FUNCTION} \
    FOLIO_INDEX_URI=/var/task/index \
    FOLIO_HOST=0.0.0.0 \
    FOLIO_PORT=8080
WORKDIR /var/task
# No USER: `sam local invoke` builds its emulator image on top of this one with
# `RUN mv /var/rapid/aws-lambda-rie-… && chmod +x …`, which fails as any user but root. The functions
# never run as root for all that: Lambda runs them as its own unprivileged user, compose as 10001
# (`user:` in infra/compose-local.yml), and by hand: `docker run --user 10001:10001 …`.
EXPOSE 8080

# For docker and compose (Lambda ignores it). /openapi.json because every function serves it, while
# /health/live exists in the health function only; uvicorn opens the port only once the entrypoint's
# warm-up (model, index) is over. Compose may probe the health function's
# /health/ready instead. Under a Lambda emulator nothing listens on 8080 and the container reads
# "unhealthy", which changes nothing.
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/openapi.json' % os.environ.get('FOLIO_PORT', '8080'), timeout=2)"]

ENTRYPOINT ["python", "-m", "folio.entrypoint"]
