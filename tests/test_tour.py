from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import _super_send

from .rdw_server import RdwTestServer


@tagged("post_install", "-at_install")
class TestBodyshopTours(HttpCase):
    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        if r.url.startswith("http://127.0.0.1:"):
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    def test_tour_open_app_and_settings(self):
        """Log in as admin, open the Body Shop app and its Settings."""
        self.start_tour("/odoo", "bodyshop_open_settings", login="admin")
        self.assertEqual(self.env.company.bodyshop_productive_hours, 50.0)

    def test_tour_intake(self):
        """A schademanager performs a complete intake from the Intake menu."""
        server = self.enterContext(RdwTestServer())
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("bodyshop.rdw_base_url", server.base_url)
        params.set_param("bodyshop.rdw_timeout", "5")
        self.env["res.partner"].create({"name": "Tourklant Jansen"})
        self.env["res.partner"].create(
            {"name": "Tourverzekeraar N.V.", "is_company": True}
        )
        schademanager = self.env["res.users"].create(
            {
                "name": "Tour Schademanager",
                "login": "tour_schademanager",
                "password": "tour_schademanager",
                "groups_id": [
                    (6, 0, [self.env.ref("bodyshop.group_bodyshop_user").id])
                ],
            }
        )
        self.start_tour("/odoo", "bodyshop_intake_tour", login="tour_schademanager")
        dossier = self.env["bodyshop.dossier"].search(
            [("license_plate", "=", "TT-601-D")]
        )
        self.assertEqual(len(dossier), 1)
        self.assertEqual(dossier.user_id, schademanager)
        self.assertEqual(dossier.customer_id.name, "Tourklant Jansen")
        self.assertEqual(dossier.payer_id.name, "Tourverzekeraar N.V.")
        self.assertEqual(dossier.claim_number, "TV-2026-77")
        self.assertEqual(dossier.deductible_amount, 250)
        self.assertEqual(dossier.damage_cause, "collision")
        self.assertEqual(dossier.damage_zone_ids.code, "bonnet")
        self.assertEqual(dossier.estimate_hours, 10)
        self.assertEqual(dossier.vehicle_id.model_id.name, "Kombi")
        self.assertEqual(dossier.vehicle_id.fuel_type, "diesel")

    def test_tour_calculation(self):
        """Build a calculation, send it and register the approval."""
        company = self.env.company
        tax = self.env["account.tax"].create(
            {"name": "BTW 21% (tour)", "amount": 21.0, "type_tax_use": "sale"}
        )
        company.account_sale_tax_id = tax
        insurer = self.env["res.partner"].create(
            {"name": "Tourverzekeraar N.V.", "is_company": True, "email": "s@t.example"}
        )
        self.env["bodyshop.agreement"].create(
            {
                "name": "Tour agreement",
                "partner_id": insurer.id,
                "rate_paint": 65.0,
                "parts_discount_pct": 10.0,
            }
        )
        customer = self.env["res.partner"].create({"name": "Tourklant Jansen"})
        brand = self.env["fleet.vehicle.model.brand"].create({"name": "Tourmerk"})
        model = self.env["fleet.vehicle.model"].create(
            {"name": "T1", "brand_id": brand.id}
        )
        vehicle = self.env["fleet.vehicle"].create(
            {
                "license_plate": "HZ-311-K",
                "model_id": model.id,
                "bodyshop_customer_vehicle": True,
                "driver_id": customer.id,
            }
        )
        dossier = self.env["bodyshop.dossier"].create(
            {
                "customer_id": customer.id,
                "vehicle_id": vehicle.id,
                "payer_type": "insurer",
                "payer_id": insurer.id,
            }
        )
        self.env.ref("base.user_admin").email = "admin@bodyshop.example.com"
        self.start_tour(
            f"/odoo/action-bodyshop.bodyshop_dossier_action/{dossier.id}",
            "bodyshop_calculation_tour",
            login="admin",
        )
        calculation = dossier.current_calculation_id
        self.assertEqual(calculation.state, "approved")
        self.assertAlmostEqual(calculation.amount_labour, 130.0)
        self.assertAlmostEqual(calculation.amount_parts, 450.0)
        self.assertEqual(calculation.approval_ids.reference, "AUTH-2026-42")
        self.assertEqual(dossier.state, "approved")

    def test_tour_calculation_grid_by_keyboard(self):
        """A mixed 10-line calculation typed with the keyboard: every value
        lands in its column, every kind keeps its own defaults."""
        company = self.env.company
        tax = self.env["account.tax"].create(
            {"name": "BTW 21% (grid)", "amount": 21.0, "type_tax_use": "sale"}
        )
        company.account_sale_tax_id = tax
        insurer = self.env["res.partner"].create(
            {"name": "Gridverzekeraar N.V.", "is_company": True}
        )
        self.env["bodyshop.agreement"].create(
            {
                "name": "Grid agreement",
                "partner_id": insurer.id,
                "rate_body": 60.0,
                "rate_paint": 65.0,
                "parts_discount_pct": 10.0,
            }
        )
        customer = self.env["res.partner"].create({"name": "Gridklant"})
        brand = self.env["fleet.vehicle.model.brand"].create({"name": "Gridmerk"})
        model = self.env["fleet.vehicle.model"].create(
            {"name": "G1", "brand_id": brand.id}
        )
        vehicle = self.env["fleet.vehicle"].create(
            {
                "license_plate": "HZ-312-K",
                "model_id": model.id,
                "bodyshop_customer_vehicle": True,
                "driver_id": customer.id,
            }
        )
        dossier = self.env["bodyshop.dossier"].create(
            {
                "customer_id": customer.id,
                "vehicle_id": vehicle.id,
                "payer_type": "insurer",
                "payer_id": insurer.id,
            }
        )
        calculation = self.env["bodyshop.calculation"].create(
            {"dossier_id": dossier.id}
        )
        self.start_tour(
            f"/odoo/action-bodyshop.bodyshop_calculation_action/{calculation.id}",
            "bodyshop_calculation_grid_tour",
            login="admin",
        )
        lines = calculation.line_ids.sorted("sequence")
        expected = [
            ("labour", "body", "Voorbumper demonteren-monteren", 6.0, 1.0, 0.0, 0.0),
            ("labour", "body", "Motorkap uitdeuken", 12.0, 1.0, 0.0, 0.0),
            ("labour", "paint", "Motorkap spuiten", 18.0, 1.0, 0.0, 0.0),
            ("part", False, "Voorbumper", 0.0, 1.0, 420.0, 10.0),
            ("part", False, "Grille", 0.0, 1.0, 89.5, 10.0),
            ("part", False, "Bevestigingsclips", 0.0, 4.0, 2.5, 10.0),
            ("part", False, "Koplamp links", 0.0, 1.0, 310.0, 10.0),
            ("sublet", False, "Wielen uitlijnen", 0.0, 1.0, 95.0, 0.0),
            ("sublet", False, "ADAS-kalibratie voorcamera", 0.0, 1.0, 185.0, 0.0),
            ("other", False, "Berging", 0.0, 1.0, 145.0, 0.0),
        ]
        self.assertEqual(
            [
                (
                    line.line_type,
                    line.labour_type,
                    line.name,
                    line.labour_units,
                    line.quantity,
                    line.price_unit,
                    line.discount,
                )
                for line in lines
            ],
            expected,
        )
        self.assertEqual(lines[3].part_number, "5G0807221")
        self.assertEqual(lines[6].part_number, "5G0941005")
        # 6 + 12 AE body at 60, 18 AE paint at 65.
        self.assertAlmostEqual(calculation.amount_labour, 225.0)

    def test_tour_repair(self):
        """From approval to repair start: parts, courtesy car, check-in."""
        user = self.env["res.users"].create(
            {
                "name": "Tour Schademanager",
                "login": "tour_repair",
                "password": "tour_repair",
                "email": "tour_repair@bodyshop.example.com",
                "groups_id": [
                    (6, 0, [self.env.ref("bodyshop.group_bodyshop_user").id])
                ],
            }
        )
        supplier = self.env["res.partner"].create(
            {"name": "Tour Onderdelen B.V.", "is_company": True}
        )
        insurer = self.env["res.partner"].create(
            {"name": "Tourverzekeraar N.V.", "is_company": True}
        )
        customer = self.env["res.partner"].create(
            {"name": "Tourklant Jansen", "email": "jansen@example.com"}
        )
        brand = self.env["fleet.vehicle.model.brand"].create({"name": "Tourmerk"})
        model = self.env["fleet.vehicle.model"].create(
            {"name": "T1", "brand_id": brand.id}
        )
        vehicle = self.env["fleet.vehicle"].create(
            {
                "license_plate": "HZ-311-K",
                "model_id": model.id,
                "bodyshop_customer_vehicle": True,
            }
        )
        courtesy_cars = self.env["fleet.vehicle"].create(
            [
                {"license_plate": plate, "model_id": model.id, "is_courtesy_car": True}
                for plate in ("GX-501-K", "GX-502-K")
            ]
        )
        dossier = self.env["bodyshop.dossier"].create(
            {
                "user_id": user.id,
                "customer_id": customer.id,
                "vehicle_id": vehicle.id,
                "payer_type": "insurer",
                "payer_id": insurer.id,
                "odometer_intake": 61034,
                "damage_description": "Voorbumper en grille beschadigd.",
            }
        )
        calculation = self.env["bodyshop.calculation"].create(
            {
                "dossier_id": dossier.id,
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "line_type": "labour",
                            "labour_type": "body",
                            "operation": "replace",
                            "name": "Voorbumper vervangen",
                            "labour_units": 12,
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "line_type": "part",
                            "name": "Voorbumper",
                            "price_unit": 400.0,
                            "vendor_id": supplier.id,
                        },
                    ),
                ],
            }
        )
        calculation.action_send()
        calculation.approval_ids.action_approve()
        self.start_tour(
            f"/odoo/action-bodyshop.bodyshop_dossier_action/{dossier.id}",
            "bodyshop_repair_tour",
            login="tour_repair",
        )
        self.assertEqual(dossier.state, "repair")
        self.assertTrue(dossier.repair_start)
        self.assertEqual(dossier.checkin_odometer, 61050)
        order = dossier.purchase_order_ids
        self.assertEqual(order.partner_id, supplier)
        self.assertEqual(order.state, "purchase")
        self.assertEqual(
            order.order_line.bodyshop_calculation_line_id.name, "Voorbumper"
        )
        self.assertEqual(dossier.courtesy_vehicle_id, courtesy_cars[0])
        self.assertEqual(dossier.courtesy_booking_id.state, "reserved")
        mails = self.env["mail.message"].search(
            [
                ("model", "=", "bodyshop.dossier"),
                ("res_id", "=", dossier.id),
                ("partner_ids", "in", customer.ids),
            ]
        )
        self.assertEqual(len(mails), 2)  # car received, repair started

    def test_tour_delivery(self):
        """From a car ready for pickup to the posted invoices."""
        company = self.env.company
        if not company.chart_template:
            self.env["account.chart.template"].try_loading(
                "nl", company, install_demo=False
            )
        company.bodyshop_invoice_post = True
        insurer = self.env["res.partner"].create(
            {"name": "Tourverzekeraar N.V.", "is_company": True}
        )
        customer = self.env["res.partner"].create({"name": "Tourklant Jansen"})
        brand = self.env["fleet.vehicle.model.brand"].create({"name": "Tourmerk"})
        model = self.env["fleet.vehicle.model"].create(
            {"name": "T1", "brand_id": brand.id}
        )
        vehicle = self.env["fleet.vehicle"].create(
            {
                "license_plate": "HZ-312-K",
                "model_id": model.id,
                "bodyshop_customer_vehicle": True,
            }
        )
        courtesy_car = self.env["fleet.vehicle"].create(
            {"license_plate": "GX-503-K", "model_id": model.id, "is_courtesy_car": True}
        )
        dossier = self.env["bodyshop.dossier"].create(
            {
                "customer_id": customer.id,
                "vehicle_id": vehicle.id,
                "payer_type": "insurer",
                "payer_id": insurer.id,
                "deductible_amount": 150.0,
                "checkin_date": fields.Datetime.now(),
            }
        )
        calculation = self.env["bodyshop.calculation"].create(
            {
                "dossier_id": dossier.id,
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "line_type": "part",
                            "name": "Koplamp",
                            "price_unit": 640.0,
                        },
                    )
                ],
            }
        )
        calculation.action_send()
        calculation.approval_ids.action_approve()
        dossier.action_create_final()
        dossier.current_calculation_id.action_send()
        dossier.current_calculation_id.approval_ids.action_approve()
        booking = self.env["bodyshop.courtesy.booking"].create(
            {
                "dossier_id": dossier.id,
                "vehicle_id": courtesy_car.id,
                "date_end": fields.Datetime.now() + timedelta(days=1),
            }
        )
        booking._hand_over(fields.Datetime.now() - timedelta(hours=1), 1000, "100")
        dossier.action_start_repair()
        dossier.action_ready()
        self.start_tour(
            f"/odoo/action-bodyshop.bodyshop_dossier_action/{dossier.id}",
            "bodyshop_delivery_tour",
            login="admin",
        )
        self.assertEqual(booking.state, "returned")
        self.assertEqual(booking.in_odometer, 1320)
        self.assertEqual(
            len(dossier.checklist_line_ids.filtered(lambda c: c.result == "ok")),
            len(dossier.checklist_line_ids),
        )
        invoices = dossier.invoice_ids
        self.assertEqual(len(invoices), 2)
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        self.assertEqual(dossier.state, "invoiced")
