"""Sample bank statements for the statement import tests, as banks export them (Windows-1252 CSV
with `;`, decimal comma, preambles and multi-line quoted labels; a CAMT.053 XML statement).

Order numbers and references depend on the test's data: the files hold placeholders such as
`{ORDER_1_REF}` that `statement_file()` replaces (with ASCII text, so the encoding is kept)."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

FILES = Path(__file__).parent


def statement_bytes(name: str, **values: str) -> bytes:
    data = (FILES / name).read_bytes()
    for key, value in values.items():
        data = data.replace(b"{" + key.encode() + b"}", value.encode("ascii"))
    return data


def statement_file(name: str, **values: str) -> SimpleUploadedFile:
    """The file `name` of this folder, placeholders replaced, as an uploaded file."""
    content_type = "text/xml" if name.endswith(".xml") else "text/csv"
    return SimpleUploadedFile(name, statement_bytes(name, **values), content_type=content_type)
