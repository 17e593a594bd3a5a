# GridVoice: production image (python-telegram-bot by default; PostgreSQL via GRIDVOICE_DATABASE_URL).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    GRIDVOICE_CACHE_DIR=/home/gridvoice/.cache/gridvoice

RUN useradd --create-home --uid 10001 gridvoice
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY nlp ./nlp
COPY storage ./storage
RUN pip install ".[postgres]"

USER gridvoice
WORKDIR /home/gridvoice
# Warm jieba's dictionary cache at build time, so the first message is fast.
RUN python -c "import nlp; nlp.classify('楼道里堆满杂物')"

CMD ["gridvoice", "run"]
