from flask import Blueprint

bp = Blueprint("dialog", __name__)
