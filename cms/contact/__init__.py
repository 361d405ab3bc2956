"""Reaching the coordination: the contact form, its messages and their answers in the admin."""
