"""The built-in Sandbox profile shows the partner ID the embedded sandbox really
receives as MEMB_ID (it showed ``sandbox`` while ``sandbox-partner`` went on the wire)."""

from __future__ import annotations

import json

from console_app.core.profiles import ProfileStore, builtin_sandbox
from console_app.sandbox.server import DEFAULT_PARTNER_ID, SandboxServer


def test_the_sandbox_profile_names_the_partner_the_embedded_sandbox_receives():
    # The app's embedded sandbox is a SandboxServer with its defaults (app.py, cli/common.py).
    with SandboxServer() as server:
        assert server.partner_id == DEFAULT_PARTNER_ID
    assert builtin_sandbox().partner_id == DEFAULT_PARTNER_ID


def test_an_older_file_with_another_sandbox_partner_shows_the_one_sent(app_paths):
    store = ProfileStore(app_paths)
    store.update(builtin_sandbox().with_changes(color="#123456"))  # the file now holds the Sandbox profile
    document = json.loads(store.path.read_text("utf-8"))
    for entry in document["profiles"]:
        if entry["name"] == "Sandbox":
            entry["partner_id"] = "sandbox"  # what earlier versions wrote
    store.path.write_text(json.dumps(document), "utf-8")
    sandbox = store.get("Sandbox")
    assert sandbox.partner_id == DEFAULT_PARTNER_ID and sandbox.color == "#123456"
