from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import BodyshopCommon


class CalculationCommon(BodyshopCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax21 = cls.env["account.tax"].create(
            {"name": "BTW 21% (test)", "amount": 21.0, "type_tax_use": "sale"}
        )
        cls.company.account_sale_tax_id = cls.tax21
        cls.agreement = cls.env["bodyshop.agreement"].create(
            {
                "name": "Test Verzekeringen 2026",
                "partner_id": cls.insurer.id,
                "units_per_hour": 10.0,
                "rate_body": 60.0,
                "rate_paint": 65.0,
                "rate_mechanical": 70.0,
                "rate_electrical": 75.0,
                "rate_trim": 55.0,
                "rate_pdr": 80.0,
                "paint_material_method": "percent_paint_labour",
                "paint_material_pct": 40.0,
                "parts_discount_pct": 10.0,
                "small_parts_pct": 2.0,
                "small_parts_base": "parts",
                "small_parts_min": 15.0,
                "small_parts_max": 75.0,
                "expert_threshold": 3000.0,
            }
        )

    def _calc(self, lines=(), **dossier_vals):
        dossier = self._create_dossier(**dossier_vals)
        dossier.action_start_calculation()
        calc = dossier.current_calculation_id
        if lines:
            calc.line_ids = [Command.create(vals) for vals in lines]
        return calc

    @staticmethod
    def labour(units, labour_type="body", **vals):
        return {
            "line_type": "labour",
            "labour_type": labour_type,
            "labour_units": units,
            "name": f"{labour_type} {units} AE",
            **vals,
        }

    @staticmethod
    def part(qty, price, **vals):
        return {
            "line_type": "part",
            "quantity": qty,
            "price_unit": price,
            "name": vals.pop("name", "Bumper"),
            **vals,
        }


@tagged("post_install", "-at_install")
class TestCalculationAmounts(CalculationCommon):
    def test_parameters_from_agreement_and_dossier_state(self):
        calc = self._calc()
        self.assertEqual(calc.dossier_id.agreement_id, self.agreement)
        self.assertEqual(calc.version, 1)
        self.assertEqual(calc.calc_type, "estimate")
        self.assertEqual(calc.rate_paint, 65.0)
        self.assertEqual(calc.parts_discount_pct, 10.0)
        self.assertEqual(calc.dossier_id.state, "calculation")

    def test_labour_formula_10_and_12_units_per_hour(self):
        calc = self._calc([self.labour(15), self.labour(7, "paint", discount=10)])
        lines = calc.line_ids
        self.assertAlmostEqual(lines[0].price_subtotal, 90.0)  # 15/10*60
        self.assertAlmostEqual(lines[1].price_subtotal, 40.95)  # 7/10*65*0.9
        calc.units_per_hour = 12
        self.assertAlmostEqual(lines[0].price_subtotal, 75.0)  # 15/12*60
        self.assertAlmostEqual(lines[1].price_subtotal, 34.13)  # 7/12*65*0.9=34.125
        self.assertAlmostEqual(calc.labour_units, 22.0)

    def test_part_discount_and_new_for_old(self):
        calc = self._calc([self.part(2, 123.45, nvo_pct=25)])
        line = calc.line_ids
        self.assertEqual(line.discount, 10.0, "the agreement's parts discount")
        # 2 * 123.45 * 0.9 * 0.75 = 166.6575
        self.assertAlmostEqual(line.price_subtotal, 166.66)

    def test_paint_material_methods(self):
        calc = self._calc([self.labour(20, "paint"), self.labour(10)])
        self.assertAlmostEqual(calc.amount_paint_material, 52.0)  # 40% of 130
        calc.paint_material_method = "fixed"
        calc.paint_material_fixed = 85.0
        self.assertAlmostEqual(calc.amount_paint_material, 85.0)
        calc.write(
            {
                "paint_material_method": "azt_index",
                "paint_material_index": 110.0,
                "paint_material_unit_value": 3.0,
            }
        )
        self.assertAlmostEqual(calc.amount_paint_material, 66.0)  # 20*110/100*3

    def test_small_parts_floor_and_ceiling(self):
        calc = self._calc([self.part(1, 100.0, discount=0)])
        self.assertAlmostEqual(
            calc.amount_small_parts, 15.0, msg="2% of 100 under floor"
        )
        calc.line_ids.price_unit = 2000.0
        self.assertAlmostEqual(calc.amount_small_parts, 40.0)  # 2% of 2000
        calc.line_ids.price_unit = 5000.0
        self.assertAlmostEqual(calc.amount_small_parts, 75.0, msg="ceiling")
        calc.small_parts_max = 0
        self.assertAlmostEqual(calc.amount_small_parts, 100.0, msg="no ceiling")

    def test_totals_and_vat_to_the_cent(self):
        calc = self._calc(
            [
                self.labour(13, "body"),  # 78.00
                self.labour(9, "paint"),  # 58.50 -> paint material 23.40
                self.part(1, 412.37, discount=0),  # 412.37 -> small parts 15.00 (floor)
                {
                    "line_type": "sublet",
                    "name": "ADAS",
                    "quantity": 1,
                    "price_unit": 189.99,
                },
                {
                    "line_type": "other",
                    "name": "Towing",
                    "quantity": 1,
                    "price_unit": 95.0,
                },
            ]
        )
        self.assertAlmostEqual(calc.amount_labour, 136.5)
        self.assertAlmostEqual(calc.amount_paint_material, 23.4)
        self.assertAlmostEqual(calc.amount_small_parts, 15.0)
        untaxed = 136.5 + 23.4 + 412.37 + 15.0 + 189.99 + 95.0
        self.assertEqual(
            calc.currency_id.compare_amounts(calc.amount_untaxed, untaxed), 0
        )
        # VAT rounded per line (the company's default): 16.38 + 12.29 + 86.60
        # + 39.90 + 19.95 + 4.91 (paint material) + 3.15 (small parts)
        self.assertEqual(calc.currency_id.compare_amounts(calc.amount_tax, 183.18), 0)
        self.assertEqual(
            calc.currency_id.compare_amounts(calc.amount_total, 1055.44), 0
        )
        self.assertEqual(
            calc.currency_id.compare_amounts(calc.amount_payer, 1055.44), 0
        )

    def test_customer_paid_extra_work_apart(self):
        calc = self._calc(
            [
                self.labour(10),
                {
                    "line_type": "other",
                    "name": "Poedercoaten velgen",
                    "quantity": 1,
                    "price_unit": 200.0,
                    "customer_paid": True,
                },
            ]
        )
        self.assertAlmostEqual(calc.amount_total, (60 + 200) * 1.21)
        self.assertAlmostEqual(calc.amount_payer, 72.6)
        self.assertAlmostEqual(calc.amount_customer_paid, 242.0)

    def test_bad_lines_refused(self):
        calc = self._calc()
        cases = [
            (self.labour(-1), "negative"),
            (self.part(-1, 10), "negative"),
            (self.part(1, 10, discount=120), "0 to 100"),
            (self.part(1, 10, nvo_pct=-5), "cannot be negative"),
            ({"line_type": "labour", "labour_units": 3, "name": "?"}, "labour type"),
        ]
        for vals, message in cases:
            with self.assertRaisesRegex(ValidationError, message):
                calc.line_ids = [Command.create(vals)]
        self.assertFalse(calc.line_ids)

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["labour", "part", "sublet", "other"]),
                st.sampled_from(["body", "paint", "mechanical", "pdr"]),
                st.integers(min_value=0, max_value=400),
                st.decimals(min_value=0, max_value=2500, places=2),
                st.integers(min_value=0, max_value=60),
            ),
            min_size=1,
            max_size=12,
        )
    )
    def test_totals_are_sums_of_rounded_lines(self, specs):
        with self.env.cr.savepoint(flush=False) as savepoint:
            calc = self._calc()
            lines = []
            for line_type, labour_type, units, price, discount in specs:
                vals = {"line_type": line_type, "name": "x", "discount": discount}
                if line_type == "labour":
                    vals.update(labour_type=labour_type, labour_units=units / 10)
                else:
                    vals.update(quantity=1 + units % 3, price_unit=float(price))
                lines.append(vals)
            calc.line_ids = [Command.create(vals) for vals in lines]
            currency = calc.currency_id
            for line in calc.line_ids:
                self.assertEqual(
                    currency.round(line.price_subtotal), line.price_subtotal
                )
            expected = sum(calc.line_ids.mapped("price_subtotal")) + (
                calc.amount_paint_material + calc.amount_small_parts
            )
            self.assertEqual(currency.compare_amounts(calc.amount_untaxed, expected), 0)
            amounts = calc.line_ids.mapped("price_subtotal") + [
                calc.amount_paint_material,
                calc.amount_small_parts,
            ]
            vat_per_line = sum(currency.round(amount * 0.21) for amount in amounts)
            self.assertEqual(currency.compare_amounts(calc.amount_tax, vat_per_line), 0)
            self.assertEqual(
                currency.compare_amounts(
                    calc.amount_total, calc.amount_untaxed + calc.amount_tax
                ),
                0,
            )
            savepoint.rollback()


@tagged("post_install", "-at_install")
class TestCalculationWorkflow(CalculationCommon):
    def _sent_calc(self, **vals):
        calc = self._calc([self.labour(10), self.part(1, 500.0)], **vals)
        calc.with_context(bodyshop_no_mail=True).action_send()
        return calc

    def test_send_locks_and_requests_approval(self):
        calc = self._sent_calc()
        self.assertEqual(calc.state, "sent")
        self.assertEqual(calc.dossier_id.state, "approval")
        approval = calc.approval_ids
        self.assertEqual(approval.state, "pending")
        self.assertEqual(approval.payer_id, self.insurer)
        with self.assertRaisesRegex(UserError, "read-only"):
            calc.rate_body = 99
        with self.assertRaisesRegex(UserError, "read-only"):
            calc.line_ids[0].labour_units = 20
        with self.assertRaisesRegex(UserError, "read-only"):
            calc.line_ids = [Command.create(self.labour(1))]
        with self.assertRaisesRegex(UserError, "read-only"):
            calc.line_ids[0].unlink()
        with self.assertRaisesRegex(UserError, "read-only"):
            calc.unlink()
        calc.invalidate_recordset()
        self.assertEqual(len(calc.line_ids), 2)
        self.assertAlmostEqual(calc.line_ids[0].labour_units, 10)

    def test_send_empty_refused(self):
        calc = self._calc()
        with self.assertRaisesRegex(UserError, "no lines"):
            calc.action_send()
        self.assertEqual(calc.state, "draft")

    def test_send_by_mail_with_quote(self):
        calc = self._calc([self.labour(10)])
        self.insurer.email = "schade@test-verzekeringen.example.com"
        action = calc.action_send_mail()
        self.assertEqual(action["res_model"], "mail.compose.message")
        template = self.env.ref("bodyshop.mail_template_calculation")
        self.assertEqual(action["context"]["default_template_id"], template.id)
        self.assertIn(
            self.env.ref("bodyshop.action_report_calculation"),
            template.report_template_ids,
        )
        # Opening the mail changes nothing: discarding it leaves a draft.
        self.assertEqual(calc.state, "draft")
        self.assertFalse(calc.approval_ids)
        composer = Form(
            self.env["mail.compose.message"].with_context(**action["context"])
        ).save()
        composer._action_send_mail()
        self.assertEqual(calc.state, "sent")
        self.assertEqual(calc.approval_ids.state, "pending")
        self.assertEqual(calc.dossier_id.state, "approval")

    def test_approve_through_wizard(self):
        calc = self._sent_calc()
        action = calc.action_register_answer()
        form = Form(
            self.env["bodyshop.approval.response"].with_context(**action["context"])
        )
        form.channel = "platform"
        form.reference = "AUTH-778"
        form.responded_by = "Claims handler"
        form.save().action_confirm()
        approval = calc.approval_ids
        self.assertEqual(approval.state, "approved")
        self.assertEqual(approval.channel, "platform")
        self.assertEqual(approval.approved_amount, calc.amount_payer)
        self.assertEqual(calc.state, "approved")
        self.assertEqual(calc.dossier_id.state, "approved")
        self.assertEqual(calc.dossier_id.approved_amount, calc.amount_payer)
        self.assertIn("AUTH-778", calc.dossier_id.message_ids[0].body)

    def test_partial_approval(self):
        calc = self._sent_calc()
        action = calc.action_register_answer()
        form = Form(
            self.env["bodyshop.approval.response"].with_context(**action["context"])
        )
        form.response = "partial"
        form.approved_amount = 400.0
        form.save().action_confirm()
        self.assertEqual(calc.approval_ids.state, "partial")
        self.assertEqual(calc.dossier_id.approved_amount, 400.0)

    def test_reject_sends_dossier_back(self):
        calc = self._sent_calc()
        calc.approval_ids.action_reject(reference="NO-1", note="Te duur")
        self.assertEqual(calc.state, "rejected")
        self.assertEqual(calc.dossier_id.state, "calculation")

    def test_bad_answers_refused(self):
        calc = self._sent_calc()
        approval = calc.approval_ids
        with self.assertRaisesRegex(UserError, "more than the calculation asks"):
            approval.action_approve(amount=calc.amount_payer + 0.01)
        self.assertEqual(approval.state, "pending")
        approval.action_approve()
        with self.assertRaisesRegex(UserError, "already been answered"):
            approval.action_approve()
        with self.assertRaisesRegex(UserError, "already been answered"):
            approval.action_reject()

    def test_supplement_version_diff_and_superseded(self):
        calc = self._sent_calc()
        calc.approval_ids.action_approve()
        action = calc.dossier_id.action_create_supplement()
        supplement = self.env["bodyshop.calculation"].browse(action["res_id"])
        self.assertEqual(supplement.version, 2)
        self.assertEqual(supplement.calc_type, "supplement")
        self.assertEqual(supplement.previous_id, calc)
        self.assertFalse(any(supplement.line_ids.mapped("hidden_damage")))
        supplement.line_ids = [Command.create(self.part(1, 80.0, name="Steun radar"))]
        # In the form, a new supplement line is hidden damage by default.
        form_context = {"default_hidden_damage": True}
        with (
            Form(supplement.with_context(**form_context)) as form,
            form.line_ids.new() as line,
        ):
            line.line_type = "other"
            line.name = "Extra reiniging"
            line.price_unit = 20.0
        extra = supplement.line_ids.filtered(lambda li: li.name == "Extra reiniging")
        self.assertTrue(extra.hidden_damage)
        extra.unlink()
        self.assertTrue(supplement.line_ids[-1:].hidden_damage)
        supplement.line_ids.filtered(
            lambda li: li.line_type == "labour"
        ).labour_units = 14
        diff = supplement._get_difference()
        self.assertEqual([li.name for li in diff["added"]], ["Steun radar"])
        self.assertEqual(len(diff["changed"]), 1)
        self.assertFalse(diff["removed"])
        self.assertIn("Steun radar", supplement.difference_html)
        with self.assertRaisesRegex(UserError, "latest version"):
            calc.action_new_version("final")
        supplement.with_context(bodyshop_no_mail=True).action_send()
        self.assertEqual(
            calc.state, "approved", "superseded only once the new one is approved"
        )
        supplement.approval_ids.action_approve()
        self.assertEqual(calc.state, "superseded")
        self.assertEqual(supplement.dossier_id.current_calculation_id, supplement)
        final = self.env["bodyshop.calculation"].browse(
            supplement.action_new_version("final")["res_id"]
        )
        self.assertEqual((final.version, final.calc_type), (3, "final"))

    def test_superseded_version_cannot_be_approved(self):
        calc = self._sent_calc()
        supplement = self.env["bodyshop.calculation"].browse(
            calc.action_new_version("supplement")["res_id"]
        )
        supplement.with_context(bodyshop_no_mail=True).action_send()
        supplement.approval_ids.action_approve()
        self.assertEqual(calc.state, "superseded")
        with self.assertRaisesRegex(UserError, "only a sent version"):
            calc.approval_ids.action_approve()

    def test_expert_threshold_from_agreement(self):
        calc = self._calc([self.labour(10)])
        self.assertFalse(calc.dossier_id.expert_required)
        calc.line_ids = [Command.create(self.part(1, 3000.0))]
        self.assertTrue(calc.dossier_id.expert_required)

    def test_total_loss_boundary(self):
        calc = self._calc(
            [self.labour(10)], value_before_damage=1000, salvage_value=927.4
        )
        dossier = calc.dossier_id
        self.assertAlmostEqual(calc.amount_payer, 72.6)
        dossier.salvage_value = 927.41  # limit 72.59: repair is above
        self.assertTrue(dossier.total_loss_suggested)
        dossier.salvage_value = 927.40  # limit 72.60: equal is not a total loss
        self.assertFalse(dossier.total_loss_suggested)
        dossier.salvage_value = 927.39  # limit 72.61: below
        self.assertFalse(dossier.total_loss_suggested)

    def test_total_loss_closes_with_estimating_fee(self):
        calc = self._calc([self.labour(10)])
        dossier = calc.dossier_id
        self.assertAlmostEqual(dossier.estimating_fee_amount, 72.0)  # 12 AE at 60/h
        dossier.action_total_loss()
        self.assertEqual(dossier.state, "total_loss")
        self.assertIn("72.00", dossier.message_ids[0].body)
        with self.assertRaises(UserError):
            dossier.action_total_loss()

    def test_quote_pdf_renders(self):
        calc = self._calc([self.labour(10), self.part(1, 250.0, customer_paid=True)])
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("bodyshop.action_report_calculation", calc.ids)[0]
            .decode()
        )
        self.assertIn(calc.dossier_id.name, html)
        self.assertIn("TZ-101-B", html)
        self.assertIn("Extra work paid by the customer", html)
        pdf = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("bodyshop.action_report_calculation", calc.ids)[0]
        )
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertGreater(len(pdf), 1000)

    def test_agreement_percentages_checked(self):
        with self.assertRaisesRegex(ValidationError, "0 to 100"):
            self.agreement.parts_discount_pct = 120
        with self.assertRaisesRegex(ValidationError, "from 1 to 1000"):
            self.agreement.units_per_hour = 0

    def test_request_expertise_mails_photos_and_calculation(self):
        calc = self._calc([self.labour(10)])
        dossier = calc.dossier_id
        with self.assertRaisesRegex(UserError, "Expert"):
            dossier.action_request_expertise()
        expert = self.env["res.partner"].create(
            {"name": "Expertisebureau Test", "email": "expert@example.com"}
        )
        photo = self.env["ir.attachment"].create(
            {
                "name": "schade.png",
                "datas": (
                    b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
                    b"hKmMIQAAAABJRU5ErkJggg=="
                ),
                "res_model": "bodyshop.dossier",
                "res_id": dossier.id,
                "bodyshop_photo_phase": "intake",
            }
        )
        dossier.expert_id = expert
        action = dossier.with_context(
            force_report_rendering=True
        ).action_request_expertise()
        self.assertEqual(action["res_model"], "mail.compose.message")
        self.assertEqual(action["context"]["default_partner_ids"], expert.ids)
        attachments = self.env["ir.attachment"].browse(
            action["context"]["default_attachment_ids"]
        )
        self.assertIn(photo, attachments)
        self.assertIn(f"{calc.name}.pdf", attachments.mapped("name"))
        composer = Form(
            self.env["mail.compose.message"].with_context(**action["context"])
        )
        self.assertIn(dossier.license_plate, composer.subject)
        # The expert's answer is recorded on the dossier.
        dossier.write(
            {
                "expertise_date": "2026-03-12",
                "expertise_reference": "EXP-2026-77",
                "value_before_damage": 8000.0,
                "salvage_value": 7950.0,
            }
        )
        self.assertTrue(dossier.total_loss_suggested)

    def test_new_agreement_reaches_open_dossiers_only(self):
        open_dossier = self._create_dossier(
            payer_id=self.lease_company.id, payer_type="lease"
        )
        calculated = self._calc(
            payer_id=self.lease_company.id, payer_type="lease"
        ).dossier_id
        self.assertNotEqual(open_dossier.agreement_id.partner_id, self.lease_company)
        before = calculated.agreement_id
        lease = self.env["bodyshop.agreement"].create(
            {
                "name": "Lease 2026",
                "partner_id": self.lease_company.id,
                "rate_body": 70.0,
            }
        )
        self.assertEqual(open_dossier.agreement_id, lease)
        self.assertEqual(calculated.agreement_id, before, "calculated with other rates")
        lease.active = False
        self.assertEqual(open_dossier.agreement_id, before)
