"""Engage: every conversation from every connected account in one inbox."""
