"""The WSGI entry point for a server: `gunicorn wsgi:app` (scripts/run does this)."""

from journeymap import create_app

app = create_app()
