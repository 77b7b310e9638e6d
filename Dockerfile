# One image for every BRI Monitor service; docker-compose.yml picks the command.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY services ./services
RUN pip install --no-cache-dir --upgrade "pip>=24" && pip install --no-cache-dir .
RUN useradd --create-home bri
USER bri
