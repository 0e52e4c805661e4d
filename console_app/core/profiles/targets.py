"""Binding a profile to its token: the :class:`ApiTarget` requests go to.

A token is only ever used while the profile still points at the host it was stored
for (``token_host``), so editing a profile's URL, or importing a look-alike profile,
cannot send an existing token somewhere else.
"""

from __future__ import annotations

import shlex
from typing import Any

from console_app.core.errors import CredentialError, ProfileError
from console_app.core.models import ApiTarget
from console_app.core.profiles.model import Profile, api_host
from console_app.core.redaction import Secret


def target_for(profile: Profile, token: Secret, *, api_url: str | None = None, from_store: bool = True) -> ApiTarget:
    """The :class:`ApiTarget` for ``profile`` with its ``token``.

    ``api_url`` replaces the profile's URL (the embedded sandbox's real address);
    it must be on the profile's host. A token read from the keyring
    (``from_store``) must have been stored for the host the profile points at now
    (``token_host``): a stored token never goes to another host. A token the user
    gives for this run only (``from_store=False``) is meant for the host as it is.
    """
    url = api_url or profile.api_url
    if not profile.is_embedded:
        if api_host(url) != profile.host:
            raise ProfileError(
                f"refusing to send profile '{profile.name}''s token to {api_host(url)}: "
                f"it belongs to {profile.host}"
            )
        if from_store and profile.token_host != profile.host:
            bound = profile.token_host or "another host"
            raise ProfileError(
                f"the token of profile '{profile.name}' was stored for {bound}, but the profile now "
                f"points at {profile.host}; set it again: lm-console profile set-token "
                f"{shlex.quote(profile.name)} --token-stdin"
            )
    return ApiTarget(
        api_url=url,
        partner_id=profile.partner_id,
        token=token,
        profile_name=profile.name,
        profile_kind=profile.kind,
    )


def target_from_store(profile: Profile, credentials: Any) -> ApiTarget:
    """The target of ``profile`` with its token from ``credentials`` (a
    :class:`~console_app.core.credentials.CredentialStore` or a run-only store).

    Blocks on the keyring: call it off the GUI thread. Raises
    :class:`~console_app.core.errors.CredentialError` when no token is set.
    """
    token = credentials.get(profile.name)
    if token is None:
        raise CredentialError(
            f"profile '{profile.name}' has no token in the OS keyring; store it with: "
            f"lm-console profile set-token {shlex.quote(profile.name)} --token-stdin (or in Profiles…)"
        )
    return target_for(profile, token)
