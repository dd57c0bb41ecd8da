import base64
from email.message import EmailMessage

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from ..tools.estimate import Estimate, EstimateLine, EstimateVehicle
from .common import BodyshopCommon
from .estimate_files import DATA, bms_file, dat_file

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<VehicleDamageEstimateAddRq xmlns="http://www.cieca.com/BMS">&lol4;
</VehicleDamageEstimateAddRq>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<VehicleDamageEstimateAddRq xmlns="http://www.cieca.com/BMS">
<DocumentInfo><DocumentID>&xxe;</DocumentID></DocumentInfo>
</VehicleDamageEstimateAddRq>"""


@tagged("post_install", "-at_install")
class TestEstimateImport(BodyshopCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["bodyshop.agreement"].create(
            {
                "name": "Test tarieven",
                "partner_id": cls.insurer.id,
                "company_id": cls.company.id,
                "units_per_hour": 10.0,
                "rate_body": 55.0,
                "rate_paint": 58.0,
                "rate_mechanical": 60.0,
                "rate_electrical": 62.0,
                # Our own paint material and small parts: an import adds none.
                "paint_material_pct": 30.0,
                "parts_discount_pct": 5.0,
                "small_parts_pct": 2.0,
            }
        )
        vw = cls.env["fleet.vehicle.model.brand"].create({"name": "Volkswagen"})
        golf = cls.env["fleet.vehicle.model"].create(
            {"name": "Golf", "brand_id": vw.id}
        )
        renault = cls.env["fleet.vehicle.model.brand"].create({"name": "Renault"})
        clio = cls.env["fleet.vehicle.model"].create(
            {"name": "Clio V", "brand_id": renault.id}
        )
        cls.golf = cls._create_vehicle("GZ-123-K", golf, vin_sn="WVWZZZAUZHP000001")
        cls.clio = cls._create_vehicle("K-987-XB", clio, vin_sn="VF1RFB00000000117")
        cls.Calculation = cls.env["bodyshop.calculation"]

    def _file(self, name):
        return (DATA / name).read_bytes()

    def _wizard(self, dossier, data, filename="estimate.xml", user=None, **values):
        Wizard = self.env["bodyshop.estimate.import"].with_user(user or self.bs_user)
        Wizard = Wizard.with_context(
            default_dossier_id=dossier.id, default_filename=filename
        )
        with Form(Wizard) as form:
            form.file = base64.b64encode(data)
            for name, value in values.items():
                setattr(form, name, value)
        return form.record

    def _import(self, dossier, data, filename="estimate.xml", **values):
        action = self._wizard(dossier, data, filename, **values).action_import()
        self.assertEqual(action["res_model"], "bodyshop.calculation")
        return self.Calculation.browse(action["res_id"])

    def _estimate(self, lines, **vals):
        return Estimate(
            format="cieca_bms",
            reference="T-1",
            currency="EUR",
            vehicle=EstimateVehicle(vin="WVWZZZAUZHP000001", plate="GZ-123-K"),
            lines=lines,
            **vals,
        )

    def _assert_nothing_imported(self, dossier):
        self.assertFalse(self.Calculation.search([("dossier_id", "=", dossier.id)]))

    # the two formats

    def test_bms_small_matches_the_file(self):
        dossier = self._create_dossier(vehicle_id=self.golf.id)
        wizard = self._wizard(dossier, self._file("bms_small.xml"), "bms_small.xml")
        self.assertEqual(wizard.estimate_format, "cieca_bms")
        self.assertEqual(wizard.estimate_reference, "EST-2024-0042")
        self.assertAlmostEqual(wizard.file_total, 1055.15)
        self.assertFalse(wizard.vehicle_mismatch)
        calc = self.Calculation.browse(wizard.action_import()["res_id"])
        self.assertEqual(calc.calc_type, "estimate")
        self.assertEqual(calc.version, 1)
        self.assertEqual(calc.state, "draft")
        self.assertEqual(calc.import_format, "cieca_bms")
        self.assertEqual(calc.import_reference, "EST-2024-0042")
        self.assertAlmostEqual(calc.import_total, 1055.15)
        self.assertAlmostEqual(calc.amount_untaxed, 1055.15)
        self.assertEqual(calc.import_difference, 0.0)
        self.assertFalse(calc.import_warning)
        # Paint material is the file's line, no small parts of our own.
        self.assertAlmostEqual(calc.amount_paint_material, 87.60)
        self.assertEqual(calc.amount_paint_material_generated, 0.0)
        self.assertEqual(calc.amount_small_parts, 0.0)
        # The file's rates per labour type became the version's.
        self.assertEqual((calc.rate_body, calc.rate_paint), (60.0, 65.0))
        labour = calc.line_ids.filtered(lambda li: li.line_type == "labour")
        self.assertEqual(sorted(labour.mapped("labour_units")), [8.0, 25.0, 30.0])
        grille = calc.line_ids.filtered(lambda li: li.part_number == "AM-5G0853651")
        self.assertEqual((grille.quantity, grille.discount), (2.0, 10.0))
        self.assertEqual(grille.part_origin, "aftermarket")
        self.assertAlmostEqual(grille.price_subtotal, 67.05)
        self.assertTrue(calc.line_ids.filtered(lambda li: li.line_type == "sublet"))
        # The file is kept on the version, the log says what was mapped.
        attachment = calc.import_attachment_id
        self.assertEqual(
            (attachment.res_model, attachment.res_id), (calc._name, calc.id)
        )
        self.assertEqual(attachment.raw, self._file("bms_small.xml"))
        self.assertIn("lines imported", calc.import_log)
        self.assertEqual(dossier.state, "calculation")

    def test_dat_small_matches_the_file(self):
        dossier = self._create_dossier(vehicle_id=self.clio.id)
        calc = self._import(dossier, self._file("dat_small.xml"), "dat_small.xml")
        self.assertEqual(calc.import_format, "dat_vxs")
        self.assertAlmostEqual(calc.import_total, 1263.42)
        self.assertEqual(calc.import_difference, 0.0, calc.import_log)
        # The file's VAT is on its total, ours per line: the log says so.
        if calc.currency_id.compare_amounts(calc.amount_tax, 265.32):
            self.assertIn("VAT", calc.import_log)

    def test_150_lines_match_to_the_cent(self):
        for make, vehicle, fmt in (
            (bms_file, self.golf, "cieca_bms"),
            (dat_file, self.clio, "dat_vxs"),
        ):
            with self.subTest(fmt=fmt):
                data, total = make(150)
                dossier = self._create_dossier(vehicle_id=vehicle.id)
                calc = self._import(dossier, data)
                self.assertEqual(calc.import_format, fmt)
                self.assertEqual(len(calc.line_ids), 150)
                self.assertAlmostEqual(calc.import_total, total)
                self.assertEqual(calc.import_difference, 0.0, calc.import_log)

    def test_supplement_shows_its_changes(self):
        dossier = self._create_dossier(vehicle_id=self.golf.id)
        first = self._import(dossier, self._file("bms_small.xml"))
        first.action_send()
        calc = self._import(dossier, self._file("bms_supplement.xml"))
        self.assertNotEqual(calc, first)
        self.assertEqual(calc.calc_type, "supplement")
        self.assertEqual(calc.version, 2)
        self.assertEqual(calc.previous_id, first)
        self.assertEqual(calc.import_difference, 0.0, calc.import_log)
        diff = calc._get_difference()
        self.assertTrue(diff["changed"] or diff["added"] or diff["removed"])
        changed = [new.name for _old, new in diff["changed"]]
        self.assertIn("Voorbumper spuiten", changed)
        # Lines the file has again continue the first version's lines.
        kept = calc.line_ids.filtered("origin_line_id")
        self.assertTrue(kept)
        self.assertLessEqual(kept.origin_line_id, first.line_ids)

    def test_draft_lines_are_replaced(self):
        dossier = self._create_dossier(vehicle_id=self.golf.id)
        first = self._import(dossier, self._file("bms_small.xml"))
        wizard = self._wizard(dossier, self._file("bms_supplement.xml"))
        self.assertIn("Replaces the lines", wizard.result_type)
        calc = self.Calculation.browse(wizard.action_import()["res_id"])
        self.assertEqual(calc, first)
        self.assertEqual(calc.version, 1)
        self.assertIn("still a draft", calc.import_log)
        self.assertEqual(calc.import_difference, 0.0, calc.import_log)
        self.assertEqual(calc.import_attachment_id.name, "estimate.xml")
        self.assertEqual(
            calc.import_attachment_id.raw, self._file("bms_supplement.xml")
        )

    def test_empty_draft_is_filled(self):
        dossier = self._create_dossier(vehicle_id=self.golf.id)
        empty = self.Calculation.browse(
            dossier.with_user(self.bs_user).action_start_calculation()["res_id"]
        )
        calc = self._import(dossier, self._file("bms_small.xml"))
        self.assertEqual(calc, empty)
        self.assertEqual(calc.import_difference, 0.0)

    # checks before anything is written

    def test_vehicle_mismatch_needs_confirmation(self):
        dossier = self._create_dossier()
        wizard = self._wizard(dossier, self._file("bms_small.xml"))
        self.assertIn("GZ-123-K", wizard.vehicle_mismatch)
        self.assertIn("TZ-101-B", wizard.vehicle_mismatch)
        with self.assertRaisesRegex(UserError, "another vehicle"):
            wizard.action_import()
        self._assert_nothing_imported(dossier)
        calc = self._import(dossier, self._file("bms_small.xml"), confirm_vehicle=True)
        self.assertIn("Vehicle confirmed by", calc.import_log)

    def test_other_currency_is_refused(self):
        dossier = self._create_dossier(vehicle_id=self.golf.id)
        data = self._file("bms_small.xml").replace(b"<CurCode>EUR", b"<CurCode>USD")
        with self.assertRaisesRegex(UserError, "USD"):
            self._import(dossier, data)
        self._assert_nothing_imported(dossier)

    def test_bad_files_are_refused(self):
        dossier = self._create_dossier(vehicle_id=self.golf.id)
        small = self._file("bms_small.xml")
        for label, data in (
            ("not xml", b"PK\x03\x04 this is a zip, not a calculation"),
            ("truncated", small[: len(small) // 2]),
            ("unknown format", b"<?xml version='1.0'?><invoice><line/></invoice>"),
            ("bomb", BOMB),
            ("external entity", XXE),
        ):
            with self.subTest(label), self.assertRaises(UserError):
                self.Calculation.with_user(self.bs_user)._import_estimate_file(
                    dossier, data, "x.xml"
                )
        wizard = self._wizard(dossier, b"not xml at all")
        self.assertTrue(wizard.parse_error)
        self.assertFalse(wizard.estimate_format)
        self._assert_nothing_imported(dossier)

    def test_unknown_codes_are_named_in_the_log(self):
        dossier = self._create_dossier(vehicle_id=self.golf.id)
        estimate = self._estimate(
            [
                EstimateLine("labour", "Scherm", ref="7", labour_type="xx", hours=1.0),
                EstimateLine("weird", "Iets raars", ref="8", price_unit=5.0),
                EstimateLine("part", "Scherm", ref="9", origin="zz", price_unit=100.0),
                EstimateLine("labour", "Deur", ref="10", operation="x", hours=1.0),
            ],
            total_net=210.0,
            ignored=[("12", "a comment line")],
        )
        calc = self.Calculation.with_user(self.bs_user)._import_estimate(
            dossier, estimate, b"<x/>", "x.xml"
        )
        log = calc.import_log
        for ref in ("Line 7", "Line 8", "Line 9", "Line 10", "12: a comment line"):
            self.assertIn(ref, log)
        self.assertEqual(len(calc.line_ids), 3)
        self.assertEqual(calc.line_ids[0].labour_type, "body")
        self.assertEqual(calc.import_difference, 0.0)

    def test_rates_and_rounding(self):
        """One rate per labour type becomes the version's; a line at another
        rate keeps its own; AE rounded to one decimal show as a difference."""
        dossier = self._create_dossier(vehicle_id=self.golf.id)
        estimate = self._estimate(
            [
                EstimateLine(
                    "labour", "A", ref="1", labour_type="body", hours=2.0, rate=70.0
                ),
                EstimateLine(
                    "labour", "B", ref="2", labour_type="body", hours=1.0, rate=70.0
                ),
                EstimateLine(
                    "labour", "C", ref="3", labour_type="body", hours=1.0, rate=80.0
                ),
                EstimateLine(
                    "labour", "D", ref="4", labour_type="paint", hours=0.125, rate=100.0
                ),
                EstimateLine("paint_material", "Lak", ref="5", price_unit=40.0),
                EstimateLine("other", "Milieu", ref="6", price_unit=7.5),
            ],
            total_net=70 * 3 + 80 + 12.5 + 40 + 7.5,
        )
        calc = self.Calculation.with_user(self.bs_user)._import_estimate(
            dossier, estimate, b"<x/>", "x.xml"
        )
        self.assertEqual(calc.rate_body, 70.0)
        self.assertEqual(calc.rate_paint, 100.0)
        by_name = {line.name: line for line in calc.line_ids}
        self.assertFalse(by_name["A"].labour_rate)
        self.assertEqual(by_name["C"].labour_rate, 80.0)
        self.assertAlmostEqual(by_name["C"].price_subtotal, 80.0)
        # 0.125 h x 10 = 1.25 AE, held as 1.2 (or 1.3) AE: not the file's 12.50.
        self.assertIn("Line 4", calc.import_log)
        self.assertTrue(calc.import_warning)
        self.assertAlmostEqual(
            calc.import_difference, by_name["D"].price_subtotal - 12.5
        )
        self.assertEqual(calc.amount_paint_material, 40.0)

    # mail gateway

    def test_mail_with_a_calculation_is_imported(self):
        dossier = self._create_dossier(vehicle_id=self.golf.id)
        mail = EmailMessage()
        mail["From"] = "expert@example.com"
        mail["To"] = "schade@example.com"
        mail["Subject"] = "Calculatie"
        mail["Message-Id"] = "<estimate-import-1@example.com>"
        mail.set_content("In de bijlage de calculatie.")
        mail.add_attachment(
            self._file("bms_small.xml"),
            maintype="application",
            subtype="xml",
            filename="bms_small.xml",
        )
        mail.add_attachment(
            b"not a calculation",
            maintype="application",
            subtype="xml",
            filename="broken.xml",
        )
        self.env["mail.thread"].message_process(
            "bodyshop.dossier", mail.as_bytes(), thread_id=dossier.id
        )
        calc = dossier.current_calculation_id
        self.assertEqual(calc.import_format, "cieca_bms")
        self.assertEqual(calc.import_difference, 0.0)
        bodies = " ".join(dossier.message_ids.mapped("body"))
        self.assertIn("bms_small.xml imported", bodies)
        self.assertIn("broken.xml was not imported", bodies)
        # A second mail with a file does not overwrite a draft with lines.
        lines = calc.line_ids
        mail.replace_header("Message-Id", "<estimate-import-2@example.com>")
        self.env["mail.thread"].message_process(
            "bodyshop.dossier", mail.as_bytes(), thread_id=dossier.id
        )
        self.assertEqual(dossier.current_calculation_id, calc)
        self.assertEqual(calc.line_ids, lines)
        self.assertIn(
            "is a draft with lines of its own",
            " ".join(dossier.message_ids.mapped("body")),
        )

    # access

    def test_other_company_cannot_import(self):
        dossier = self._create_dossier(vehicle_id=self.golf.id)
        other = self.bs_user_other_company
        with self.assertRaises(AccessError):
            self.env["bodyshop.estimate.import"].with_user(other).create(
                {
                    "dossier_id": dossier.id,
                    "file": base64.b64encode(self._file("bms_small.xml")),
                }
            )
        with self.assertRaises(AccessError):
            self.Calculation.with_user(other)._import_estimate_file(
                dossier, self._file("bms_small.xml"), "x.xml"
            )
        self._assert_nothing_imported(dossier)

    def test_import_fields_are_the_workflow_s(self):
        dossier = self._create_dossier(vehicle_id=self.golf.id)
        calc = self._import(dossier, self._file("bms_small.xml"))
        with self.assertRaisesRegex(UserError, "set by the workflow"):
            calc.with_user(self.bs_user).write({"import_total": 1.0})
