"""PDF documents from HTML with WeasyPrint, several at a time on a machine with several cores, and
joined into one file.

WeasyPrint lays pages out in Python, one core per document: the sign-in sheets of a distribution
date (a thousand baskets over twenty pickup points) take a few seconds on one core. `pdfs_render`
hands the documents to a pool of `settings.PDF_PROCESSES` processes (started once per server
process, on first use, by a fork server: clean children that only import WeasyPrint) and
`pdfs_join` puts the files together (pypdf, some tens of milliseconds). With `PDF_PROCESSES = 1`, the
documents are made one after the other in the calling process.
"""

from __future__ import annotations

import atexit
import io
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor

import weasyprint
from django.conf import settings
from pypdf import PdfWriter

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def pdf_render(html: str, base_url: str) -> bytes:
    """One PDF file from an HTML document (its links and images relative to `base_url`)."""
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()


def _pool_for(processes: int) -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            _pool = ProcessPoolExecutor(max_workers=processes, mp_context=context)
            atexit.register(_pool.shutdown, wait=False, cancel_futures=True)
        return _pool


def pdfs_render(htmls: list[str], *, base_url: str) -> list[bytes]:
    """A PDF file per HTML document, in the same order, made in parallel when
    `settings.PDF_PROCESSES` > 1 and there is more than one."""
    processes = getattr(settings, "PDF_PROCESSES", 1)
    if processes <= 1 or len(htmls) <= 1:
        return [pdf_render(html, base_url) for html in htmls]
    return list(_pool_for(processes).map(pdf_render, htmls, [base_url] * len(htmls)))


def pdfs_join(pdfs: list[bytes]) -> bytes:
    """One PDF file holding the pages of `pdfs`, in order."""
    if len(pdfs) == 1:
        return pdfs[0]
    joined = PdfWriter()
    for content in pdfs:
        joined.append(io.BytesIO(content))
    out = io.BytesIO()
    joined.write(out)
    return out.getvalue()


def chunks(items: list, count: int, weight=lambda item: 1) -> list[list]:
    """`items` cut into at most `count` runs, in order, of about the same total weight."""
    items = list(items)
    if count <= 1 or len(items) <= 1:
        return [items] if items else []
    total = sum(weight(item) for item in items) or 1
    runs, current, done = [], [], 0
    for item in items:
        w = weight(item)
        target = total * (len(runs) + 1) / count
        # Cut before `item` when that leaves the run nearer its share than taking it would.
        if current and len(runs) < count - 1 and done + w - target > target - done:
            runs.append(current)
            current = []
        current.append(item)
        done += w
    if current:
        runs.append(current)
    return runs
