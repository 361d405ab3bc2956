"""Account security: login throttling, two-factor authentication and security headers."""
