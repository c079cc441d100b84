"""The blueprint every web view registers its routes on."""

from flask import Blueprint

bp = Blueprint("web", __name__, static_folder="static", static_url_path="/static/web")
