"""Tandem: one self-hosted workspace for the Social Media Manager and the Digital Marketer."""

__version__ = "0.1.0"
