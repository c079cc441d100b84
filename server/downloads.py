"""Spreadsheet downloads."""

import io

from flask import send_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download(write, download_name: str):
    """A response with the workbook `write(buffer)` produces, as an attachment."""
    buffer = io.BytesIO()
    write(buffer)
    buffer.seek(0)
    return send_file(buffer, as_attachment=True, download_name=download_name, mimetype=XLSX)
