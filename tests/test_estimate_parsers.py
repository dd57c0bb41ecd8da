from pathlib import Path

from odoo.tests import TransactionCase, tagged

from ..tools import estimate
from ..tools.estimate import EstimateError, xmlsafe

DATA = Path(__file__).parent / "data" / "estimates"


def _read(name):
    return (DATA / name).read_bytes()


def bms_document(lines, currency="EUR", extra=""):
    """A BMS estimate of ``lines`` (LineNum, LaborType, op, hours, amount)
    whose totals are exactly the sum of its lines, VAT 21 %."""
    body = []
    net = 0
    for num, labor_type, operation, hours, amount in lines:
        net += round(amount * 100)
        body.append(
            f"<DamageLineInfo><LineNum>{num}</LineNum>"
            f"<LineDesc>Regel {num}</LineDesc><LaborInfo>"
            f"<LaborType>{labor_type}</LaborType>"
            f"<LaborOperation>{operation}</LaborOperation>"
            f"<LaborHours>{hours}</LaborHours><LaborAmt>{amount:.2f}</LaborAmt>"
            "</LaborInfo></DamageLineInfo>"
        )
    vat = round(net * 21 / 100)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<VehicleDamageEstimateAddRq xmlns="http://www.cieca.com/BMS">'
        "<DocumentInfo><DocumentID>GEN-1</DocumentID>"
        f"<CurrencyInfo><CurCode>{currency}</CurCode></CurrencyInfo>"
        "</DocumentInfo>" + "".join(body) + extra + "<RepairTotalsInfo>"
        f"<SummaryTotalsInfo><TotalType>NET</TotalType><TotalAmt>{net / 100:.2f}"
        "</TotalAmt></SummaryTotalsInfo>"
        f"<SummaryTotalsInfo><TotalType>STX</TotalType><TotalAmt>{vat / 100:.2f}"
        "</TotalAmt></SummaryTotalsInfo>"
        f"<SummaryTotalsInfo><TotalType>TOT</TotalType><TotalAmt>"
        f"{(net + vat) / 100:.2f}</TotalAmt></SummaryTotalsInfo>"
        "</RepairTotalsInfo></VehicleDamageEstimateAddRq>"
    ).encode()


@tagged("post_install", "-at_install")
class TestEstimateParsers(TransactionCase):
    def assertTotalsMatchLines(self, result):
        self.assertAlmostEqual(
            sum(line.amount for line in result.lines), result.total_net, places=2
        )
        self.assertAlmostEqual(
            result.total_net + result.total_vat, result.total_gross, places=2
        )

    def assertRefused(self, data, *fragments):
        with self.assertRaises(EstimateError) as caught:
            estimate.parse(data, "upload.xml")
        message = str(caught.exception)
        for fragment in fragments:
            self.assertIn(fragment, message)
        return message

    # CIECA BMS

    def test_bms_small(self):
        result = estimate.parse(_read("bms_small.xml"), "bms_small.xml")
        self.assertEqual(result.format, "cieca_bms")
        self.assertEqual(result.reference, "EST-2024-0042")
        self.assertEqual(result.supplement, 0)
        self.assertEqual(result.currency, "EUR")
        self.assertEqual(result.vehicle.vin, "WVWZZZAUZHP000001")
        self.assertEqual(result.vehicle.plate, "GZ-123-K")
        self.assertEqual(result.vehicle.make, "Volkswagen")
        self.assertEqual(result.vehicle.model, "Golf")
        got = [
            (
                line.kind,
                line.ref,
                line.labour_type,
                line.operation,
                line.hours,
                line.rate,
                line.part_number,
                line.quantity,
                line.price_unit,
                line.discount_pct,
                line.origin,
                line.amount,
            )
            for line in result.lines
        ]
        self.assertEqual(
            got,
            [
                (
                    "labour",
                    "1",
                    "body",
                    "repair",
                    2.5,
                    60.0,
                    "",
                    1.0,
                    0.0,
                    0.0,
                    None,
                    150.0,
                ),
                (
                    "labour",
                    "2",
                    "paint",
                    "paint",
                    3.0,
                    65.0,
                    "",
                    1.0,
                    0.0,
                    0.0,
                    None,
                    195.0,
                ),
                (
                    "part",
                    "3",
                    None,
                    None,
                    0.0,
                    None,
                    "5G0941006",
                    1.0,
                    412.5,
                    0.0,
                    "oem",
                    412.5,
                ),
                (
                    "labour",
                    "3",
                    "body",
                    "replace",
                    0.8,
                    60.0,
                    "",
                    1.0,
                    0.0,
                    0.0,
                    None,
                    48.0,
                ),
                (
                    "part",
                    "4",
                    None,
                    None,
                    0.0,
                    None,
                    "AM-5G0853651",
                    2.0,
                    37.25,
                    10.0,
                    "aftermarket",
                    67.05,
                ),
                (
                    "paint_material",
                    "5",
                    None,
                    None,
                    0.0,
                    None,
                    "",
                    1.0,
                    87.6,
                    0.0,
                    None,
                    87.6,
                ),
                ("sublet", "6", None, None, 0.0, None, "", 1.0, 95.0, 0.0, None, 95.0),
            ],
        )
        self.assertEqual(result.total_net, 1055.15)
        self.assertEqual(result.total_vat, 221.58)
        self.assertEqual(result.total_gross, 1276.73)
        self.assertTotalsMatchLines(result)
        self.assertEqual(result.notes, [])
        self.assertEqual(result.ignored, [])

    def test_bms_supplement(self):
        result = estimate.parse(_read("bms_supplement.xml"))
        self.assertEqual(result.reference, "EST-2024-0042")
        self.assertEqual(result.supplement, 1)
        self.assertEqual(len(result.lines), 9)
        refinish = result.lines[1]
        self.assertEqual((refinish.hours, refinish.amount), (3.5, 227.5))
        self.assertEqual(result.lines[7].origin, "used")
        self.assertEqual(result.lines[8].operation, "remove_refit")
        self.assertEqual(result.total_net, 1162.65)
        self.assertTotalsMatchLines(result)

    def test_bms_150_lines(self):
        codes = [("LAB", "OP9"), ("LAR", "OP6"), ("LAM", "OP11"), ("LAE", "OP2")]
        lines = []
        for num in range(1, 151):
            labor_type, operation = codes[num % 4]
            hours = round(0.1 * (num % 37 + 1), 1)
            lines.append((num, labor_type, operation, hours, round(hours * 61.5, 2)))
        result = estimate.parse(bms_document(lines))
        self.assertEqual(len(result.lines), 150)
        self.assertEqual(
            [line.ref for line in result.lines], [str(n) for n in range(1, 151)]
        )
        self.assertTotalsMatchLines(result)
        self.assertAlmostEqual(
            result.total_net, round(sum(line[4] for line in lines), 2), places=2
        )

    def test_bms_other_currency(self):
        result = estimate.parse(bms_document([(1, "LAB", "OP9", 1.0, 52.0)], "USD"))
        self.assertEqual(result.currency, "USD")

    def test_bms_unknown_codes_are_noted(self):
        extra = (
            "<DamageLineInfo><LineNum>7</LineNum><LineDesc>Onbekend</LineDesc>"
            "<PartInfo><PartType>PXX</PartType><PartNum>X1</PartNum>"
            "<PartPrice>10.00</PartPrice><Quantity>1</Quantity></PartInfo>"
            "</DamageLineInfo>"
            "<DamageLineInfo><LineNum>8</LineNum><LineDesc>Alleen tekst</LineDesc>"
            "</DamageLineInfo>"
        )
        result = estimate.parse(
            bms_document([(6, "LAX", "OP99", 0.5, 30.0)], extra=extra)
        )
        labour, part = result.lines
        self.assertIsNone(labour.labour_type)
        self.assertIsNone(labour.operation)
        self.assertEqual(labour.amount, 30.0)
        self.assertIsNone(part.origin)
        self.assertEqual(part.amount, 10.0)
        notes = " ".join(map(str, result.notes))
        self.assertIn("Line 6: unknown labour type LAX", notes)
        self.assertIn("Line 6: unknown labour operation OP99", notes)
        self.assertIn("Line 7: unknown part type PXX", notes)
        self.assertEqual(result.ignored[0][0], "8")

    def test_bms_not_a_number(self):
        data = bms_document([(3, "LAB", "OP9", "abc", 1.0)])
        self.assertRefused(data, "Line 3", "abc")

    # DAT VXS

    def test_dat_small(self):
        result = estimate.parse(_read("dat_small.xml"), "dat_small.xml")
        self.assertEqual(result.format, "dat_vxs")
        self.assertEqual(result.reference, "SCHADE-2024-0117")
        self.assertEqual(result.currency, "EUR")
        self.assertEqual(result.vehicle.vin, "VF1RFB00000000117")
        self.assertEqual(result.vehicle.plate, "K-987-XB")
        self.assertEqual(result.vehicle.make, "Renault")
        self.assertEqual(result.vehicle.model, "Clio V TCe 90")
        got = [
            (
                line.kind,
                line.ref,
                line.labour_type,
                line.operation,
                line.hours,
                line.rate,
                line.quantity,
                line.price_unit,
                line.origin,
                line.amount,
            )
            for line in result.lines
        ]
        self.assertEqual(
            got,
            [
                ("part", "43712", None, None, 0.0, None, 1.0, 130.86, "oem", 130.86),
                ("part", "44210", None, None, 0.0, None, 1.0, 278.08, "oem", 278.08),
                (
                    "labour",
                    "43712/4196",
                    "body",
                    "replace",
                    1.1,
                    65.0,
                    1.0,
                    0.0,
                    None,
                    71.5,
                ),
                (
                    "labour",
                    "44210/4210",
                    "body",
                    "replace",
                    0.4,
                    65.0,
                    1.0,
                    0.0,
                    None,
                    26.0,
                ),
                (
                    "labour",
                    "44210/A15T",
                    "body",
                    "remove_refit",
                    0.4,
                    65.0,
                    1.0,
                    0.0,
                    None,
                    26.0,
                ),
                (
                    "labour",
                    "45610/8072",
                    "electrical",
                    "calibrate",
                    0.3,
                    72.0,
                    1.0,
                    0.0,
                    None,
                    21.6,
                ),
                (
                    "labour",
                    "26100/2610",
                    "mechanical",
                    "check",
                    0.2,
                    70.0,
                    1.0,
                    0.0,
                    None,
                    14.0,
                ),
                (
                    "labour",
                    "ARBEITSAUFWAND",
                    "paint",
                    "paint",
                    1.7,
                    75.0,
                    1.0,
                    0.0,
                    None,
                    127.5,
                ),
                (
                    "labour",
                    "43712/NEUTEIL-M",
                    "paint",
                    "paint",
                    1.0,
                    75.0,
                    1.0,
                    0.0,
                    None,
                    75.0,
                ),
                (
                    "labour",
                    "44210/NEUTEIL-M",
                    "paint",
                    "paint",
                    2.0,
                    75.0,
                    1.0,
                    0.0,
                    None,
                    150.0,
                ),
                (
                    "paint_material",
                    "LacquerCosts",
                    None,
                    None,
                    0.0,
                    None,
                    1.0,
                    334.7,
                    None,
                    334.7,
                ),
                (
                    "other",
                    "SparePartsCosts",
                    None,
                    None,
                    0.0,
                    None,
                    1.0,
                    8.18,
                    None,
                    8.18,
                ),
            ],
        )
        self.assertEqual(result.total_net, 1263.42)
        self.assertEqual(result.total_vat, 265.32)
        self.assertEqual(result.total_gross, 1528.74)
        self.assertTotalsMatchLines(result)
        for line in result.lines:
            if line.kind == "labour":
                self.assertAlmostEqual(line.hours * line.rate, line.amount, places=2)
        self.assertEqual(result.notes, [])

    def test_dat_supplement(self):
        result = estimate.parse(_read("dat_supplement.xml"))
        self.assertEqual(len(result.lines), 14)
        self.assertEqual(result.total_net, 1368.30)
        self.assertTotalsMatchLines(result)

    def test_dat_hours_and_units(self):
        data = _read("dat_small.xml").replace(b">AE<", b">HOUR<")
        data = data.replace(
            b">10</ns1:ProcedureRelatedParameter>",
            b">1</ns1:ProcedureRelatedParameter>",
        )
        result = estimate.parse(data)
        self.assertEqual(result.lines[2].hours, 11.0)
        self.assertEqual(result.lines[2].rate, 6.5)
        data = _read("dat_small.xml").replace(
            b'attribute="timeUnitsPerHour" factor="LabourCostFactor" type="Integer">10',
            b'attribute="timeUnitsPerHour" factor="LabourCostFactor" type="Integer">',
        )
        self.assertRefused(data, "AE", "timeUnitsPerHour")

    def test_dat_unknown_codes_are_noted(self):
        data = _read("dat_small.xml").replace(b">adjust<", b">teleport<", 1)
        data = data.replace(b">electric<", b">plasma<", 1)
        result = estimate.parse(data)
        line = result.lines[5]
        self.assertIsNone(line.operation)
        self.assertIsNone(line.labour_type)
        self.assertEqual(line.amount, 21.6)
        notes = " ".join(map(str, result.notes))
        self.assertIn("Line 45610/8072: unknown repair type teleport", notes)
        self.assertIn("Line 45610/8072: unknown wage type plasma", notes)

    # Bad input

    def test_not_xml(self):
        self.assertRefused(b"Dit is geen XML, maar een brief.", "not readable XML")

    def test_empty(self):
        self.assertRefused(b"   ", "empty")

    def test_truncated(self):
        data = _read("bms_small.xml")
        self.assertRefused(data[: len(data) // 2], "not readable XML")

    def test_unknown_format(self):
        self.assertRefused(
            b'<?xml version="1.0"?><invoice><line>1</line></invoice>',
            "not a calculation of a known estimating system",
        )

    def test_billion_laughs(self):
        entities = "".join(
            f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
        )
        data = (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
            + entities
            + "]><VehicleDamageEstimateAddRq>&lol9;</VehicleDamageEstimateAddRq>"
        ).encode()
        self.assertRefused(data, "DOCTYPE")

    def test_xxe(self):
        data = (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM '
            b'"file:///etc/passwd">]><VehicleDamageEstimateAddRq><DocumentInfo>'
            b"<DocumentID>&xxe;</DocumentID></DocumentInfo>"
            b"</VehicleDamageEstimateAddRq>"
        )
        message = self.assertRefused(data, "DOCTYPE")
        self.assertNotIn("root:", message)

    def test_parser_never_resolves_entities(self):
        # Even past the declaration check, the parser itself does not read
        # files or expand entities.
        from lxml import etree

        data = b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>'
        root = etree.fromstring(data, parser=xmlsafe._parser())
        self.assertNotIn("root:", etree.tostring(root).decode())

    def test_utf16_doctype(self):
        data = (
            '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "b">]>'
            "<VehicleDamageEstimateAddRq/>"
        ).encode("utf-16")
        self.assertRefused(data, "DOCTYPE")

    def test_oversize(self):
        data = b"<r>" + b" " * (xmlsafe.MAX_SIZE + 1) + b"</r>"
        self.assertRefused(data, "too large")
