"""Tables in the official layout, built in the tests: .xlsx through openpyxl, .docx through
python-docx, from rows of cell values (row 1 of the list is row 1 of the sheet or table)."""

HEADER = ["STT", "Lĩnh vực / Tiêu chí / Tiêu chí thành phần", "Điểm tối đa",
          "Điểm tự đánh giá", "Điểm thẩm định", "Ghi chú"]


def write_xlsx(path, rows, merges=()):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    book.save(path)
    return path


def write_docx(path, rows, merges=(), vertical=()):
    """`merges`: ((row, first column, last column), ...), 0-based, merged horizontally;
    `vertical`: ((first row, last row, column), ...), merged vertically."""
    import docx

    document = docx.Document()
    document.add_paragraph("BẢNG TỰ ĐÁNH GIÁ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH")
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = "" if value is None else str(value)
    for r, first, last in merges:
        table.cell(r, first).merge(table.cell(r, last))
    for first, last, c in vertical:
        table.cell(first, c).merge(table.cell(last, c))
    document.save(path)
    return path


# A small table with the awkward but legal things official tables do: merged title rows above
# the header, Roman domain numbers, trailing dots, decimal commas in text, scoring lines inside
# the content cell and on rows of their own (points after a colon or in the max-points column),
# percentage wording, "Đạt / Không đạt", a survey item and a total row.
GOOD = [
    ["BẢNG TỰ ĐÁNH GIÁ CHỈ SỐ CCHC NĂM 2024", None, None, None, None, None],
    [None] * 6,
    HEADER,
    ["I", "Công tác chỉ đạo, điều hành CCHC", "4,5", None, None, None],
    ["1.1.", "Kế hoạch CCHC năm", "3", None, None, None],
    ["1.1.1", "Ban hành kế hoạch CCHC năm\n- Ban hành kịp thời: 1\n- Ban hành không kịp thời: 0,5"
              "\n- Không ban hành: 0", "1", None, None, None],
    ["1.1.2", "Mức độ thực hiện kế hoạch CCHC", 2, None, None, None],
    [None, "Thực hiện trên 90% kế hoạch: 2", None, None, None, None],
    [None, "Từ 70% - 90%", "1", None, None, None],
    [None, "Dưới 70%: 0", None, None, None, None],
    ["1.2", "Báo cáo CCHC đủ số lượng và đúng thời gian", "0,5", None, None, None],
    [None, "- Đạt: 0,5", None, None, None, None],
    [None, "- Không đạt: 0", None, None, None, None],
    ["1.3", "Đánh giá của người dân về công tác chỉ đạo, điều hành", 1, None, None, None],
    [None, "Điểm ĐTXHH", None, None, None, None],
    ["2", "Cải cách thủ tục hành chính", 2.5, None, None, None],
    ["2.1", "Giải quyết hồ sơ TTHC", None, None, None, None],
    ["2.1.1", "Tỷ lệ hồ sơ giải quyết đúng hạn", "1,5", None, None, None],
    [None, "≥ 95%: 1,5", None, None, None, None],
    [None, "Từ 80% đến dưới 95%: 0,75", None, None, None, None],
    [None, "< 80%: 0", None, None, None, None],
    ["2.1.2", "Công khai TTHC đầy đủ", 1, None, None, None],
    [None, "Mỗi TTHC không công khai trừ 0,25 điểm, tối thiểu 0 điểm", None, None, None, None],
    [None, "Tổng cộng", 7, None, None, None],
]


# Hand-made files that cost a reader far more than their size, each a few lines to build.
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def corner_bomb_xlsx(path):
    """About 1.5 KB: a sheet declaring A1:XFD1048576, the header in A1 and one more cell in the
    far corner, so a reader that fills the grid builds 17 billion cells."""
    import zipfile

    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{_TYPE}.worksheet+xml"/></Types>'),
        "_rels/.rels": (
            f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
            f'Type="{_OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_OFFICE}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_OFFICE}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{_MAIN}"><dimension ref="A1:XFD1048576"/><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>STT</t></is></c></row>'
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
            '</sheetData></worksheet>'),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def add_inflating_part(path, mebibytes=256):
    """Add a part of zeros to an .xlsx or .docx: a few hundred KB that inflate to `mebibytes`."""
    import zipfile

    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("media/zeros.bin", "w") as part:
        for _ in range(mebibytes):
            part.write(bytes(2**20))
    return path


def rewrite_part(path, name, old: bytes, new: bytes):
    """Replace `old` by `new` in the part `name` of an .xlsx or .docx, as a hand-made file does."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == name:
                assert old in data
                data = data.replace(old, new)
            target.writestr(info, data)
    return path
