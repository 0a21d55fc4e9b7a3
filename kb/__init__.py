"""Streamline KB: self-service troubleshooting for live-streaming lines."""

from kb.celery import app as celery_app

__all__ = ("celery_app",)
