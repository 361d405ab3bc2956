"""Thematic dossiers and their contributions: page types, exports, what others ask of them."""
