# Tsunagi: one image for web (gunicorn), Celery workers and beat. See docs/deploy.md.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    TSUNAGI_VAR_DIR=/var/lib/tsunagi STATIC_ROOT=/app/staticfiles MEDIA_ROOT=/var/lib/tsunagi/media \
    PROMETHEUS_MULTIPROC_DIR=/run/tsunagi/metrics

# pg_dump/pg_restore for `manage.py backup`; gettext for compiled translations.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client gettext \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system tsunagi && useradd --system --gid tsunagi --home-dir /app tsunagi

WORKDIR /app
COPY pyproject.toml README.md ./
COPY portal portal
COPY suppliers suppliers
COPY edi edi
COPY ops ops
RUN pip install .
COPY . .
# Static files are collected at build time and served by whitenoise; the key is a throwaway.
RUN SECRET_KEY=build-only DEBUG=0 python manage.py collectstatic --noinput \
 && python manage.py compilemessages --ignore=.venv >/dev/null \
 && mkdir -p /var/lib/tsunagi/media /run/tsunagi/metrics /app/var/edi /app/var/erp \
 && chown -R tsunagi:tsunagi /var/lib/tsunagi /run/tsunagi /app/var

USER tsunagi
EXPOSE 8000
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "portal.wsgi"]
