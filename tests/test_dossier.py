from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import BodyshopCommon


@tagged("post_install", "-at_install")
class TestDossier(BodyshopCommon):
    def test_sequence_and_defaults(self):
        with freeze_time("2026-03-10 10:00:00"):
            first = self._create_dossier()
            second = self._create_dossier()
        self.assertRegex(first.name, r"^SD2026/\d{5}$")
        self.assertNotEqual(first.name, second.name)
        self.assertEqual(first.state, "intake")
        self.assertEqual(first.user_id, self.env.user)
        self.assertEqual(first.license_plate, "TZ-101-B")
        self.assertEqual(first.currency_id, self.company.currency_id)

    def test_private_payer_is_the_customer(self):
        dossier = self._create_dossier(payer_type="private", payer_id=False)
        self.assertEqual(dossier.payer_id, self.customer)

    def test_payer_required_unless_private(self):
        with self.assertRaisesRegex(ValidationError, "Paying Party"):
            self._create_dossier(payer_type="lease", payer_id=False)
        self.assertFalse(
            self.env["bodyshop.dossier"].search([("vehicle_id", "=", self.vehicle.id)])
        )

    def test_negative_deductible_refused(self):
        with self.assertRaisesRegex(ValidationError, "Deductible"):
            self._create_dossier(deductible_amount=-1)
        dossier = self._create_dossier(deductible_amount=250)
        with self.assertRaisesRegex(ValidationError, "Deductible"):
            dossier.deductible_amount = -0.01
        dossier.invalidate_recordset()
        self.assertEqual(dossier.deductible_amount, 250)

    def test_damage_date_not_in_future(self):
        tomorrow = date.today() + timedelta(days=1)
        with self.assertRaisesRegex(ValidationError, "Damage Date"):
            self._create_dossier(damage_date=tomorrow)
        self.assertTrue(self._create_dossier(damage_date=date.today()))

    def test_planned_delivery_after_start(self):
        with self.assertRaisesRegex(ValidationError, "Planned Delivery"):
            self._create_dossier(
                planned_start_date=date(2026, 5, 4),
                planned_delivery_date=date(2026, 5, 1),
            )

    def test_ev_needs_triage(self):
        with self.assertRaisesRegex(ValidationError, "EV Risk Class"):
            self._create_dossier(vehicle_id=self.ev_vehicle.id)
        dossier = self._create_dossier(
            vehicle_id=self.ev_vehicle.id, ev_risk_class="green"
        )
        self.assertTrue(dossier.is_electric)
        with self.assertRaisesRegex(ValidationError, "EV Risk Class"):
            dossier.ev_risk_class = False
        petrol = self._create_dossier()
        with self.assertRaisesRegex(ValidationError, "EV Risk Class"):
            petrol.vehicle_id = self.ev_vehicle

    def test_ev_red_or_amber_blocks_repair_until_declared(self):
        for risk in ("amber", "red"):
            dossier = self._create_dossier(
                vehicle_id=self.ev_vehicle.id, ev_risk_class=risk
            )
            self.assertTrue(dossier.ev_repair_blocked)
            with self.assertRaisesRegex(ValidationError, "voltage-free"):
                dossier.state = "repair"
            dossier.invalidate_recordset()
            self.assertEqual(dossier.state, "intake")
            dossier.write(
                {
                    "ev_safe_declared_by": "R. de Groot, ev-VP",
                    "ev_safe_declared_on": datetime.now() - timedelta(hours=1),
                }
            )
            self.assertFalse(dossier.ev_repair_blocked)
            dossier.state = "repair"
            self.assertEqual(dossier.state, "repair")
            with self.assertRaisesRegex(ValidationError, "voltage-free"):
                dossier.ev_safe_declared_by = False

    def test_ev_green_may_be_repaired(self):
        dossier = self._create_dossier(
            vehicle_id=self.ev_vehicle.id, ev_risk_class="green"
        )
        self.assertFalse(dossier.ev_repair_blocked)
        dossier.state = "repair"
        self.assertEqual(dossier.state, "repair")

    def test_ev_dates_checked(self):
        now = datetime.now()
        with self.assertRaisesRegex(ValidationError, "Quarantine End"):
            self._create_dossier(
                vehicle_id=self.ev_vehicle.id,
                ev_risk_class="red",
                ev_quarantine_start=now,
                ev_quarantine_end=now - timedelta(hours=2),
            )
        with self.assertRaisesRegex(ValidationError, "Declared Voltage-free On"):
            self._create_dossier(
                vehicle_id=self.ev_vehicle.id,
                ev_risk_class="red",
                ev_safe_declared_by="X",
                ev_safe_declared_on=now + timedelta(days=1),
            )
        with self.assertRaisesRegex(ValidationError, "State of Charge"):
            self._create_dossier(
                vehicle_id=self.ev_vehicle.id,
                ev_risk_class="green",
                ev_state_of_charge=120,
            )

    def test_expert_required_above_company_threshold(self):
        dossier = self._create_dossier(estimate_amount=4000)
        self.assertFalse(dossier.expert_required, "no threshold set: never required")
        self.company.bodyshop_expert_threshold = 3500
        self.assertTrue(dossier.expert_required)
        dossier.estimate_amount = 3500
        self.assertFalse(dossier.expert_required, "at the threshold is not above it")
        dossier.estimate_amount = 3500.01
        self.assertTrue(dossier.expert_required)

    def test_total_loss_suggested(self):
        dossier = self._create_dossier(
            estimate_amount=9000, value_before_damage=12000, salvage_value=3500
        )
        self.assertTrue(dossier.total_loss_suggested)
        dossier.salvage_value = 2500
        self.assertFalse(dossier.total_loss_suggested)
        dossier.value_before_damage = 0
        self.assertFalse(dossier.total_loss_suggested, "no value known: no suggestion")

    def test_key_to_key_days_and_overdue(self):
        dossier = self._create_dossier(
            intake_date=datetime(2026, 3, 2, 9, 0),
            planned_start_date=date(2026, 3, 3),
            planned_delivery_date=date(2026, 3, 6),
        )
        dossier.delivery_date = datetime(2026, 3, 9, 16, 0)
        self.assertEqual(dossier.key_to_key_days, 7)
        with freeze_time("2026-03-10"):
            dossier.invalidate_recordset(["delivery_overdue"])
            self.assertTrue(dossier.delivery_overdue)
            overdue = self.env["bodyshop.dossier"].search(
                [("delivery_overdue", "=", True)]
            )
            self.assertIn(dossier, overdue)
            dossier.state = "delivered"
            overdue = self.env["bodyshop.dossier"].search(
                [("delivery_overdue", "=", True)]
            )
            self.assertNotIn(dossier, overdue)

    def test_cancel_reopen_and_delete(self):
        dossier = self._create_dossier()
        dossier.state = "repair"
        with self.assertRaises(UserError):
            dossier.unlink()
        dossier.action_cancel()
        self.assertEqual(dossier.state, "cancelled")
        with self.assertRaises(UserError):
            dossier.action_cancel()
        dossier.action_reopen()
        self.assertEqual(dossier.state, "intake")
        dossier.unlink()
        self.assertFalse(dossier.exists())

    def test_delivered_dossier_cannot_be_cancelled(self):
        dossier = self._create_dossier()
        dossier.state = "delivered"
        with self.assertRaisesRegex(UserError, "no longer be cancelled"):
            dossier.action_cancel()

    def test_state_change_is_tracked(self):
        Dossier = self.env["bodyshop.dossier"].with_context(tracking_disable=False)
        dossier = Dossier.create(self._dossier_vals())
        self.env.flush_all()
        self.env.cr.precommit.run()
        dossier.action_cancel()
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = dossier.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "state"
        )
        self.assertEqual(tracked.old_value_char, "Intake")
        self.assertEqual(tracked.new_value_char, "Cancelled")

    def test_customer_becomes_vehicle_driver(self):
        vehicle = self._create_vehicle("AB-12-CD", self.model_petrol, driver_id=False)
        self._create_dossier(vehicle_id=vehicle.id)
        self.assertEqual(vehicle.driver_id, self.customer)

    def test_partner_counters(self):
        self._create_dossier()
        self._create_dossier(payer_type="private", payer_id=False)
        self.assertEqual(self.customer.bodyshop_dossier_count, 2)
        self.assertEqual(self.customer.bodyshop_payer_dossier_count, 1)
        self.assertEqual(self.insurer.bodyshop_payer_dossier_count, 1)

    def test_photo_upload_wizard_tags_phase(self):
        dossier = self._create_dossier()
        png = (
            b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
            b"hKmMIQAAAABJRU5ErkJggg=="
        )
        photos = self.env["ir.attachment"].create(
            [
                {
                    "name": f"photo{i}.png",
                    "datas": png,
                    "res_model": "bodyshop.photo.upload",
                }
                for i in range(3)
            ]
        )
        action = dossier.action_upload_photos()
        wizard_form = Form(
            self.env["bodyshop.photo.upload"].with_context(**action["context"])
        )
        self.assertEqual(wizard_form.phase, "intake")
        wizard_form.phase = "teardown"
        for photo in photos:
            wizard_form.attachment_ids.add(photo)
        wizard_form.save().action_confirm()
        self.assertEqual(dossier.photo_count, 3)
        self.assertEqual(
            set(dossier.photo_ids.mapped("bodyshop_photo_phase")), {"teardown"}
        )

    def test_photo_upload_refuses_documents(self):
        dossier = self._create_dossier()
        pdf = self.env["ir.attachment"].create(
            {
                "name": "report.pdf",
                "raw": b"%PDF-1.4 test",
                "mimetype": "application/pdf",
            }
        )
        wizard = self.env["bodyshop.photo.upload"].create(
            {
                "dossier_id": dossier.id,
                "phase": "intake",
                "attachment_ids": [(6, 0, pdf.ids)],
            }
        )
        with self.assertRaisesRegex(UserError, "not an image"):
            wizard.action_confirm()
        self.assertEqual(dossier.photo_count, 0)

    def test_purchase_and_invoice_smart_buttons(self):
        dossier = self._create_dossier()
        order = self.env["purchase.order"].create(
            {"partner_id": self.insurer.id, "bodyshop_dossier_id": dossier.id}
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.insurer.id,
                "bodyshop_dossier_id": dossier.id,
            }
        )
        self.assertEqual(dossier.purchase_order_count, 1)
        self.assertEqual(dossier.invoice_count, 1)
        po_action = dossier.action_open_purchase_orders()
        self.assertEqual(self.env["purchase.order"].search(po_action["domain"]), order)
        inv_action = dossier.action_open_invoices()
        self.assertEqual(self.env["account.move"].search(inv_action["domain"]), invoice)

    def test_form_view_opens_and_saves(self):
        dossier = self._create_dossier()
        with Form(dossier) as form:
            form.estimate_amount = 1234.5
            form.damage_description = "Deuk in portier"
        self.assertEqual(dossier.estimate_amount, 1234.5)
