from flask import Blueprint

bp = Blueprint("development", __name__)
