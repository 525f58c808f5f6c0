# Production image: one image, three processes (web, worker, beat); see compose.yaml.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1 \
    PATH=/opt/venv/bin:$PATH PYTHONPATH=/app
WORKDIR /app

# The Makefile's UV_VERSION. The runtime dependencies exactly as uv.lock pins them,
# hashes checked, in a layer of their own that a code change does not rebuild.
RUN pip install --no-cache-dir uv==0.13.9
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-cache --no-install-project

# Blufio itself is not installed (neither editable nor as a copy in site-packages): its
# packages run from /app, on PYTHONPATH for gunicorn and celery, beside the templates.
COPY README.md manage.py ./
COPY blufio blufio
COPY costs costs
COPY routing routing
COPY heartbeat heartbeat
COPY templates templates
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input \
    && useradd --create-home blufio \
    && mkdir -p var && chown blufio var

USER blufio
EXPOSE 8000
CMD ["gunicorn", "blufio.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--preload", "--access-logfile", "-"]
