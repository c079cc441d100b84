"""Spreadsheet downloads and their file names, shared by the web pages and the API."""

import io

from flask import send_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def unit_file_name(assessment, kind: str) -> str:
    """`kind-year-unitcode.xlsx`: a unit's workbook names itself the same from every interface."""
    return f"{kind}-{assessment.campaign.year}-{assessment.unit.code}.xlsx"


def xlsx_download(write, download_name: str):
    """A response with the workbook `write(buffer)` produces, as an attachment."""
    buffer = io.BytesIO()
    write(buffer)
    buffer.seek(0)
    return send_file(buffer, as_attachment=True, download_name=download_name, mimetype=XLSX)
