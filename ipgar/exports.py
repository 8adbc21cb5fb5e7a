"""Helpers every export shares (CSV, XLSX): one place, so every download escapes alike."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value) -> str:
    """A cell a spreadsheet will not run as a formula (CSV/formula injection, ASVS 5.3.10).

    A text starting with ``= + - @``, a tab or a carriage return gets a leading apostrophe,
    which spreadsheets show as text. Use it for every user-supplied value in a CSV or XLSX.
    """
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in FORMULA_PREFIXES else text
