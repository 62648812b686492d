# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# Pango and a font for WeasyPrint (contract PDFs).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY kolhub ./kolhub
COPY creators ./creators
COPY campaigns ./campaigns
COPY contracts ./contracts
COPY tracking ./tracking
RUN pip install .
COPY . .
RUN DJANGO_SETTINGS_MODULE=kolhub.settings.production DJANGO_SECRET_KEY=build-only \
    DJANGO_ALLOWED_HOSTS=localhost python manage.py collectstatic --no-input
RUN useradd --create-home kolhub
USER kolhub
EXPOSE 8000
CMD ["gunicorn", "kolhub.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
