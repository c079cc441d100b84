"""Downloads shared by the web pages and the API: workbooks, streamed CSV, their file names."""

import csv
import io
from collections.abc import Iterable, Iterator

from flask import Response, send_file, stream_with_context

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


def csv_chunks(headers: list[str], lines: Iterable[list], lines_per_chunk: int = 2000
               ) -> Iterator[str]:
    """CSV text (with a BOM, so Excel reads Vietnamese right) in pieces, to stream."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(headers)
    for n, line in enumerate(lines, 1):
        writer.writerow(line)
        if n % lines_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_download(headers: list[str], lines: Iterable[list], download_name: str) -> Response:
    """A CSV attachment streamed as `lines` come (lists of cells), never held whole in memory."""
    return Response(stream_with_context(csv_chunks(headers, lines)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{download_name}"'})
