"""LuckyMonaco Test Console.

Packages: ``core`` (Qt-free domain, API client, storage), ``sandbox`` (reference
LuckyMonaco server), ``ui`` (PySide6 widgets), ``webengine`` (the only importer of
QtWebEngine), ``cli`` (the ``lm-console`` commands) and ``app`` (composition root).
"""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("luckymonaco-console")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

APP_NAME = "LuckyMonaco Test Console"
APP_ID = "luckymonaco-console"
