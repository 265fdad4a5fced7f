from flask import Blueprint

import portal.auth.loader  # noqa: F401  (registers the user loader)

bp = Blueprint("auth", __name__)
