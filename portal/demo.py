"""Demo regency and scale data: flask demo, flask seed-scale, flask demo-logins."""

from flask import Flask


def init_app(app: Flask) -> None:
    pass
