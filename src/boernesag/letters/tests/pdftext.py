"""Reading letters back from their PDF in tests (pypdf)."""

from __future__ import annotations

import io
import re

import pypdf


def pdf_reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pdf_reader(data).pages)


def squeezed(text: str) -> str:
    """Text without whitespace: the PDF's line breaks fall where the layout puts them."""
    return re.sub(r"\s+", "", text)
