"""CAMT.053 bank statements (ISO 20022 `BkToCstmrStmt`, any version: the namespace is ignored).

Each booked entry (`Ntry`) becomes one line: its amount (`Amt`, negative for `DBIT`), booking date,
the remittance information of its transactions (`RmtInf/Ustrd`, the structured creditor reference
`RmtInf/Strd/CdtrRefInf/Ref`, `AddtlNtryInf`), the other party (`RltdPties/Dbtr/Nm` for a credit)
and the bank's reference (`AcctSvcrRef`). A batch entry (a SEPA collection credited in one sum) is
one line with the batch total.

Safety: the file is first read by expat with every DTD and entity declaration refused (no entity
expansion, no external entity), then parsed by ElementTree — the defusedxml rules, with the
standard library only.
"""

from datetime import date
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree
from xml.parsers import expat

from django.utils.translation import gettext as _

from cabas.payments.statements import MAX_PROBLEMS, ParsedLine, StatementRejected, reject
from cabas.payments.statements.csv_formats import MAX_AMOUNT, clean_text


class _Forbidden(Exception):
    pass


def _forbid(*args):
    raise _Forbidden


def _prescan(data: bytes) -> list[int]:
    """Check `data` is well-formed XML without DTD nor entities; the line of each `Ntry`."""
    parser = expat.ParserCreate(namespace_separator=" ")
    lines = []

    def start(name, attrs):
        if name.rsplit(" ", 1)[-1] == "Ntry":
            lines.append(parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = _forbid
    parser.EntityDeclHandler = _forbid
    parser.UnparsedEntityDeclHandler = _forbid
    parser.ExternalEntityRefHandler = _forbid
    try:
        parser.Parse(data, True)
    except _Forbidden:
        raise reject(
            _("Ligne %(line)s : les déclarations DTD et les entités sont refusées dans un relevé CAMT.053.")
            % {"line": parser.CurrentLineNumber}
        )
    except expat.ExpatError as error:
        raise reject(
            _("Ligne %(line)s, colonne %(column)s : XML mal formé, ce n'est pas un relevé CAMT.053 lisible.")
            % {"line": error.lineno, "column": error.offset + 1}
        )
    return lines


def _strip_namespaces(root: ElementTree.Element) -> None:
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.rsplit("}", 1)[1]


def _text(element, path: str) -> str:
    found = element.find(path)
    return clean_text(found.text) if found is not None and found.text else ""


def _texts(element, path: str) -> list[str]:
    return [clean_text(found.text) for found in element.findall(path) if found.text and found.text.strip()]


def _amount(entry) -> Decimal:
    found = entry.find("Amt")
    if found is None or not (found.text or "").strip():
        raise ValueError(_("montant (Amt) absent"))
    currency = found.get("Ccy", "EUR")
    if currency != "EUR":
        raise ValueError(
            _("montant en %(currency)s : seuls les euros sont acceptés") % {"currency": currency[:3]}
        )
    try:
        value = Decimal(found.text.strip())
    except InvalidOperation:
        raise ValueError(_("montant « %(value)s » illisible") % {"value": found.text.strip()[:40]})
    if not value.is_finite() or value < 0 or value >= MAX_AMOUNT or value != value.quantize(Decimal("0.01")):
        raise ValueError(_("montant « %(value)s » illisible") % {"value": found.text.strip()[:40]})
    indicator = _text(entry, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        raise ValueError(_("sens de l'opération (CdtDbtInd) absent ou inconnu"))
    value = value.quantize(Decimal("0.01"))
    return value if indicator == "CRDT" else -value


def _booked_on(entry) -> date:
    raw = _text(entry, "BookgDt/Dt") or _text(entry, "BookgDt/DtTm")[:10]
    raw = raw or _text(entry, "ValDt/Dt") or _text(entry, "ValDt/DtTm")[:10]
    if not raw:
        raise ValueError(_("date de comptabilisation (BookgDt) absente"))
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise ValueError(_("date « %(value)s » illisible") % {"value": raw[:40]})


def _booked(entry) -> bool:
    status = _text(entry, "Sts/Cd") or _text(entry, "Sts")
    return status in ("", "BOOK")


def _party(entry, credit: bool) -> str:
    side = "Dbtr" if credit else "Cdtr"
    for path in (
        f".//RltdPties/{side}/Nm",
        f".//RltdPties/{side}/Pty/Nm",
        f".//RltdPties/Ultmt{side}/Nm",
        f".//RltdPties/Ultmt{side}/Pty/Nm",
    ):
        name = _text(entry, path)
        if name:
            return name[:140]
    return ""


def _reference(entry) -> str:
    for path in ("AcctSvcrRef", "NtryRef", ".//TxDtls/Refs/AcctSvcrRef", ".//TxDtls/Refs/EndToEndId"):
        value = _text(entry, path)
        if value and value != "NOTPROVIDED":
            return value[:140]
    return ""


def _label(entry) -> str:
    parts = []
    for part in (
        _texts(entry, "AddtlNtryInf")
        + _texts(entry, ".//TxDtls/RmtInf/Ustrd")
        + _texts(entry, ".//TxDtls/RmtInf/Strd/CdtrRefInf/Ref")
        + _texts(entry, ".//TxDtls/AddtlTxInf")
        + _texts(entry, ".//Btch/MsgId")
    ):
        if part not in parts and not any(part in other for other in parts):
            parts.append(part)
    return clean_text(" ".join(parts))[:300]


def parse_camt053(data: bytes) -> list[ParsedLine]:
    """The booked entries of a CAMT.053 statement. Raises StatementRejected with every problem
    (line number of the entry and what is wrong)."""
    entry_lines = _prescan(data)
    root = ElementTree.fromstring(data)  # noqa: S314 - checked by _prescan: no DTD, no entity
    _strip_namespaces(root)
    if root.tag != "Document" or root.find("BkToCstmrStmt") is None:
        raise reject(
            _(
                "Ce fichier XML n'est pas un relevé de compte CAMT.053 "
                "(BkToCstmrStmt attendu, « %(tag)s » trouvé)."
            )
            % {"tag": (root.find("*").tag if root.find("*") is not None else root.tag)[:40]}
        )
    lines, problems = [], []
    for line, entry in zip(entry_lines, root.iter("Ntry"), strict=True):
        if not _booked(entry):
            continue
        try:
            amount = _amount(entry)
            booked_on = _booked_on(entry)
        except ValueError as error:
            problems.append(_("Ligne %(line)s : %(problem)s.") % {"line": line, "problem": error})
            if len(problems) >= MAX_PROBLEMS:
                break
            continue
        if amount == 0:
            continue
        lines.append(
            ParsedLine(
                booked_on=booked_on,
                amount=amount,
                label=_label(entry),
                counterparty=_party(entry, credit=amount > 0),
                bank_reference=_reference(entry),
                source_line=line,
            )
        )
    if problems:
        raise StatementRejected(problems)
    if not lines:
        raise reject(_("Le relevé ne contient aucune opération comptabilisée."))
    return lines
