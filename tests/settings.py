"""Settings for the test run: Signoff's own, with a secret key of the tests' own.

Signoff has no built-in key (signoff.core.install); processes the tests start inherit this one
through the environment.
"""

import os

os.environ.setdefault("SIGNOFF_SECRET_KEY", "tests-only-secret-key-" + "k" * 40)

from signoff.settings import *  # noqa: E402, F403

# Rendered estimate PDFs are kept in memory, so no test writes into a data folder. Static files
# are served from the apps' folders as they are, without collectstatic (tests/web/
# test_static_files.py collects them to check what production serves).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
