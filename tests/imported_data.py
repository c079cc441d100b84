"""A past year's published table for the import tests: province-2020's domain columns (appraised
maxima 7, 6, 9.5, 6.5, 9.5, 6.5, 9, 12.5 = 66.5; survey 33.5; 100 in all), as a .csv."""

HEADER = ["Mã đơn vị", "Tên đơn vị", *(f"Lĩnh vực {n}" for n in range(1, 9)),
          "Điểm ĐTXHH", "Tổng điểm", "Chỉ số CCHC (%)", "Xếp hạng"]

# code -> (domain points, survey, total, index, rank), every figure consistent.
ROWS = {
    "XA": (["6,5", "5", "9", "6", "8", "6", "8,5", "11"], "30", "90", "90,00", "1"),
    "XB": (["6", "5", "8", "6", "8", "5,5", "8", "10,5"], "28", "85", "85,00", "2"),
    "XC": (["5", "4", "7", "5", "7", "5", "7", "10"], "25", "75", "75,00", "3"),
}


def table_csv(rows=None, header=None) -> bytes:
    """The table as a ';'-separated .csv (decimal commas need another separator)."""
    lines = [header or HEADER]
    for code, (domains, survey, total, index, rank) in (rows or ROWS).items():
        lines.append([code, f"Xã {code}", *domains, survey, total, index, rank])
    return ("\n".join(";".join(cells) for cells in lines) + "\n").encode()


def import_request(**overrides):
    from server.results.imported import ImportRequest

    fields = {"year": 2024, "group": "commune", "criteria_set": "province-2020@1.0.0",
              "source": "Quyết định số 512/QĐ-UBND", "tie_compare": "unrounded",
              "tie_ranks": "shared"}
    return ImportRequest(**{**fields, **overrides})


def old_communes(make):
    """The three units of ROWS (communes merged since, hence inactive is fine)."""
    return [make.unit(code, name=f"Xã {code}", level="commune") for code in ROWS]
