"""wsgi.py's app, as `gunicorn wsgi:app` serves it, but with its instance folder where the workshop
test says (JOURNEYMAP_TEST_INSTANCE, under pytest's tmp dirs) instead of <repository>/instance."""

import os

from tests.apps import instance_folder

with instance_folder(os.environ["JOURNEYMAP_TEST_INSTANCE"]):
    from wsgi import app  # noqa: F401  (what gunicorn serves)
