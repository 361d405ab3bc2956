"""Helpers every package may use, below ``members``: they know nothing of the site."""
