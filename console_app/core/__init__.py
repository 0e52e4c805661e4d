"""Qt-free core of the console: request model, validation, API client, errors,
redaction, profiles, credentials, catalog, history and paths.

Nothing under ``console_app.core`` may import PySide6, shiboken6 or qasync (a test
checks this in a fresh interpreter). Heavy modules (httpx, keyring, openpyxl) are
imported by the submodules that need them, never here, so importing the package
stays cheap.
"""
