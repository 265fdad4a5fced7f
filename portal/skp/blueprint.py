from flask import Blueprint

bp = Blueprint("skp", __name__, url_prefix="/skp")
