# journeymap for a server: gunicorn on port 8000, every setting from the environment, plain HTTP
# (TLS is the reverse proxy's in front). compose.yaml runs it with PostgreSQL; README, "Hosting".
FROM debian:bookworm-slim

# Debian's Python 3.11; Graphviz draws the silo map; DejaVu Sans is the font the drawings are
# measured in (journeymap/render/text.py); Pango and HarfBuzz's subsetter are what WeasyPrint needs
# for the steering brief's PDF. ca-certificates: pip fetches from PyPI over HTTPS while building.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        python3 python3-venv ca-certificates \
        graphviz fonts-dejavu-core \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

ENV VIRTUAL_ENV=/opt/journeymap \
    PATH=/opt/journeymap/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app

# The dependencies first, read from pyproject.toml (its PostgreSQL driver too, none of its test
# tools), in a layer of their own: a change to the code does not download them again.
COPY pyproject.toml ./
RUN python3 -m venv "$VIRTUAL_ENV" \
    && python -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
print("\n".join(p["dependencies"] + p["optional-dependencies"]["postgres"]))' > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Then the app itself. Installed in place (-e): its templates and static files live beside the
# package, in /app, where journeymap/__init__.py looks for them; no dependency is fetched here.
COPY README.md LICENSE ./
COPY journeymap ./journeymap
COPY templates ./templates
COPY static ./static
COPY translations ./translations
# The .po catalogues are committed, their compiled .mo files are not: made here (pybabel comes with
# Flask-Babel's Babel).
RUN pip install --no-deps -e . \
    && python -m compileall -q journeymap \
    && pybabel compile -d translations

# Not root. The instance folder (/app/instance) is the only place the app writes: the SQLite file
# when DATABASE_URL is not set (mount a volume there), and the demo accounts' password.
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin journeymap \
    && mkdir -p /app/instance \
    && chown journeymap:journeymap /app/instance
USER journeymap

ENV JOURNEYMAP_ENV=production \
    JOURNEYMAP_INSTANCE_PATH=/app/instance \
    PORT=8000
EXPOSE 8000

# Ready means the database answers at the code's migration and dot runs (GET /readyz); curl is
# not in the image, Python is.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/opt/journeymap/bin/python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ.get('PORT', '8000'), timeout=4)"]

# Migrate, optionally load the demo (JOURNEYMAP_LOAD_DEMO=1), then become gunicorn (journeymap/serve.py).
CMD ["python", "-m", "journeymap.serve"]
