"""Meetings: their page types, registrations, waiting lists, calendars and attendee lists."""
