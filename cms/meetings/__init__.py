"""Registrations to meetings, waiting lists, calendars and attendee lists."""
