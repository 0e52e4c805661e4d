"""Test-wide set-up. Environment first: Qt reads it when it is imported.

- Qt runs offscreen; QtWebEngine runs without Chromium's sandbox because tests run
  as root in CI (the explicit, visible opt-in the app also accepts).
- Every user folder (XDG_*, the console's basedir) points into a throw-away folder,
  so tests never touch real user files.
- The keyring defaults to "no backend"; keyring tests start a real Secret Service
  (see tests/fixtures/keyring_service.py).
"""

from __future__ import annotations

import os
import tempfile

_SCRATCH = tempfile.mkdtemp(prefix="lm-tests-")
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (
    "--disable-gpu --disable-dev-shm-usage --disable-background-networking "
    "--disable-component-update --log-level=3 --proxy-server=127.0.0.1:9 "
    "--proxy-bypass-list=127.0.0.1;localhost"
)
for _var in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
    os.environ[_var] = os.path.join(_SCRATCH, _var.lower())
os.environ["XDG_RUNTIME_DIR"] = os.path.join(_SCRATCH, "runtime")
os.makedirs(os.environ["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
os.environ["LM_CONSOLE_BASEDIR"] = os.path.join(_SCRATCH, "basedir")
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
for _var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
    os.environ.pop(_var, None)

pytest_plugins = [
    "tests.fixtures.common",
    "tests.fixtures.sandbox",
    "tests.fixtures.spec_server",
    "tests.fixtures.qt",
    "tests.fixtures.keyring_service",
]
