"""webengine package."""
