"""Pieces every feature shares: errors, permissions, text and time helpers, security headers."""
