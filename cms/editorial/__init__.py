"""Per-college review workflow and contributions proposed from the site."""
