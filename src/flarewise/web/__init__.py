"""The web app (FastAPI + Jinja2): ``create_app(url)``; ``flarewise serve`` runs it."""

from flarewise.web.app import create_app

__all__ = ["create_app"]
