"""Where a history entry is replayed: through the same host binding as a launch.

A token is only ever sent to the host its profile is bound to *now*. An entry keeps
the API URL it went to, but the profile it names may since have been re-created for
another host (with another token): replaying the old URL would send the new token to
the old host. So a profile entry always replays through its profile as it is now
(:func:`~console_app.core.profiles.target_for`, the launch's own check), and when the
entry's host and the profile's host differ, nothing is sent unless the caller
explicitly chooses the profile's current host (``to_current_host``).

The window and the CLI share this: :func:`replay_profile` is the check (no keyring,
cheap, safe on the GUI thread), :func:`replay_target` builds the target to send to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console_app.core.errors import InvalidInputError, ProfileError
from console_app.core.models import ApiTarget
from console_app.core.profiles import Profile, ProfileStore, api_host, target_for, target_from_store
from console_app.core.redaction import Secret

if TYPE_CHECKING:
    from console_app.core.history import Entry

#: ``profile_kind`` of an entry sent with ``--api-url`` (no saved profile).
ADHOC_KIND = "adhoc"


class ReplayHostChangedError(ProfileError):
    """Raised when an entry went to another host than its profile points at now."""

    def __init__(self, entry_id: int, profile_name: str, entry_host: str, profile_host: str,
                 token_host: str | None = None) -> None:
        self.entry_id = entry_id
        self.profile_name = profile_name
        self.entry_host = entry_host
        self.profile_host = profile_host
        # The host the stored token is bound to (set-token binds it), which after an
        # edit of the URL is not the profile's host.
        bound = token_host or profile_host
        super().__init__(
            f"entry {entry_id} went to {entry_host}, but profile '{profile_name}' now points at "
            f"{profile_host}; nothing sent (its token is only for {bound}): replay to "
            f"{profile_host} with --to-current-host, or launch afresh"
        )


def replay_profile(entry: Entry, profiles: ProfileStore, *, to_current_host: bool = False) -> Profile | None:
    """The profile, as it is now, that ``entry`` must be replayed with; None for an
    entry sent with ``--api-url`` (it needs a token given for this run, and goes to
    the entry's own URL).

    Raises :class:`ReplayHostChangedError` when the profile now points at another host
    than the entry went to (unless ``to_current_host``),
    :class:`~console_app.core.errors.ProfileError` when the profile is gone, and
    :class:`~console_app.core.errors.InvalidInputError` when the stored request was cut.
    """
    if entry.request_cut:
        raise InvalidInputError(
            f"entry {entry.id}'s request was too long to keep whole in history; nothing sent: "
            "use Edit as new, or launch afresh"
        )
    if entry.profile_kind == ADHOC_KIND:
        return None
    # list() first: a damaged profiles file keeps its own message.
    profile = next((p for p in profiles.list() if p.name == entry.profile), None)
    if profile is None:
        raise ProfileError(
            f"entry {entry.id} was sent with profile '{entry.profile}', which no longer exists; "
            "nothing sent: launch afresh with another profile"
        )
    # The embedded sandbox gets a new port each run and holds no real token.
    if not profile.is_embedded and not to_current_host:
        entry_host = api_host(entry.api_url)
        if entry_host != profile.host:
            raise ReplayHostChangedError(entry.id, profile.name, entry_host, profile.host, profile.token_host)
    return profile


def replay_target(
    entry: Entry,
    profile: Profile | None,
    *,
    token: Secret | None = None,
    credentials: object | None = None,
) -> ApiTarget:
    """The target a replay sends to, for a non-embedded ``profile`` from
    :func:`replay_profile` (or None for an ``--api-url`` entry).

    ``token``: one given for this run only; else the profile's stored token from
    ``credentials`` (blocks on the keyring: call it off the GUI thread). The target is
    the profile's current API URL, checked exactly as a launch checks it.
    """
    if profile is None:
        if token is None:
            raise InvalidInputError(
                f"entry {entry.id} was sent with --api-url (no saved profile); "
                "give the token with --token-env VAR or --token-stdin"
            )
        return ApiTarget(entry.api_url, entry.partner_id, token, entry.profile, ADHOC_KIND)
    if token is not None:
        return target_for(profile, token, from_store=False)
    return target_from_store(profile, credentials)
