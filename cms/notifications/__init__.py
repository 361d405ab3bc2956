"""Followed dossiers, emails and digests, unsubscribe links and private feeds."""
