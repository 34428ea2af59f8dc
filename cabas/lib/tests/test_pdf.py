"""PDF documents laid out in parallel and joined: the same pages, in order, as one after the other."""

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from cabas.lib.pdf import chunks, pdfs_join, pdfs_render

BASE = "/"


def _html(title: str, paragraphs: int) -> str:
    return f"<h1>{title}</h1>" + "".join(f"<p>{title} {i}</p>" for i in range(paragraphs))


def _pages_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


@given(st.lists(st.integers(min_value=0, max_value=50), max_size=30), st.integers(min_value=1, max_value=6))
def test_chunks_keep_every_item_in_order_in_at_most_count_runs(weights, count):
    runs = chunks(weights, count, weight=lambda w: w + 1)
    assert [w for run in runs for w in run] == weights
    assert len(runs) <= count and all(runs)


def test_chunks_balance_the_weight():
    runs = chunks([10, 10, 10, 10, 1, 1, 1, 1], 2, weight=lambda w: w)
    assert runs == [[10, 10], [10, 10, 1, 1, 1, 1]]


def test_documents_made_in_parallel_are_the_documents_made_one_by_one(settings):
    htmls = [_html(f"Feuille {n}", 60 * n) for n in (1, 2, 3)]
    settings.PDF_PROCESSES = 1
    alone = pdfs_render(htmls, base_url=BASE)
    settings.PDF_PROCESSES = 2
    together = pdfs_render(htmls, base_url=BASE)
    assert [len(PdfReader(io.BytesIO(p)).pages) for p in together] == [
        len(PdfReader(io.BytesIO(p)).pages) for p in alone
    ]
    joined = PdfReader(io.BytesIO(pdfs_join(together)))
    assert len(joined.pages) == sum(len(PdfReader(io.BytesIO(p)).pages) for p in alone)
    assert _pages_text(pdfs_join(together)) == [t for p in together for t in _pages_text(p)]


@pytest.mark.parametrize("count", [0, 1])
def test_joining_one_file_or_none(count):
    files = [pdfs_render([_html("Seule", 3)], base_url=BASE)[0]] * count
    if count == 1:
        assert pdfs_join(files) == files[0]
    else:
        assert len(PdfReader(io.BytesIO(pdfs_join(files))).pages) == 0
