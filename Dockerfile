# docpipe: one image for the api, the stage workers, beat, flower and the one-shot init.
# The process is chosen by the compose `command:` (see docker-compose.yml).
#checkov:skip=CKV_DOCKER_2:One image runs several processes; each compose service has its own healthcheck.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Tesseract for the OCR path of the extract stage (English data; add tesseract-ocr-fra,
# -spa, ... here for DOCPIPE_OCR_LANGUAGE in other UN languages).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so a code change does not reinstall them: install the project's
# declared dependencies from pyproject.toml alone, then the code.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
      > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# pyproject.toml names README.md as the readme; the glob keeps COPY from failing on its own.
COPY pyproject.toml README.md* ./
COPY config ./config
COPY pipeline ./pipeline
COPY workers ./workers
COPY docpipe ./docpipe
RUN pip install --no-deps .

# Unprivileged runtime user. /var/lib/docpipe is DOCPIPE_DATA_DIR (scratch space; the
# store, ledger and index live in MinIO/S3 and PostgreSQL); beat/ holds beat's schedule
# file, and exists in the image so a named volume mounted there inherits the ownership.
RUN groupadd --system --gid 10001 docpipe \
 && useradd --system --uid 10001 --gid docpipe --home-dir /var/lib/docpipe --shell /usr/sbin/nologin docpipe \
 && mkdir -p /var/lib/docpipe/beat \
 && chown -R docpipe:docpipe /var/lib/docpipe

ENV DOCPIPE_DATA_DIR=/var/lib/docpipe \
    OMP_THREAD_LIMIT=1 \
    HOME=/var/lib/docpipe

USER docpipe:docpipe
WORKDIR /var/lib/docpipe

EXPOSE 8000
CMD ["docpipe", "--help"]
