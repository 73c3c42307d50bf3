# One image for the five WeCare services (WECARE_SERVICE chooses which one runs) and the console's
# gateway (`python -m console`, the compose file's entry point for it).
FROM python:3.11-slim-bookworm

# Pango and fonts for the PDF reports (WeasyPrint), the Makefile's REPORT_FONTS: DejaVu (Latin, Vietnamese,
# Turkish), WenQuanYi Micro Hei (Chinese), Lohit Bengali; curl for the healthcheck
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
      fonts-dejavu-core fonts-wqy-microhei fonts-lohit-beng-bengali curl \
 && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv==0.13.8

WORKDIR /app
ENV UV_PROJECT_ENVIRONMENT=/app/.venv UV_PYTHON_DOWNLOADS=never PATH="/app/.venv/bin:$PATH"
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-group bench --no-install-project
COPY shared ./shared
COPY services ./services
COPY console ./console
RUN uv sync --frozen --no-dev --no-group bench

# a user of its own, and its data (SQLite files, key store) readable by it only
RUN useradd --system --uid 10001 wecare && mkdir -p /data && chown wecare /data && chmod 700 /data
USER wecare
ENV WECARE_HTTP_HOST=0.0.0.0 WECARE_HTTP_PORT=8000 WECARE_DATA_DIR=/data WECARE_LOG_FORMAT=json
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=6 \
  CMD curl -fsS http://127.0.0.1:8000/ready || exit 1
# The service's own entry point (services/<name>/__main__.py), what `wecare serve <name>` runs elsewhere:
# the image holds the kernel and the services only, not the tools in wecare/.
ENTRYPOINT ["sh", "-c", "exec python -m \"services.$WECARE_SERVICE\""]
