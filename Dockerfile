# Production image: one image, three processes (web, worker, beat); see compose.yaml.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY blufio blufio
COPY costs costs
COPY routing routing
COPY heartbeat heartbeat
COPY templates templates
COPY manage.py ./
RUN pip install --no-cache-dir -e . \
    && DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input \
    && useradd --create-home blufio \
    && mkdir -p var && chown blufio var

USER blufio
EXPOSE 8000
CMD ["gunicorn", "blufio.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--preload", "--access-logfile", "-"]
