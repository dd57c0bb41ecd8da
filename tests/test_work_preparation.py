from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import BodyshopCommon


@tagged("post_install", "-at_install")
class TestWorkPreparation(BodyshopCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.parts_dealer = Partner.create({"name": "Onderdelen Dealer B.V."})
        cls.aftermarket = Partner.create({"name": "Aftermarket Parts B.V."})
        cls.glass_shop = Partner.create({"name": "Ruitenspecialist B.V."})
        cls.dossier = cls._create_dossier()
        cls.calculation = cls.env["bodyshop.calculation"].create(
            {
                "dossier_id": cls.dossier.id,
                "line_ids": [
                    Command.create(
                        {
                            "line_type": "labour",
                            "labour_type": "body",
                            "operation": "replace",
                            "name": "Replace front bumper",
                            "labour_units": 15,
                        }
                    ),
                    Command.create(
                        {
                            "line_type": "part",
                            "operation": "replace",
                            "name": "Front bumper",
                            "part_number": "5G0807221",
                            "quantity": 1,
                            "price_unit": 420.0,
                            "vendor_id": cls.parts_dealer.id,
                        }
                    ),
                    Command.create(
                        {
                            "line_type": "part",
                            "name": "Grille clips",
                            "quantity": 4,
                            "price_unit": 2.5,
                            "vendor_id": cls.parts_dealer.id,
                        }
                    ),
                    Command.create(
                        {
                            "line_type": "part",
                            "name": "Headlamp left",
                            "quantity": 1,
                            "price_unit": 310.0,
                            "vendor_id": cls.aftermarket.id,
                        }
                    ),
                    Command.create(
                        {
                            "line_type": "sublet",
                            "name": "Wheel alignment",
                            "quantity": 1,
                            "price_unit": 95.0,
                            "vendor_id": cls.glass_shop.id,
                        }
                    ),
                ],
            }
        )

    def _approve(self, calculation=None):
        calculation = calculation or self.calculation
        calculation.action_send()
        calculation.approval_ids.filtered(
            lambda a: a.state == "pending"
        ).action_approve()

    def _line(self, name, calculation=None):
        calculation = calculation or self.dossier.current_calculation_id
        return calculation.line_ids.filtered(lambda li: li.name == name)

    # ordering parts

    def test_order_parts_refused_before_approval(self):
        with self.assertRaisesRegex(UserError, "once the paying party approved"):
            self.dossier.action_order_parts()
        self.calculation.action_send()
        with self.assertRaisesRegex(UserError, "once the paying party approved"):
            self.dossier.action_order_parts()
        self.assertFalse(self.dossier.purchase_order_ids)

    def test_order_parts_one_draft_order_per_supplier(self):
        self._approve()
        self.dossier.action_order_parts()
        orders = self.dossier.purchase_order_ids
        self.assertEqual(
            sorted(orders.partner_id.mapped("name")),
            sorted(
                [
                    "Onderdelen Dealer B.V.",
                    "Aftermarket Parts B.V.",
                    "Ruitenspecialist B.V.",
                ]
            ),
        )
        self.assertEqual(set(orders.mapped("state")), {"draft"})
        dealer_order = orders.filtered(lambda o: o.partner_id == self.parts_dealer)
        self.assertEqual(len(dealer_order.order_line), 2)
        bumper = self._line("Front bumper")
        self.assertEqual(bumper.purchase_line_ids.order_id, dealer_order)
        self.assertEqual(bumper.purchase_line_ids.name, "[5G0807221] Front bumper")
        clips = self._line("Grille clips")
        self.assertEqual(clips.purchase_line_ids.product_qty, 4)
        self.assertEqual(
            clips.purchase_line_ids.product_id,
            self.env.ref("bodyshop.product_product_part"),
        )
        alignment = self._line("Wheel alignment")
        self.assertEqual(
            alignment.purchase_line_ids.product_id,
            self.env.ref("bodyshop.product_product_sublet"),
        )
        # Labour is not purchased.
        self.assertFalse(self._line("Replace front bumper").purchase_line_ids)
        self.assertEqual(bumper.purchase_status, "requested")
        # Nothing left: a second click says so and orders nothing twice.
        with self.assertRaisesRegex(UserError, "has been ordered already"):
            self.dossier.action_order_parts()
        self.assertEqual(len(self.dossier.purchase_order_ids.order_line), 4)

    def test_rfq_priced_from_list_price_and_supplier_discount(self):
        """Parts are ordered at their list price less the supplier's discount,
        or at the supplier's own price list where Purchase has one; sublet
        work waits for the subcontractor's quote."""
        self.parts_dealer.bodyshop_supplier_discount = 20.0
        headlamp = self.env["product.product"].create(
            {
                "name": "Koplamp links",
                "purchase_ok": True,
                "seller_ids": [
                    Command.create({"partner_id": self.aftermarket.id, "price": 155.0})
                ],
            }
        )
        self._line("Headlamp left", self.calculation).product_id = headlamp
        self._approve()
        self.dossier.action_order_parts()
        self.assertEqual(self._line("Front bumper").purchase_line_ids.price_unit, 336.0)
        self.assertEqual(self._line("Grille clips").purchase_line_ids.price_unit, 2.0)
        self.assertEqual(
            self._line("Headlamp left").purchase_line_ids.price_unit, 155.0
        )
        self.assertEqual(
            self._line("Wheel alignment").purchase_line_ids.price_unit, 0.0
        )
        self.assertEqual(self._line("Front bumper").price_unit, 420.0, "sale untouched")

    def test_cancel_with_purchase_orders(self):
        """Cancelling a dossier cancels its requests for quotation and warns
        about the orders confirmed with a supplier, which stay open."""
        self._approve()
        self.dossier.action_order_parts()
        orders = self.dossier.purchase_order_ids
        confirmed = orders.filtered(lambda o: o.partner_id == self.glass_shop)
        confirmed.button_confirm()
        # The cancel button says it first.
        ask = self.dossier.action_ask_cancel()
        wizard = Form(self.env[ask["res_model"]].with_context(**ask["context"]))
        self.assertEqual(wizard.open_order_ids[:], confirmed)
        self.assertEqual(wizard.draft_order_ids[:], orders - confirmed)
        self.assertEqual(self.dossier.state, "approved", "only asked so far")
        action = self.dossier.action_cancel()
        self.assertEqual(self.dossier.state, "cancelled")
        self.assertEqual(set((orders - confirmed).mapped("state")), {"cancel"})
        self.assertEqual(confirmed.state, "purchase")
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn(confirmed.name, action["params"]["message"])
        self.assertIn("Ruitenspecialist", action["params"]["message"])
        # Without confirmed orders there is nothing to warn about.
        other = self._create_dossier(
            vehicle_id=self._create_vehicle("TZ-109-B", self.model_petrol).id
        )
        self.assertIs(other.action_cancel(), True)

    def test_order_parts_needs_a_supplier(self):
        self._line("Headlamp left", self.calculation).vendor_id = False
        self._approve()
        with self.assertRaisesRegex(UserError, "Headlamp left"):
            self.dossier.action_order_parts()
        self.assertFalse(self.dossier.purchase_order_ids)
        # The supplier can be chosen on the approved version (it does not
        # change what was approved).
        self._line("Headlamp left").vendor_id = self.aftermarket
        self.dossier.action_order_parts()
        self.assertEqual(len(self.dossier.purchase_order_ids), 3)

    def test_approved_version_keeps_prices_locked(self):
        self._approve()
        with self.assertRaisesRegex(UserError, "read-only"):
            self._line("Front bumper").price_unit = 1.0

    def test_receipt_status_and_late_parts(self):
        self._approve()
        self.dossier.action_order_parts()
        bumper = self._line("Front bumper")
        order = bumper.purchase_line_ids.order_id
        order.button_confirm()
        self.assertEqual(order.state, "purchase")
        bumper.invalidate_recordset()
        self.assertEqual(bumper.purchase_status, "ordered")
        self.assertEqual(bumper.qty_ordered, 1)
        # Expected yesterday, not received: late, and the dossier says so.
        bumper.purchase_line_ids.date_planned = fields.Datetime.now() - timedelta(
            days=1
        )
        bumper.invalidate_recordset()
        self.dossier.invalidate_recordset()
        self.assertEqual(bumper.purchase_status, "late")
        self.assertTrue(self.dossier.parts_late)
        self.assertIn(
            self.dossier,
            self.env["bodyshop.dossier"].search([("parts_late", "=", True)]),
        )
        bumper.purchase_line_ids.qty_received = 1
        bumper.invalidate_recordset()
        self.dossier.invalidate_recordset()
        self.assertEqual(bumper.purchase_status, "received")
        self.assertFalse(self.dossier.parts_late)
        self.assertNotIn(
            self.dossier,
            self.env["bodyshop.dossier"].search([("parts_late", "=", True)]),
        )
        self.assertEqual(self.dossier.parts_status, "1 / 4 received")

    def test_confirmed_price_flows_back_as_cost(self):
        self._approve()
        self.dossier.action_order_parts()
        alignment = self._line("Wheel alignment")
        rfq_line = alignment.purchase_line_ids
        # The subcontractor quotes 62.50; the shop confirms the order.
        rfq_line.price_unit = 62.5
        self.assertFalse(alignment.cost_price)
        rfq_line.order_id.button_confirm()
        self.assertEqual(alignment.cost_price, 62.5)
        self.assertEqual(self.dossier.cost_sublet, 62.5)
        self.assertEqual(self.dossier.cost_parts, 0.0)
        bumper_line = self._line("Front bumper").purchase_line_ids
        bumper_line.price_unit = 301.15
        bumper_line.order_id.button_confirm()
        # The dealer's order holds the bumper and 4 clips at their list price
        # (the dealer gives no discount).
        self.assertEqual(self._line("Front bumper").cost_price, 301.15)
        self.assertEqual(self._line("Grille clips").cost_price, 2.5)
        self.assertEqual(self.dossier.cost_parts, 311.15)
        # The approved amount is untouched by the cost.
        self.assertEqual(self.calculation.amount_sublet, 95.0)

    def test_supplement_orders_only_the_extra_parts(self):
        self._approve()
        self.dossier.action_order_parts()
        self.dossier.purchase_order_ids.button_confirm()
        self.dossier.checkin_date = fields.Datetime.now()
        self.dossier.action_start_repair()
        # Hidden damage: a bracket and a second set of clips.
        self.dossier.action_create_supplement()
        supplement = self.dossier.current_calculation_id
        self.assertEqual(supplement.calc_type, "supplement")
        clips = self._line("Grille clips", supplement)
        clips.quantity = 6
        self.env["bodyshop.calculation.line"].create(
            {
                "calculation_id": supplement.id,
                "line_type": "part",
                "name": "Bumper bracket",
                "quantity": 1,
                "price_unit": 45.0,
                "vendor_id": self.parts_dealer.id,
            }
        )
        # Not yet approved: the approved version's lines are all ordered.
        with self.assertRaisesRegex(UserError, "has been ordered already"):
            self.dossier.action_order_parts()
        self._approve(supplement)
        self.assertEqual(self.calculation.state, "superseded")
        self.assertEqual(self.dossier.state, "repair")
        # The copied lines know they were ordered in version 1.
        self.assertEqual(self._line("Front bumper").purchase_status, "ordered")
        self.dossier.action_order_parts()
        new_order = self.dossier.purchase_order_ids.filtered(
            lambda o: o.state == "draft"
        )
        self.assertEqual(new_order.partner_id, self.parts_dealer)
        self.assertEqual(sorted(new_order.order_line.mapped("product_qty")), [1.0, 2.0])
        self.assertEqual(
            new_order.order_line.bodyshop_calculation_line_id.mapped("name"),
            ["Grille clips", "Bumper bracket"],
        )

    # state guards

    def test_start_repair_guards(self):
        with self.assertRaisesRegex(UserError, "only after the paying party"):
            self.dossier.action_start_repair()
        self._approve()
        self.assertEqual(self.dossier.state, "approved")
        with self.assertRaisesRegex(UserError, "check the car in"):
            self.dossier.action_start_repair()
        self.assertEqual(self.dossier.state, "approved")
        self.assertFalse(self.dossier.repair_start)
        self.dossier.checkin_date = fields.Datetime.now()
        self.dossier.action_start_repair()
        self.assertEqual(self.dossier.state, "repair")
        self.assertTrue(self.dossier.repair_start)

    def test_start_repair_refused_for_undeclared_ev(self):
        dossier = self._create_dossier(
            vehicle_id=self.ev_vehicle.id, ev_risk_class="amber"
        )
        calculation = self.env["bodyshop.calculation"].create(
            {
                "dossier_id": dossier.id,
                "rate_body": 60.0,
                "line_ids": [
                    Command.create(
                        {
                            "line_type": "labour",
                            "labour_type": "body",
                            "name": "Repair door",
                            "labour_units": 10,
                        }
                    )
                ],
            }
        )
        self._approve(calculation)
        dossier._do_checkin(fields.Datetime.now(), 0)
        with self.assertRaisesRegex(UserError, "voltage-free"):
            dossier.action_start_repair()
        self.assertEqual(dossier.state, "approved")
        dossier.write(
            {
                "ev_safe_declared_by": "P. de Vries, AVP/VP",
                "ev_safe_declared_on": fields.Datetime.now(),
            }
        )
        dossier.action_start_repair()
        self.assertEqual(dossier.state, "repair")

    def test_ready_guards(self):
        self._approve()
        with self.assertRaisesRegex(UserError, "only a car in repair"):
            self.dossier.action_ready()
        self.dossier.action_order_parts()
        self.dossier.purchase_order_ids.button_confirm()
        self.dossier.checkin_date = fields.Datetime.now()
        self.dossier.action_start_repair()
        with self.assertRaisesRegex(UserError, "not been received yet"):
            self.dossier.action_ready()
        self.dossier.purchase_order_ids.order_line.qty_received = 6
        # A supplement still waiting for approval holds the car too.
        self.dossier.action_create_supplement()
        with self.assertRaisesRegex(UserError, "must be approved"):
            self.dossier.action_ready()
        self.assertEqual(self.dossier.state, "repair")
        self._approve(self.dossier.current_calculation_id)
        self.dossier.action_ready()
        self.assertEqual(self.dossier.state, "ready")
        self.assertTrue(self.dossier.repair_end)
        self.dossier.action_resume_repair()
        self.assertEqual(self.dossier.state, "repair")
        self.assertFalse(self.dossier.repair_end)

    # check-in

    def test_checkin_records_new_damage_with_note_and_photos(self):
        self.dossier.odometer_intake = 48000
        wizard_action = self.dossier.action_checkin()
        self.assertEqual(wizard_action["res_model"], "bodyshop.checkin.wizard")
        form = Form(
            self.env["bodyshop.checkin.wizard"].with_context(
                default_dossier_id=self.dossier.id
            )
        )
        self.assertEqual(form.odometer, 48000)
        form.odometer = 48012
        wizard = form.save()
        # The form asks the note; the server refuses it too (RPC clients).
        wizard.new_damage = True
        with self.assertRaisesRegex(ValidationError, "describe the new damage"):
            wizard.action_confirm()
        self.assertFalse(self.dossier.checkin_date)
        photo = self.env["ir.attachment"].create(
            {
                "name": "scratch.png",
                "raw": b"\x89PNG\r\n\x1a\n" + b"0" * 16,
                "mimetype": "image/png",
            }
        )
        wizard.write(
            {"note": "Scratch on the rear door", "photo_ids": [Command.set(photo.ids)]}
        )
        wizard.action_confirm()
        self.assertTrue(self.dossier.checkin_date)
        self.assertTrue(self.dossier.checkin_new_damage)
        self.assertEqual(self.dossier.checkin_odometer, 48012)
        self.assertEqual(photo.bodyshop_photo_phase, "checkin")
        self.assertEqual(photo.res_id, self.dossier.id)

    def test_checkin_odometer_cannot_go_back(self):
        self.dossier.odometer_intake = 48000
        wizard = self.env["bodyshop.checkin.wizard"].create(
            {"dossier_id": self.dossier.id, "odometer": 47000}
        )
        with self.assertRaisesRegex(ValidationError, "less than at intake"):
            wizard.action_confirm()
        self.assertFalse(self.dossier.checkin_date)

    # milestone mails

    def _customer_mails(self):
        return self.env["mail.message"].search(
            [
                ("model", "=", "bodyshop.dossier"),
                ("res_id", "=", self.dossier.id),
                ("message_type", "=", "comment"),
                ("partner_ids", "in", self.customer.ids),
            ],
            order="id",
        )

    def test_mail_at_each_milestone(self):
        self.customer.lang = "en_US"
        self._approve()
        self.env["bodyshop.checkin.wizard"].create(
            {"dossier_id": self.dossier.id}
        ).action_confirm()
        self.dossier.action_order_parts()
        self.dossier.purchase_order_ids.button_confirm()
        self.dossier.purchase_order_ids.order_line.qty_received = 6
        self.dossier.action_start_repair()
        self.dossier.action_create_supplement()
        self.dossier.current_calculation_id.action_send()
        self.dossier.current_calculation_id.approval_ids.action_approve()
        self.dossier.action_ready()
        subjects = self._customer_mails().mapped("subject")
        self.assertEqual(len(subjects), 4, subjects)
        self.assertIn("We have received your car TZ-101-B", subjects[0])
        self.assertIn("has started", subjects[1])
        self.assertIn("extra damage found", subjects[2])
        self.assertIn("is ready for pickup", subjects[3])
        mails = self.env["mail.mail"].search(
            [("model", "=", "bodyshop.dossier"), ("res_id", "=", self.dossier.id)]
        )
        self.assertTrue(
            all(self.customer in mail.recipient_ids for mail in mails), mails
        )

    def test_milestone_mail_in_dutch(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        self.env["ir.module.module"]._load_module_terms(["bodyshop"], ["nl_NL"])
        self.customer.lang = "nl_NL"
        self.env["bodyshop.checkin.wizard"].create(
            {"dossier_id": self.dossier.id}
        ).action_confirm()
        self.assertIn("Wij hebben uw auto TZ-101-B", self._customer_mails().subject)

    def test_opt_out_sends_no_mail(self):
        self.dossier.customer_updates = False
        self._approve()
        self.env["bodyshop.checkin.wizard"].create(
            {"dossier_id": self.dossier.id}
        ).action_confirm()
        self.dossier.action_start_repair()
        self.assertFalse(self._customer_mails())

    # ADAS

    def test_adas_calibration_proposed(self):
        calculation = self.env["bodyshop.calculation"].create(
            {
                "dossier_id": self._create_dossier().id,
                "line_ids": [
                    Command.create(
                        {
                            "line_type": "part",
                            "operation": "replace",
                            "name": "Voorruit met camerahouder",
                            "price_unit": 650.0,
                        }
                    ),
                    Command.create(
                        {
                            "line_type": "labour",
                            "labour_type": "body",
                            "operation": "repair",
                            "name": "Spiegelkap rechts uitdeuken",
                            "labour_units": 4,
                        }
                    ),
                    Command.create(
                        {
                            "line_type": "labour",
                            "labour_type": "body",
                            "operation": "check",
                            "name": "Check front bumper",
                            "labour_units": 2,
                        }
                    ),
                ],
            }
        )
        windscreen, mirror, bumper = calculation.line_ids.sorted("id")
        self.assertEqual(windscreen.adas_component, "windscreen")
        self.assertEqual(mirror.adas_component, "mirror")
        # Only checked: the radar is not disturbed.
        self.assertEqual(bumper.adas_component, "front_radar")
        self.assertIn("Windscreen", calculation.adas_missing)
        self.assertIn("Door Mirror", calculation.adas_missing)
        self.assertNotIn("Radar", calculation.adas_missing)
        calculation.action_add_adas_calibration()
        calibrations = calculation.line_ids.filtered(
            lambda li: li.operation == "calibrate"
        )
        self.assertEqual(
            sorted(calibrations.mapped("adas_component")), ["mirror", "windscreen"]
        )
        self.assertEqual(set(calibrations.mapped("line_type")), {"sublet"})
        self.assertFalse(calculation.adas_missing)
        with self.assertRaisesRegex(UserError, "no further ADAS calibration"):
            calculation.action_add_adas_calibration()

    # OEM repair information

    def test_oem_information_for_model_and_make(self):
        RepairInfo = self.env["bodyshop.repair.info"]
        for_model = RepairInfo.create(
            {
                "name": "Sectioning of the sill",
                "model_id": self.model_petrol.id,
                "url": "https://oem.example.com/sill",
            }
        )
        for_make = RepairInfo.create(
            {
                "name": "Bonding only on aluminium parts",
                "brand_id": self.brand.id,
                "info_type": "position_statement",
                "note": "No welding on aluminium.",
            }
        )
        other_model = RepairInfo.create(
            {
                "name": "HV battery removal",
                "model_id": self.model_ev.id,
                "info_type": "ev_safety",
                "note": "See manual.",
            }
        )
        self.assertEqual(for_model.brand_id, self.brand)
        self.assertEqual(self.dossier.repair_info_ids, for_model | for_make)
        self.assertNotIn(other_model, self.dossier.repair_info_ids)
        with self.assertRaisesRegex(ValidationError, "needs a link, a document"):
            RepairInfo.create({"name": "Empty", "brand_id": self.brand.id})
        # Instructions per operation, recorded on the sent version too.
        self.calculation.action_send()
        bumper_labour = self._line("Replace front bumper")
        bumper_labour.write(
            {"oem_instruction": "replace_only", "repair_info_id": for_model.id}
        )
        self.dossier.invalidate_recordset(["oem_coverage"])
        # Labour operations count; the parts are not operations.
        self.assertEqual(self.dossier.oem_coverage, "1 of 1 operations")

    def test_work_order_pdf(self):
        self._approve()
        self.dossier.action_order_parts()
        pdf, report_format = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("bodyshop.action_report_work_order", self.dossier.ids)
        )
        self.assertEqual(report_format, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertGreater(len(pdf), 1000)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("bodyshop.action_report_work_order", self.dossier.ids)[0]
            .decode()
        )
        self.assertIn("Work Order", html)
        self.assertIn("Replace front bumper", html)
        self.assertIn("5G0807221", html)
        self.assertIn("Requested", html)
        self.assertIn("Wheel Alignment", html)  # ADAS box: alignment sublet
        self.assertNotIn("420", html)  # no prices for the workshop

    def test_work_order_holds_the_extra_work(self):
        """Meerwerk the customer pays is work for the workshop too."""
        self.env["bodyshop.calculation.line"].create(
            [
                {
                    "calculation_id": self.calculation.id,
                    "line_type": "other",
                    "name": "Steenslag voorruit herstellen",
                    "quantity": 1,
                    "price_unit": 65.0,
                    "customer_paid": True,
                },
                {
                    "calculation_id": self.calculation.id,
                    "line_type": "part",
                    "name": "Velgen poedercoaten",
                    "quantity": 4,
                    "price_unit": 95.0,
                    "customer_paid": True,
                },
            ]
        )
        self._approve()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("bodyshop.action_report_work_order", self.dossier.ids)[0]
            .decode()
        )
        self.assertIn("Steenslag voorruit herstellen", html)
        self.assertIn("Velgen poedercoaten", html)
        self.assertIn("Other Work", html)
        self.assertEqual(html.count("Extra work (customer)"), 2)

    # access

    def test_schademanager_runs_the_work_preparation(self):
        """The body shop user (no other rights given) orders, books, checks in
        and starts the repair; a plain employee cannot see bookings."""
        courtesy_car = self.env["fleet.vehicle"].create(
            {
                "license_plate": "GX-777-K",
                "model_id": self.model_petrol.id,
                "is_courtesy_car": True,
            }
        )
        self._approve()
        dossier = self.dossier.with_user(self.bs_user)
        dossier.action_order_parts()
        dossier.purchase_order_ids.button_confirm()
        booking = (
            self.env["bodyshop.courtesy.booking"]
            .with_user(self.bs_user)
            .create(
                {
                    "dossier_id": dossier.id,
                    "vehicle_id": courtesy_car.id,
                    "date_end": fields.Datetime.now() + timedelta(days=2),
                }
            )
        )
        booking._hand_over(fields.Datetime.now(), 100, "100")
        self.env["bodyshop.checkin.wizard"].with_user(self.bs_user).create(
            {"dossier_id": dossier.id}
        ).action_confirm()
        dossier.action_start_repair()
        self.assertEqual(self.dossier.state, "repair")
        self.assertEqual(booking.state, "out")
        self.assertEqual(
            set(self.dossier.purchase_order_ids.mapped("state")), {"purchase"}
        )
        with self.assertRaises(AccessError):
            booking.with_user(self.plain_user).read(["state"])
        with self.assertRaises(AccessError):
            self.env["bodyshop.repair.info"].with_user(self.plain_user).search([])

    def test_reports_by_type_on_the_dossier(self):
        Attachment = self.env["ir.attachment"]
        scan = Attachment.create(
            {
                "name": "prescan.pdf",
                "raw": b"%PDF-1.4 scan",
                "res_model": "bodyshop.dossier",
                "res_id": self.dossier.id,
                "bodyshop_document_type": "pre_scan",
            }
        )
        Attachment.create(
            {
                "name": "letter.pdf",
                "raw": b"%PDF-1.4 letter",
                "res_model": "bodyshop.dossier",
                "res_id": self.dossier.id,
            }
        )
        self.assertEqual(self.dossier.document_ids, scan)
        self.assertEqual(self.dossier.document_ids.bodyshop_document_type, "pre_scan")

    def test_generic_products_keep_no_vendor(self):
        """Confirming an order of a part without a product of its own does not
        make its supplier (and price) the default for every other part."""
        self._approve()
        self.dossier.action_order_parts()
        self.dossier.purchase_order_ids.order_line.price_unit = 10.0
        self.dossier.purchase_order_ids.button_confirm()
        self.assertFalse(self.env.ref("bodyshop.product_product_part").seller_ids)
        self.assertFalse(self.env.ref("bodyshop.product_product_sublet").seller_ids)
