"""Error pages for the web UI (the API answers problem+json instead)."""

from flask import render_template


def render_error(error):
    return render_template("error.html", error=error), error.code
