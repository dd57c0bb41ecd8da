from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import SQL

from .common import BodyshopCommon


@tagged("post_install", "-at_install")
class TestInvoicing(BodyshopCommon):
    """The three ways of MODEL.md to split the bill, to the cent, with the
    company's real 21 % VAT."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.company.chart_template:
            cls.env["account.chart.template"].try_loading(
                "nl", cls.company, install_demo=False
            )
        cls.tax21 = cls.company.account_sale_tax_id
        cls.company.bodyshop_invoice_post = True
        cls.insurer.email = "claims@insurer.example.com"

    def _final_dossier(self, lines, params=None, **dossier_vals):
        """A dossier whose approved final calculation holds ``lines``."""
        dossier = self._create_dossier(**dossier_vals)
        calculation = self.env["bodyshop.calculation"].create(
            {
                "dossier_id": dossier.id,
                "paint_material_method": "percent_paint_labour",
                "paint_material_pct": 0.0,
                "small_parts_pct": 0.0,
                "small_parts_min": 0.0,
                "small_parts_max": 0.0,
                "parts_discount_pct": 0.0,
                **(params or {}),
                "line_ids": [Command.create(vals) for vals in lines],
            }
        )
        self._approve(calculation)
        dossier.action_create_final()
        self._approve(dossier.current_calculation_id)
        return dossier

    def _approve(self, calculation):
        calculation.action_send()
        calculation.approval_ids.filtered(
            lambda a: a.state == "pending"
        ).action_approve()

    @staticmethod
    def _part(name, price, **vals):
        return {
            "line_type": "part",
            "name": name,
            "quantity": 1,
            "price_unit": price,
            **vals,
        }

    def _invoices(self, dossier):
        return dossier.invoice_ids.sorted("id")

    def _by_role(self, dossier, role):
        return dossier.invoice_ids.filtered(lambda m: m.bodyshop_invoice_role == role)

    def test_private_customer_pays_everything(self):
        dossier = self._final_dossier(
            [
                self._part("Voorscherm", 1234.56),
                self._part("Velgen poedercoaten", 100.0, customer_paid=True),
            ],
            payer_type="private",
        )
        calculation = dossier.current_calculation_id
        dossier.action_create_invoices()
        invoice = self._invoices(dossier)
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.partner_id, self.customer)
        self.assertEqual(invoice.bodyshop_invoice_role, "customer")
        self.assertEqual(invoice.state, "posted")
        self.assertAlmostEqual(invoice.amount_untaxed, 1334.56, places=2)
        self.assertAlmostEqual(invoice.amount_tax, 280.26, places=2)
        self.assertAlmostEqual(invoice.amount_total, calculation.amount_total, places=2)
        self.assertEqual(invoice.bodyshop_calculation_id, calculation)

    def test_insurer_pays_all_but_the_deductible(self):
        """Deductible 250.00 on 1,234.56 excluding VAT, customer not VAT-liable."""
        dossier = self._final_dossier(
            [
                self._part("Achterbumper", 1234.56),
                self._part("Trekhaak (meerwerk)", 100.0, customer_paid=True),
            ],
            deductible_amount=250.0,
        )
        calculation = dossier.current_calculation_id
        self.assertAlmostEqual(calculation.amount_payer_untaxed, 1234.56, places=2)
        self.assertAlmostEqual(calculation.amount_payer_tax, 259.26, places=2)
        dossier.action_create_invoices()
        payer = self._by_role(dossier, "payer")
        customer = self._by_role(dossier, "customer")
        self.assertEqual(payer.partner_id, self.insurer)
        self.assertEqual(customer.partner_id, self.customer)
        # U + T - D for the insurer; D (VAT included) + meerwerk for the customer.
        self.assertAlmostEqual(payer.amount_total, 1493.82 - 250.0, places=2)
        self.assertAlmostEqual(customer.amount_total, 250.0 + 121.0, places=2)
        # The deductible's VAT moves from the insurer to the customer.
        self.assertAlmostEqual(payer.amount_tax, 259.26 - 43.39, places=2)
        self.assertAlmostEqual(customer.amount_tax, 43.39 + 21.0, places=2)
        self.assertAlmostEqual(
            payer.amount_total + customer.amount_total,
            calculation.amount_total,
            places=2,
        )
        self.assertAlmostEqual(
            payer.amount_tax + customer.amount_tax, calculation.amount_tax, places=2
        )
        self.assertEqual(payer.bodyshop_related_invoice_ids, customer)
        self.assertEqual(customer.bodyshop_related_invoice_ids, payer)
        # Both post and are paid like any invoice.
        for invoice in payer | customer:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({})._create_payments()
            self.assertIn(invoice.payment_state, ("paid", "in_payment"))

    def test_vat_registered_customer_pays_the_vat(self):
        dossier = self._final_dossier(
            [self._part("Portier", 1234.56)],
            deductible_amount=250.0,
            customer_vat_liable=True,
            payer_type="lease",
            payer_id=self.lease_company.id,
        )
        calculation = dossier.current_calculation_id
        dossier.action_create_invoices()
        payer = self._by_role(dossier, "payer")
        customer = self._by_role(dossier, "customer")
        self.assertEqual(payer.partner_id, self.lease_company)
        # Lease company: U - D, without VAT.
        self.assertAlmostEqual(payer.amount_total, 984.56, places=2)
        self.assertAlmostEqual(payer.amount_tax, 0.0, places=2)
        # Customer: every line (base U, VAT T) less the lease company's share.
        self.assertAlmostEqual(customer.amount_tax, 259.26, places=2)
        self.assertAlmostEqual(customer.amount_total, 259.26 + 250.0, places=2)
        self.assertAlmostEqual(
            payer.amount_total + customer.amount_total,
            calculation.amount_total,
            places=2,
        )

    def test_labour_and_computed_amounts_are_invoiced_to_the_cent(self):
        dossier = self._final_dossier(
            [
                {
                    "line_type": "labour",
                    "labour_type": "body",
                    "name": "Portier uitdeuken",
                    "labour_units": 17,
                },
                {
                    "line_type": "labour",
                    "labour_type": "paint",
                    "name": "Portier spuiten",
                    "labour_units": 23,
                    "discount": 7.5,
                },
                self._part("Sierlijst", 38.9, quantity=3, nvo_pct=12.5, discount=8),
                {
                    "line_type": "sublet",
                    "name": "Uitlijnen",
                    "quantity": 1,
                    "price_unit": 95.0,
                },
            ],
            params={
                "paint_material_pct": 38.0,
                "small_parts_pct": 2.0,
                "small_parts_min": 12.5,
                "units_per_hour": 10,
                "rate_body": 58.5,
                "rate_paint": 61.35,
            },
            deductible_amount=135.0,
        )
        calculation = dossier.current_calculation_id
        self.assertTrue(calculation.amount_paint_material)
        self.assertTrue(calculation.amount_small_parts)
        dossier.action_create_invoices()
        invoices = dossier.invoice_ids
        self.assertAlmostEqual(
            sum(invoices.mapped("amount_untaxed")),
            calculation.amount_payer_untaxed,
            places=2,
        )
        self.assertAlmostEqual(
            sum(invoices.mapped("amount_tax")), calculation.amount_tax, places=2
        )
        payer = self._by_role(dossier, "payer")
        labour = payer.invoice_line_ids.filtered(
            lambda li: li.product_id == self.env.ref("bodyshop.product_product_labour")
        )
        # 17 AE at 10 AE an hour: 1.7 hours at the body rate.
        self.assertIn(1.7, labour.mapped("quantity"))

    def test_refusals(self):
        dossier = self._create_dossier(deductible_amount=50.0)
        calculation = self.env["bodyshop.calculation"].create(
            {
                "dossier_id": dossier.id,
                "line_ids": [Command.create(self._part("Spiegel", 100.0))],
            }
        )
        with self.assertRaisesRegex(UserError, "from the approval up to the delivery"):
            dossier.action_create_invoices()
        self._approve(calculation)
        with self.assertRaisesRegex(UserError, "make the final calculation first"):
            dossier.action_create_invoices()
        dossier.action_create_final()
        with self.assertRaisesRegex(UserError, "must be approved"):
            dossier.action_create_invoices()
        self.assertFalse(dossier.invoice_ids)

    def test_deductible_larger_than_the_total(self):
        dossier = self._final_dossier(
            [self._part("Spiegelglas", 80.0)], deductible_amount=250.0
        )
        with self.assertRaisesRegex(UserError, "more than the paying party's total"):
            dossier.action_create_invoices()
        self.assertFalse(dossier.invoice_ids)
        self.assertFalse(dossier.invoiced_calculation_id)
        dossier.customer_vat_liable = True
        with self.assertRaisesRegex(UserError, "more than the amount excluding VAT"):
            dossier.action_create_invoices()
        self.assertFalse(dossier.invoice_ids)

    def test_invoicing_twice_is_refused(self):
        dossier = self._final_dossier([self._part("Koplamp", 400.0)])
        dossier.action_create_invoices()
        with self.assertRaisesRegex(UserError, "has been invoiced already"):
            dossier.action_create_invoices()
        self.assertEqual(len(dossier.invoice_ids), 1)

    def test_late_part_becomes_a_supplement_invoice(self):
        dossier = self._final_dossier(
            [self._part("Koplamp", 400.0)], deductible_amount=100.0
        )
        final = dossier.current_calculation_id
        dossier.action_create_invoices()
        first = dossier.invoice_ids
        dossier.action_create_supplement()
        supplement = dossier.current_calculation_id
        self.env["bodyshop.calculation.line"].create(
            {"calculation_id": supplement.id, **self._part("Koplampsteun", 80.0)}
        )
        self._approve(supplement)
        dossier.action_create_invoices()
        extra = dossier.invoice_ids - first
        self.assertEqual(len(extra), 1)
        self.assertEqual(extra.partner_id, self.insurer)
        self.assertEqual(extra.bodyshop_calculation_id, supplement)
        # Only the late part, and no second deductible.
        self.assertAlmostEqual(extra.amount_total, 96.8, places=2)
        self.assertAlmostEqual(
            sum(dossier.invoice_ids.mapped("amount_total")),
            supplement.amount_total,
            places=2,
        )
        self.assertEqual(final.state, "superseded")

    def test_margin_from_vendor_bill_and_invoice(self):
        self.company.write(
            {"bodyshop_cost_rate_body": 32.0, "bodyshop_paint_cost_pct": 50.0}
        )
        supplier = self.env["res.partner"].create({"name": "Leverancier B.V."})
        dossier = self._final_dossier(
            [
                {
                    "line_type": "labour",
                    "labour_type": "body",
                    "name": "Bumper vervangen",
                    "labour_units": 20,
                },
                self._part("Bumper", 500.0, vendor_id=supplier.id),
            ]
        )
        # Sold, not bought yet: the margin says its cost is missing.
        self.assertTrue(dossier.cost_incomplete)
        dossier.action_order_parts()
        order = dossier.purchase_order_ids
        order.order_line.price_unit = 300.0
        order.button_confirm()
        self.assertEqual(dossier.cost_parts, 300.0)
        self.assertFalse(dossier.cost_incomplete)
        order.order_line.qty_received = 1
        order.action_create_invoice()
        bill = order.invoice_ids
        bill.invoice_date = fields.Date.today()
        bill.invoice_line_ids.price_unit = 310.0  # the supplier billed more
        bill.action_post()
        dossier.action_create_invoices()
        revenue = dossier.current_calculation_id.amount_payer_untaxed
        self.assertAlmostEqual(dossier.amount_invoiced, revenue, places=2)
        self.assertEqual(dossier.cost_parts, 310.0)
        # 20 AE = 2 hours at 32.00.
        self.assertEqual(dossier.cost_labour, 64.0)
        self.assertAlmostEqual(dossier.margin, revenue - 310.0 - 64.0, places=2)
        self.assertAlmostEqual(
            dossier.margin_percent, dossier.margin / revenue * 100, places=1
        )

    def test_kpis(self):
        now = fields.Datetime.now()
        quick = self._final_dossier([self._part("Spiegel", 200.0)])
        quick.write(
            {
                "intake_date": now - timedelta(days=4),
                "repair_start": now - timedelta(days=3),
                "repair_end": now - timedelta(days=1),
                "delivery_date": now,
                "state": "delivered",
            }
        )
        quick.action_create_invoices()
        self.assertEqual(quick.key_to_key_days, 4)
        self.assertEqual(quick.repair_cycle_days, 2.0)
        self.assertFalse(quick.has_supplement)
        with_supplement = self._final_dossier([self._part("Scherm", 300.0)])
        with_supplement.write(
            {"checkin_date": now, "intake_date": now - timedelta(days=2)}
        )
        with_supplement.action_start_repair()
        with_supplement.action_create_supplement()
        self._approve(with_supplement.current_calculation_id)
        self.assertTrue(with_supplement.has_supplement)
        total_loss = self._create_dossier()
        total_loss.action_total_loss()
        still_open = self._create_dossier()
        dossiers = quick | with_supplement | total_loss | still_open
        self.env.flush_all()
        Report = self.env["bodyshop.kpi.report"]
        (data,) = Report._read_group(
            [("dossier_id", "in", dossiers.ids)],
            [],
            [
                "key_to_key_days:avg",
                "repair_cycle_days:avg",
                "supplement_rate:avg",
                "total_loss_rate:avg",
                "repair_amount:avg",
                "__count",
            ],
        )
        key_to_key, cycle, supplement_rate, total_loss_rate, amount, count = data
        self.assertEqual(count, 4)
        # Averages over the dossiers a figure applies to, not over all four.
        self.assertEqual(key_to_key, 4.0)  # only the delivered car
        self.assertEqual(cycle, 2.0)
        self.assertEqual(supplement_rate, 50.0)  # 1 of the 2 repaired cars
        self.assertEqual(total_loss_rate, 50.0)  # 1 of the 2 closed dossiers
        self.assertAlmostEqual(amount, 200.0, places=2)  # invoiced, excl. VAT
        # The insurer answered the first calculation two days after it was sent.
        first = quick.calculation_ids.approval_ids.sorted("id")[0]
        first.requested_on = first.responded_on - timedelta(days=2)
        self.env.flush_all()
        Report.invalidate_model()
        approval = Report.search([("dossier_id", "=", quick.id)]).approval_lead_days
        self.assertEqual(approval, 2.0)
        # A dossier whose calculation was never answered counts for nothing.
        self.assertFalse(
            Report.search([("dossier_id", "=", still_open.id)]).approval_lead_days
        )

    # delivery

    def _ready_dossier(self, **vals):
        dossier = self._final_dossier([self._part("Velg", 250.0)], **vals)
        dossier.checkin_date = fields.Datetime.now()
        dossier.action_start_repair()
        dossier.action_ready()
        return dossier

    def test_delivery_wizard(self):
        courtesy_car = self.env["fleet.vehicle"].create(
            {
                "license_plate": "GX-321-K",
                "model_id": self.model_petrol.id,
                "is_courtesy_car": True,
            }
        )
        dossier = self._ready_dossier(odometer_intake=40000)
        booking = self.env["bodyshop.courtesy.booking"].create(
            {
                "dossier_id": dossier.id,
                "vehicle_id": courtesy_car.id,
                "date_start": fields.Datetime.now() - timedelta(days=2),
                "date_end": fields.Datetime.now() + timedelta(days=2),
            }
        )
        booking._hand_over(booking.date_start, 1000, "100")
        action = dossier.action_deliver()
        form = Form(
            self.env["bodyshop.delivery.wizard"].with_context(**action["context"])
        )
        self.assertEqual(form.handed_to, "Jan Klant")
        self.assertEqual(form.booking_id, booking)
        # The form asks the courtesy car's return; the server refuses too.
        wizard = self.env["bodyshop.delivery.wizard"].create({"dossier_id": dossier.id})
        self.assertTrue(wizard.line_ids)
        with self.assertRaisesRegex(ValidationError, "give a result for"):
            wizard.action_confirm()
        wizard.line_ids.result = "ok"
        wizard.line_ids[0].result = "failed"
        with self.assertRaisesRegex(ValidationError, "say what is wrong"):
            wizard.action_confirm()
        wizard.line_ids[0].note = "Kleine stofinsluiting, met klant besproken"
        with self.assertRaisesRegex(ValidationError, "record its return"):
            wizard.action_confirm()
        self.assertEqual(dossier.state, "ready")
        self.assertEqual(booking.state, "out")
        wizard.write({"courtesy_odometer": 1240, "courtesy_fuel_level": "75"})
        wizard.action_confirm()
        self.assertEqual(dossier.state, "delivered")
        self.assertTrue(dossier.delivery_date)
        self.assertEqual(booking.state, "returned")
        self.assertEqual(len(dossier.checklist_line_ids), len(wizard.line_ids))
        self.assertEqual(dossier.checklist_line_ids[0].result, "failed")
        # Invoices posted after the delivery make the dossier invoiced.
        self.company.bodyshop_invoice_post = False
        dossier.action_create_invoices()
        self.assertEqual(dossier.state, "delivered")
        dossier.invoice_ids.action_post()
        self.assertEqual(dossier.state, "invoiced")

    def test_delivery_only_when_ready(self):
        dossier = self._final_dossier([self._part("Velg", 250.0)])
        with self.assertRaisesRegex(UserError, "only a car that is ready"):
            dossier.action_deliver()

    def test_delivery_note_and_invoice_pdf(self):
        dossier = self._ready_dossier(deductible_amount=100.0)
        wizard = self.env["bodyshop.delivery.wizard"].create({"dossier_id": dossier.id})
        wizard.line_ids.result = "ok"
        wizard.action_confirm()
        dossier.action_create_invoices()
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        pdf, report_format = Report._render_qweb_pdf(
            "bodyshop.action_report_delivery_note", dossier.ids
        )
        self.assertEqual(report_format, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        html = Report._render_qweb_html(
            "bodyshop.action_report_delivery_note", dossier.ids
        )[0].decode()
        self.assertIn("Final Inspection", html)
        self.assertIn("Exterior clean and undamaged", html)
        payer = self._by_role(dossier, "payer")
        html = Report._render_qweb_html("account.account_invoices", payer.ids)[
            0
        ].decode()
        self.assertIn(dossier.name, html)
        self.assertIn("CLAIM-1", html)
        self.assertIn("TZ-101-B", html)
        self.assertIn("Deductible (eigen risico)", html)
        pdf, report_format = Report._render_qweb_pdf(
            "account.account_invoices", payer.ids
        )
        self.assertTrue(pdf.startswith(b"%PDF"))
        # Another company's ordinary invoice shows no dossier block.
        plain = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    Command.create({"name": "Los", "price_unit": 10.0})
                ],
            }
        )
        html = Report._render_qweb_html("account.account_invoices", plain.ids)[
            0
        ].decode()
        self.assertNotIn("bodyshop_dossier", html)

    def test_back_office_without_body_shop_rights_posts_the_invoices(self):
        accountant = self.env["res.users"].create(
            {
                "name": "Boekhouder",
                "login": "bs_accountant",
                "groups_id": [
                    Command.set(
                        [
                            self.env.ref("base.group_user").id,
                            self.env.ref("account.group_account_invoice").id,
                        ]
                    )
                ],
            }
        )
        self.company.bodyshop_invoice_post = False
        dossier = self._ready_dossier()
        wizard = self.env["bodyshop.delivery.wizard"].create({"dossier_id": dossier.id})
        wizard.line_ids.result = "ok"
        wizard.action_confirm()
        dossier.action_create_invoices()
        invoices = dossier.invoice_ids
        invoices.with_user(accountant).action_post()
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        self.assertEqual(dossier.state, "invoiced")
        self.assertTrue(dossier.amount_invoiced)

    # payment terms

    def test_payer_pays_at_the_agreed_term_the_customer_at_his_own(self):
        thirty_days = self.env.ref("account.account_payment_term_30days")
        fifteen_days = self.env.ref("account.account_payment_term_15days")
        self.env["bodyshop.agreement"].create(
            {
                "name": "Verzekeraar 30 dagen",
                "partner_id": self.insurer.id,
                "payment_term_id": thirty_days.id,
            }
        )
        self.customer.property_payment_term_id = fifteen_days
        dossier = self._final_dossier(
            [self._part("Portier", 800.0)], deductible_amount=250.0
        )
        dossier.action_create_invoices()
        payer = self._by_role(dossier, "payer")
        customer = self._by_role(dossier, "customer")
        self.assertEqual(payer.invoice_payment_term_id, thirty_days)
        self.assertEqual(
            payer.invoice_date_due, payer.invoice_date + timedelta(days=30)
        )
        self.assertEqual(customer.invoice_payment_term_id, fifteen_days)
        self.assertEqual(
            customer.invoice_date_due, customer.invoice_date + timedelta(days=15)
        )

    # total loss

    def test_total_loss_is_invoiced_to_the_paying_party(self):
        """Establishing the damage is work: the estimating fee, the storage
        days and the towing go to the paying party, without deductible."""
        self.env["bodyshop.agreement"].create(
            {
                "name": "Verzekeraar",
                "partner_id": self.insurer.id,
                "rate_body": 62.5,
                "estimating_fee_units": 10.0,
                "storage_day_rate": 12.0,
            }
        )
        dossier = self._create_dossier(
            deductible_amount=250.0,
            intake_date=fields.Datetime.now() - timedelta(days=4),
        )
        calculation = self.env["bodyshop.calculation"].create(
            {
                "dossier_id": dossier.id,
                "line_ids": [
                    Command.create(
                        {
                            "line_type": "labour",
                            "labour_type": "body",
                            "name": "Carrosserie richten",
                            "labour_units": 80,
                        }
                    ),
                    Command.create(self._part("Langsligger", 900.0)),
                    Command.create(
                        {
                            "line_type": "other",
                            "name": "Berging",
                            "quantity": 1,
                            "price_unit": 145.0,
                        }
                    ),
                ],
            }
        )
        self._approve(calculation)
        self.assertFalse(dossier.can_create_invoices)
        dossier.action_total_loss()
        self.assertTrue(dossier.can_create_invoices)
        dossier.action_create_invoices()
        invoice = self._invoices(dossier)
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.partner_id, self.insurer)
        self.assertEqual(invoice.bodyshop_invoice_role, "payer")
        lines = invoice.invoice_line_ids
        fee = lines.filtered(
            lambda li: (
                li.product_id == self.env.ref("bodyshop.product_product_estimating_fee")
            )
        )
        # At least 12 AE at the body rate: 12 / 10 x 62.50.
        self.assertAlmostEqual(fee.price_subtotal, 75.0)
        self.assertAlmostEqual(dossier.estimating_fee_amount, 75.0)
        storage = lines.filtered(
            lambda li: li.product_id == self.env.ref("bodyshop.product_product_storage")
        )
        self.assertEqual(storage.quantity, 5, "from the day the car came in")
        self.assertAlmostEqual(storage.price_subtotal, 60.0)
        towing = lines.filtered(lambda li: li.name == "Berging")
        self.assertAlmostEqual(towing.price_subtotal, 145.0)
        self.assertEqual(len(lines), 3, "no repair lines, no deductible")
        self.assertAlmostEqual(invoice.amount_untaxed, 280.0)
        self.assertAlmostEqual(invoice.amount_total, 338.8)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(dossier.state, "total_loss")
        self.assertEqual(dossier.cost_labour, 0.0, "a total loss is not repaired")
        with self.assertRaisesRegex(UserError, "invoiced already"):
            dossier.action_create_invoices()
        self.assertFalse(dossier.can_create_invoices)

    def test_margin_percent_of_a_group_is_weighted(self):
        """Two dossiers, 1000 revenue at 50 % and 100 revenue at 10 %: the
        group earns 510 of 1100, 46.4 %, not the average 30 %."""
        first = self._create_dossier()
        second = self._create_dossier(
            vehicle_id=self._create_vehicle("TZ-110-B", self.model_petrol).id
        )
        # The stored margins as the posted invoices and bills would make them.
        self.env.flush_all()
        for dossier, revenue, margin in ((first, 1000.0, 500.0), (second, 100.0, 10.0)):
            self.env.cr.execute(
                SQL(
                    "UPDATE bodyshop_dossier SET amount_invoiced = %s, margin = %s, "
                    "margin_percent = %s WHERE id = %s",
                    revenue,
                    margin,
                    margin / revenue * 100,
                    dossier.id,
                )
            )
        self.env.invalidate_all()
        [(percent,)] = self.env["bodyshop.dossier"]._read_group(
            [("id", "in", (first | second).ids)], [], ["margin_percent:avg"]
        )
        self.assertAlmostEqual(float(percent), 46.4, places=1)
        groups = self.env["bodyshop.dossier"].read_group(
            [("id", "in", (first | second).ids)],
            ["margin_percent:avg", "margin:sum"],
            ["payer_type"],
        )
        self.assertAlmostEqual(float(groups[0]["margin_percent"]), 46.4, places=1)
