"""The Diagnostics panel and DevTools for game tabs."""
