"""The type of an uploaded file, read from its bytes (never from its name)."""

import zipfile

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# type key -> (media type, usual extension)
TYPES = {
    "pdf": ("application/pdf", "pdf"),
    "doc": ("application/msword", "doc"),
    "xls": ("application/vnd.ms-excel", "xls"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "odt": ("application/vnd.oasis.opendocument.text", "odt"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
    "jpeg": ("image/jpeg", "jpg"),
    "png": ("image/png", "png"),
}
# Shown inline in the browser; the rest is always downloaded.
INLINE = {"application/pdf", "image/jpeg", "image/png"}


def sniff(stream, filename: str = "") -> str | None:
    """The type key of the seekable binary `stream` (rewound afterwards), or None if unknown.

    DOC and XLS share one container (OLE2): the bytes prove it is one of them, the name's
    extension only chooses which.
    """
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return "pdf"
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return "png"
        if head.startswith(b"\xff\xd8\xff"):
            return "jpeg"
        if head.startswith(OLE2):
            return "xls" if filename.lower().endswith((".xls", ".xlt")) else "doc"
        if head.startswith(b"PK\x03\x04"):
            return _zip_type(stream)
        return None
    finally:
        stream.seek(0)


# The OpenDocument mimetype entry is a short ASCII line; no more of it is ever read.
MIMETYPE_BYTES = 80


def _zip_type(stream) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                # Never inflate more than the longest real mimetype: the entry may be a bomb.
                if archive.getinfo("mimetype").file_size > MIMETYPE_BYTES:
                    return None
                with archive.open("mimetype") as entry:
                    mimetype = entry.read(MIMETYPE_BYTES).decode("ascii", "replace").strip()
                return {"application/vnd.oasis.opendocument.text": "odt",
                        "application/vnd.oasis.opendocument.spreadsheet": "ods"}.get(mimetype)
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        return None
    return None
