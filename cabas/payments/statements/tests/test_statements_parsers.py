"""Reading bank statements: CSV exports of French banks (presets and a custom mapping) and CAMT.053
XML. Every bad file is refused with a French message giving the line."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cabas.payments.statements import ParsedLine, StatementRejected
from cabas.payments.statements.camt import parse_camt053
from cabas.payments.statements.csv_formats import PRESETS, CsvMapping, normalize_name, parse_amount, parse_csv
from cabas.payments.statements.services import fingerprints
from cabas.payments.tests.files import statement_bytes

D = datetime.date


def preset(name):
    return PRESETS[name].mapping


def rejected(callable_, *args) -> StatementRejected:
    with pytest.raises(StatementRejected) as error:
        callable_(*args)
    return error.value


# --- CSV presets ------------------------------------------------------------------------------


def test_it_reads_a_credit_agricole_export_with_its_preamble_accents_and_multiline_labels():
    data = statement_bytes("credit_agricole_1.csv", ORDER_1_REF="RF18539007547034", ORDER_2="FDS-2026-00002")
    assert "é".encode("cp1252") in data and b"\xa0" in data  # Windows-1252, non-breaking space

    lines = parse_csv(data, preset("credit_agricole"))

    assert [(line.booked_on, line.amount) for line in lines] == [
        (D(2026, 3, 2), Decimal("9.50")),
        (D(2026, 3, 3), Decimal("-84.32")),
        (D(2026, 3, 5), Decimal("5.00")),
        (D(2026, 3, 6), Decimal("-1204.50")),  # "1 204,50" with a non-breaking space
        (D(2026, 3, 8), Decimal("50.00")),
        (D(2026, 3, 10), Decimal("1250.00")),  # "1 250,00" with a space
        (D(2026, 3, 12), Decimal("17.80")),
    ]
    first = lines[0]
    assert first.label == "VIR SEPA RECU DE: MARTIN CLAIRE MOTIF: RF18539007547034 REF: 2026030212345"
    assert first.counterparty == "MARTIN CLAIRE"
    assert first.source_line == 10  # after 9 lines of preamble and header
    assert lines[3].label == "CARTE X1234 05/03 COOP AGRI° N°12"
    assert lines[4].counterparty == "LEFÈVRE HÉLÈNE"
    assert lines[6].label.endswith("GARÇON BÉNÉDICTE MOTIF: Panier de légumes")


def test_it_reads_a_banque_postale_export_with_one_signed_amount_column():
    lines = parse_csv(
        statement_bytes("banque_postale.csv", ORDER_2="FDS-2026-00002"), preset("banque_postale")
    )

    assert [line.amount for line in lines] == [
        Decimal("4.50"),
        Decimal("17.80"),
        Decimal("-39.99"),
        Decimal("1012.00"),
    ]
    assert lines[0].label == "VIREMENT DE M. FRANÇOIS DUPONT REF. FDS-2026-00002 SOLDE"
    assert lines[0].counterparty == "M. FRANÇOIS DUPONT"
    assert lines[1].counterparty == "GARÇON BÉNÉDICTE"
    assert lines[2].counterparty == ""  # a debit that is not a transfer


def test_it_reads_societe_generale_and_credit_mutuel_exports():
    sg = parse_csv(
        statement_bytes("societe_generale.csv", ORDER_1_REF="RF18539007547034"), preset("societe_generale")
    )
    assert [line.amount for line in sg] == [Decimal("9.50"), Decimal("-23.40")]
    # Libellé and Détail de l'écriture are joined.
    assert sg[0].label == "VIR RECU 5678901234 DE: Mme Claire Martin MOTIF: RF18539007547034 REF: 0403"
    assert sg[0].counterparty == "Mme Claire Martin"
    assert sg[1].label == "CARTE X1234 07/03 LA FERME DU COIN Crêpes & cidre"

    cm = parse_csv(
        statement_bytes("credit_mutuel.csv", ORDER_1_REF="RF18539007547034"), preset("credit_mutuel")
    )
    assert [line.amount for line in cm] == [Decimal("9.50"), Decimal("-23.40")]


def test_it_reads_the_same_export_saved_in_utf8_with_a_bom():
    data = statement_bytes("credit_agricole_1.csv").decode("cp1252").encode("utf-8-sig")
    lines = parse_csv(data, preset("credit_agricole"))
    assert lines[4].counterparty == "LEFÈVRE HÉLÈNE" and len(lines) == 7


def test_a_custom_mapping_reads_columns_by_number_without_header_dots_and_iso_dates():
    data = '2026-03-02,12.50,Cotisation,Adhésion 2026,ADH-7\n2026-03-03,"-1,234.00",Loyer,Mars,\n'.encode()
    mapping = CsvMapping(
        date_column="1",
        amount_column="2",
        label_columns=("3", "4"),
        reference_column="5",
        date_format="%Y-%m-%d",
        delimiter=",",
        encoding="utf-8",
        decimal_comma=False,
        has_header=False,
    )
    lines = parse_csv(data, mapping)
    assert lines == [
        ParsedLine(D(2026, 3, 2), Decimal("12.50"), "Cotisation Adhésion 2026", "", "ADH-7", 1),
        ParsedLine(D(2026, 3, 3), Decimal("-1234.00"), "Loyer Mars", "", "", 2),
    ]


def test_a_custom_mapping_skips_the_lines_it_is_told_to_and_finds_named_columns():
    data = "Compte 123\nSolde 12,00\nDate opé.;Montant (€);Libellé\n02/03/2026;9,50;VIR DE MARTIN\n".encode(
        "cp1252"
    )
    mapping = CsvMapping(
        date_column="date ope", amount_column="montant", label_columns=("LIBELLE",), skip_lines=2
    )
    [line] = parse_csv(data, mapping)
    assert (line.amount, line.label, line.source_line) == (Decimal("9.50"), "VIR DE MARTIN", 4)


# --- Bad CSV files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Montant(EUROS)", "montant euros"),
        ("Libellé ", "libelle"),
        ("  Date de l'opération", "date de l operation"),
        ("CRÉDIT\u00a0euros", "credit euros"),
        ("", ""),
    ],
)
def test_header_names_are_compared_without_case_accents_or_punctuation(raw, expected):
    assert normalize_name(raw) == expected


def test_a_bad_csv_is_refused_with_every_problem_and_its_line():
    error = rejected(parse_csv, statement_bytes("credit_agricole_bad.csv"), preset("credit_agricole"))
    assert "3 problèmes" in error.message and "rien n'a été importé" in error.message
    assert error.problems == [
        "Ligne 5 : date « 31/02/2026 » illisible (attendue au format jj/mm/aaaa).",
        "Ligne 6 : montant « douze » illisible.",
        "Ligne 7 : ni débit ni crédit.",
    ]


def test_the_wrong_preset_says_the_header_was_not_found():
    error = rejected(parse_csv, statement_bytes("banque_postale.csv"), preset("credit_agricole"))
    assert "Aucune ligne d'en-tête" in error.message and "« Débit euros »" in error.message


def test_a_windows_file_read_as_utf8_says_which_line_and_what_to_do():
    mapping = CsvMapping(
        date_column="Date", label_columns=("Libellé",), amount_column="Montant", encoding="utf-8"
    )
    error = rejected(parse_csv, "Date;Libellé;Montant\n02/03/2026;Crédit;1\n".encode("cp1252"), mapping)
    assert "Ligne 1" in error.message and "Windows-1252" in error.message


def test_an_unclosed_quote_is_refused_with_its_line():
    data = 'Date;Libellé;Montant(EUROS)\n02/03/2026;"VIR DE MARTIN;9,50\n'.encode("cp1252")
    error = rejected(parse_csv, data, preset("banque_postale"))
    assert "Ligne 2" in error.message and "guillemets" in error.message


def test_a_file_with_a_header_and_no_operation_is_refused():
    error = rejected(parse_csv, b"Date;Libelle;Montant(EUROS)\n;;\n", preset("banque_postale"))
    assert "Aucune opération" in error.message


def test_a_debit_and_a_credit_on_one_line_is_refused():
    data = "Date;Libellé;Débit euros;Crédit euros\n02/03/2026;X;1,00;2,00\n".encode("cp1252")
    error = rejected(parse_csv, data, preset("credit_agricole"))
    assert error.problems == ["Ligne 2 : un débit et un crédit sur la même ligne."]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12,50", "12.50"),
        ("-12,5", "-12.50"),
        ("+9,50 €", "9.50"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1\u202f234,56 EUR", "1234.56"),
        ("1.234,56", "1234.56"),
        ("12.50", "12.50"),
        ("1.234", "1234.00"),
        ("12,50-", "-12.50"),
        ("\u221212,50", "-12.50"),
    ],
)
def test_it_reads_amounts_as_french_banks_write_them(raw, expected):
    assert parse_amount(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", ["", "douze", "12,345", "1,2,3", "12,50,1", "--3", "1e5", "NaN"])
def test_it_refuses_what_is_not_an_amount(raw):
    with pytest.raises(ValueError, match="illisible"):
        parse_amount(raw)


cents = st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2)


def french(value: Decimal, thousands: str, sign_style: str) -> str:
    units, decimals = f"{abs(value):.2f}".split(".")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    text = f"{thousands.join(groups)},{decimals}"
    if value < 0:
        return {"lead": f"-{text}", "trail": f"{text}-", "minus": f"\u2212{text}"}[sign_style]
    return {"lead": f"+{text}", "trail": text, "minus": f"{text} €"}[sign_style]


@settings(max_examples=300)
@given(
    cents, st.sampled_from([" ", "\u00a0", "\u202f", ".", ""]), st.sampled_from(["lead", "trail", "minus"])
)
def test_any_amount_written_the_french_way_reads_back_to_the_cent(value, thousands, sign_style):
    assert parse_amount(french(value, thousands, sign_style)) == value


@settings(max_examples=200)
@given(cents, st.sampled_from([",", ""]))
def test_any_amount_written_with_a_decimal_point_reads_back_to_the_cent(value, thousands):
    units = f"{abs(value):,.2f}".replace(",", thousands)
    assert parse_amount(("-" if value < 0 else "") + units, decimal_comma=False) == value


# --- Fingerprints: overlapping statements -----------------------------------------------------

operations = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=6),
        st.sampled_from([Decimal("9.50"), Decimal("-2.00"), Decimal("17.80")]),
        st.sampled_from(["VIR SEPA RECU DE: MARTIN", "FRAIS", "VIR  sepa recu de: martin"]),
    ),
    max_size=25,
)


@settings(max_examples=200)
@given(operations, st.integers(min_value=1, max_value=6), st.integers(min_value=0, max_value=5))
def test_two_overlapping_statements_together_store_each_operation_once(ops, start, overlap):
    """Two exports of the same account cut at whole days and sharing some days: the union of their
    fingerprints is exactly the operations — identical operations of one day are all kept."""
    ops = sorted(ops, key=lambda op: op[0])
    lines = [ParsedLine(D(2026, 3, day), amount, label) for day, amount, label in ops]
    end = min(start + overlap, 6)
    first = [line for line in lines if line.booked_on.day <= end]
    second = [line for line in lines if line.booked_on.day >= start]
    stored = set(fingerprints(1, first)) | set(fingerprints(1, second))
    assert len(stored) == len(lines)
    assert len(set(fingerprints(1, lines))) == len(lines)
    assert not stored & set(fingerprints(2, lines))  # per seller


# --- CAMT.053 ---------------------------------------------------------------------------------


def camt(**values):
    defaults = {
        "ORDER_1_REF": "RF18539007547034",
        "COLLECTION_TOTAL": "19.00",
        "COLLECTION_MSG_ID": "FDS-PRLV-20260310-1",
        "ACCOUNT_REF": "RF47CPT000012",
    }
    return statement_bytes("camt053.xml", **{**defaults, **values})


def test_it_reads_the_booked_entries_of_a_camt053_statement():
    lines = parse_camt053(camt())

    assert [(line.booked_on, line.amount) for line in lines] == [
        (D(2026, 3, 4), Decimal("9.50")),
        (D(2026, 3, 10), Decimal("19.00")),
        (D(2026, 3, 11), Decimal("-12.00")),
        (D(2026, 3, 12), Decimal("30.00")),
        (D(2026, 3, 13), Decimal("17.80")),
    ]  # the pending entry (PDNG) is left out
    order, collection, fee, top_up, unknown = lines
    assert order.label == "VIR SEPA RECU Panier de la semaine — Claire RF18539007547034"
    assert (order.counterparty, order.bank_reference) == ("Claire Martin", "2026030400017A")
    assert collection.label == "REMISE PRLV SEPA FDS-PRLV-20260310-1"
    assert fee.label == "COMMISSION INTERVENTION"
    assert top_up.counterparty == "Hélène Lefèvre"
    assert unknown.source_line > top_up.source_line > order.source_line


def test_it_reads_camt053_whatever_its_version_and_namespace():
    data = camt().replace(b"camt.053.001.02", b"camt.053.001.08")
    data = data.replace(b"<Sts>BOOK</Sts>", b"<Sts><Cd>BOOK</Cd></Sts>")
    data = data.replace(
        b"<Dbtr><Nm>Claire Martin</Nm></Dbtr>", b"<Dbtr><Pty><Nm>Claire Martin</Nm></Pty></Dbtr>"
    )
    lines = parse_camt053(data)
    assert len(lines) == 5 and lines[0].counterparty == "Claire Martin"
    no_namespace = camt().replace(b' xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"', b"")
    assert parse_camt053(no_namespace) == parse_camt053(camt())


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Document [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Document><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="EUR">1.00</Amt><AddtlNtryInf>&lol3;</AddtlNtryInf>
</Ntry></Stmt></BkToCstmrStmt></Document>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Document><BkToCstmrStmt><Stmt><Ntry><AddtlNtryInf>&secret;</AddtlNtryInf></Ntry></Stmt></BkToCstmrStmt></Document>
"""


@pytest.mark.parametrize(
    "data", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["entity-expansion", "external-entity"]
)
def test_a_camt_file_with_a_dtd_or_entities_is_refused(data):
    error = rejected(parse_camt053, data)
    assert "Ligne 2" in error.message and "DTD" in error.message


def test_a_malformed_xml_file_is_refused_with_its_line():
    data = camt().replace(b"<CdtDbtInd>DBIT</CdtDbtInd>", b"<CdtDbtInd>DBIT</CdtDbtInd")
    error = rejected(parse_camt053, data)
    assert error.message.startswith("Ligne 76, colonne 9 : XML mal formé")


def test_a_csv_file_given_as_camt_is_refused():
    error = rejected(parse_camt053, statement_bytes("banque_postale.csv"))
    assert "Ligne 1" in error.message and "CAMT.053" in error.message


def test_an_other_iso_20022_message_is_refused_by_name():
    data = camt().replace(b"BkToCstmrStmt", b"BkToCstmrDbtCdtNtfctn")
    error = rejected(parse_camt053, data)
    assert "BkToCstmrDbtCdtNtfctn" in error.message


def test_camt_entries_in_another_currency_or_without_a_date_are_refused_with_their_line():
    data = camt().replace(b'<Amt Ccy="EUR">12.00</Amt>', b'<Amt Ccy="CHF">12.00</Amt>')
    data = data.replace(b"<BookgDt><Dt>2026-03-12</Dt></BookgDt>", b"")
    error = rejected(parse_camt053, data)
    assert len(error.problems) == 2
    assert error.problems[0].startswith("Ligne 73 : montant en CHF")
    assert error.problems[1].startswith("Ligne 81 : date de comptabilisation (BookgDt) absente")
