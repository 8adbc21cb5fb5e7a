# Production-like image: gunicorn behind a TLS-terminating proxy; see docker-compose.yml.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
# Deduce (Woo redaction) builds its lookup structures on first use, into its package: do it once here,
# as root, so no worker spends minutes on it or needs to write into site-packages.
# In Django's time zone (TIME_ZONE sets TZ at run time): Deduce compares naive local times.
RUN TZ=Europe/Amsterdam python -c "from deduce import Deduce; Deduce()"
COPY . .
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only DATABASE_URL=postgres://x@localhost/x \
    python manage.py collectstatic --noinput
RUN useradd --system ipgar && chown -R ipgar /app/var
USER ipgar
EXPOSE 8000
CMD ["gunicorn", "ipgar.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
