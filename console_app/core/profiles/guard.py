"""The production guard: how loudly the window marks a profile (banner, title,
Launch button colour) and when a launch must be confirmed."""

from __future__ import annotations

from dataclasses import dataclass

from console_app.core.profiles.model import Profile

PRODUCTION_TITLE_SUFFIX = " — PRODUCTION"
PRODUCTION_BANNER = "PRODUCTION — real players, real money: {name} ({host}, partner {partner})"


@dataclass(frozen=True)
class GuardView:
    """How the window presents the active profile."""

    #: Text of the red banner, or None for no banner.
    banner: str | None
    #: Appended to the window title ("" outside production).
    title_suffix: str
    #: Background colour of the Launch button, or None for the style's own.
    launch_tint: str | None
    #: The profile's accent colour (environment selector dot, borders).
    accent: str


class ProductionGuard:
    """Decides how loudly the window marks a profile, and when a launch must be
    confirmed: the first launch on each production profile in each run.

    Pure logic (no Qt): the window asks it and draws what it says. A confirmation
    is remembered per profile name *and* host, so pointing a profile at another
    production host asks again.
    """

    def __init__(self) -> None:
        self._confirmed: set[tuple[str, str]] = set()

    def view(self, profile: Profile) -> GuardView:
        if not profile.is_production:
            return GuardView(banner=None, title_suffix="", launch_tint=None, accent=profile.color)
        banner = PRODUCTION_BANNER.format(name=profile.name, host=profile.host, partner=profile.partner_id)
        return GuardView(banner=banner, title_suffix=PRODUCTION_TITLE_SUFFIX,
                         launch_tint=profile.color, accent=profile.color)

    def needs_confirmation(self, profile: Profile) -> bool:
        return profile.is_production and (profile.name, profile.host) not in self._confirmed

    def confirmation_text(self, profile: Profile) -> str:
        return (
            f"Launch on PRODUCTION?\n\nProfile {profile.name} sends a real ENTER request to "
            f"{profile.host} as partner {profile.partner_id}. A real game session will be created.\n\n"
            "You will not be asked again for this profile until the console restarts."
        )

    def confirm(self, profile: Profile) -> None:
        """Record that the user accepted launching on ``profile`` for this run."""
        self._confirmed.add((profile.name, profile.host))
