"""Invoices the way Odoo makes them, and each dossier's accounts: fiscal
positions of the Dutch chart map the taxes of the invoiced partner, the
deductible's tax is a company setting, the calculation shows VAT per rate,
and what a dossier earned is in Odoo's analytic accounting, to the cent."""

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import BodyshopCommon


@tagged("post_install", "-at_install")
class TestDossierAccounts(BodyshopCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "bodyshop_invoice_post": True,
                "bodyshop_cost_rate_body": 30.0,
                "bodyshop_cost_rate_paint": 32.0,
                "bodyshop_paint_cost_pct": 50.0,
            }
        )
        cls.tax21 = cls.company.account_sale_tax_id
        cls.env["bodyshop.agreement"].create(
            {
                "name": "Eigen tarieven",
                "company_id": cls.company.id,
                "rate_body": 60.0,
                "rate_paint": 65.0,
                "paint_material_method": "percent_paint_labour",
                "paint_material_pct": 40.0,
                "parts_discount_pct": 0.0,
            }
        )
        cls.company.bodyshop_default_agreement_id = cls.env[
            "bodyshop.agreement"
        ].search([("name", "=", "Eigen tarieven")])
        cls.supplier = cls.env["res.partner"].create(
            {"name": "Onderdelen B.V.", "supplier_rank": 1}
        )

    def _tax(self, xmlid):
        return self.env["account.chart.template"].with_company(self.company).ref(xmlid)

    def _final_dossier(self, **vals):
        dossier = self._create_dossier(**vals)
        calculation = self.env["bodyshop.calculation"].create(
            {
                "dossier_id": dossier.id,
                "line_ids": [
                    Command.create(
                        {
                            "line_type": "labour",
                            "labour_type": "body",
                            "name": "Portier richten",
                            "labour_units": 20,
                        }
                    ),
                    Command.create(
                        {
                            "line_type": "labour",
                            "labour_type": "paint",
                            "name": "Portier spuiten",
                            "labour_units": 10,
                        }
                    ),
                    Command.create(
                        {
                            "line_type": "part",
                            "name": "Portiergreep",
                            "quantity": 1,
                            "price_unit": 80.0,
                            "vendor_id": self.supplier.id,
                        }
                    ),
                ],
            }
        )
        for calc in (calculation,):
            calc.action_send()
            calc.approval_ids.action_approve()
        dossier.action_create_final()
        final = dossier.current_calculation_id
        final.action_send()
        final.approval_ids.action_approve()
        return dossier

    # the deductible's tax: a company setting made with the chart

    def test_deductible_tax_is_a_company_setting(self):
        tax = self.company.bodyshop_deductible_tax_id
        self.assertTrue(tax, "made when the chart was loaded")
        self.assertTrue(tax.price_include)
        self.assertEqual(tax.amount, self.tax21.amount)
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.bodyshop_deductible_tax_id, tax)
        # The fiscal positions map it as they map the sales tax.
        eu = (
            self.env["account.chart.template"]
            .with_company(self.company)
            .ref("fiscal_position_template_eu")
        )
        self.assertEqual(eu.map_tax(tax), eu.map_tax(self.tax21))
        # Without it a deductible cannot be invoiced: the user is told where.
        self.company.bodyshop_deductible_tax_id = False
        dossier = self._final_dossier(deductible_amount=100.0)
        with self.assertRaisesRegex(UserError, "Settings > Body Shop"):
            dossier.action_create_invoices()
        self.assertFalse(dossier.invoice_ids)

    def test_branch_shares_the_deductible_tax_of_its_parent(self):
        """A branch uses its parent's taxes: loading its chart reuses the
        parent's VAT-included twin instead of making a second one of the
        same name (Odoo refuses duplicate tax names within a company tree)."""
        tax = self.company.bodyshop_deductible_tax_id
        branch = self.env["res.company"].create(
            {"name": "Test Autoschade Filiaal", "parent_id": self.company.id}
        )
        self.env["account.chart.template"].try_loading(
            "nl", company=branch, install_demo=False
        )
        self.assertEqual(branch.bodyshop_deductible_tax_id, tax)
        self.assertEqual(
            self.env["account.tax"].search_count(
                [("name", "=", tax.name), ("company_id", "child_of", self.company.id)]
            ),
            1,
        )

    # taxes through the fiscal position of the invoiced partner

    def test_payer_abroad_invoiced_under_its_fiscal_position(self):
        """A German insurer (intra-community): 0 % EU on its invoice; the
        Dutch customer pays his deductible with 21 % VAT."""
        insurer = self.env["res.partner"].create(
            {
                "name": "Deutsche Versicherung AG",
                "is_company": True,
                "country_id": self.env.ref("base.de").id,
                "vat": "DE136695976",
            }
        )
        dossier = self._final_dossier(payer_id=insurer.id, deductible_amount=100.0)
        dossier.action_create_invoices()
        payer = dossier.invoice_ids.filtered(
            lambda m: m.bodyshop_invoice_role == "payer"
        )
        customer = dossier.invoice_ids - payer
        eu = (
            self.env["account.chart.template"]
            .with_company(self.company)
            .ref("fiscal_position_template_eu")
        )
        self.assertEqual(payer.fiscal_position_id, eu)
        self.assertEqual(payer.invoice_line_ids.tax_ids, self._tax("btw_X0_producten"))
        self.assertAlmostEqual(payer.amount_tax, 0.0)
        self.assertFalse(customer.fiscal_position_id.tax_ids)
        self.assertEqual(
            customer.invoice_line_ids.tax_ids,
            dossier.company_id.bodyshop_deductible_tax_id,
        )
        self.assertAlmostEqual(customer.amount_total, 100.0)

    def test_payer_outside_the_eu(self):
        insurer = self.env["res.partner"].create(
            {
                "name": "Schweizer Versicherung AG",
                "is_company": True,
                "country_id": self.env.ref("base.ch").id,
            }
        )
        dossier = self._final_dossier(payer_id=insurer.id)
        dossier.action_create_invoices()
        self.assertEqual(
            dossier.invoice_ids.invoice_line_ids.tax_ids, self._tax("btw_X1")
        )
        self.assertAlmostEqual(dossier.invoice_ids.amount_tax, 0.0)

    # totals as a sale order shows them

    def test_calculation_shows_vat_per_rate(self):
        dossier = self._final_dossier()
        calculation = dossier.current_calculation_id
        totals = calculation.tax_totals
        self.assertAlmostEqual(
            totals["base_amount_currency"], calculation.amount_untaxed
        )
        self.assertAlmostEqual(totals["tax_amount_currency"], calculation.amount_tax)
        self.assertAlmostEqual(
            totals["total_amount_currency"], calculation.amount_total
        )
        group = totals["subtotals"][0]["tax_groups"][0]
        self.assertAlmostEqual(group["tax_amount_currency"], calculation.amount_tax)
        # 10 AE paint at 65: 65.00, paint material 40 % of it, computed once.
        self.assertAlmostEqual(calculation.amount_paint_material_generated, 26.0)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("bodyshop.action_report_calculation", calculation.ids)[0]
            .decode()
        )
        self.assertIn(group["group_name"], html)
        dossier.action_create_invoices()
        paint_line = dossier.invoice_ids.invoice_line_ids.filtered(
            lambda li: (
                li.product_id == self.env.ref("bodyshop.product_product_paint_material")
            )
        )
        self.assertAlmostEqual(paint_line.price_subtotal, 26.0)

    # each dossier's accounts

    def test_margin_equals_odoo_analytic_report(self):
        """Revenue from the invoices, the parts from the vendor bill, labour
        and paint at their cost: the dossier's margin is what Odoo's analytic
        report shows for its account, to the cent."""
        dossier = self._final_dossier(deductible_amount=100.0)
        account = dossier.analytic_account_id
        self.assertTrue(account)
        self.assertEqual(account.plan_id, self.company.bodyshop_analytic_plan_id)
        self.assertEqual(
            account.root_plan_id, self.env.ref("bodyshop.analytic_plan_damage_dossiers")
        )
        dossier.action_order_parts()
        order = dossier.purchase_order_ids
        self.assertEqual(order.order_line.analytic_distribution, {str(account.id): 100})
        order.order_line.price_unit = 55.0
        order.button_confirm()
        order.order_line.qty_received = 1
        order.action_create_invoice()
        bill = order.invoice_ids
        bill.invoice_date = fields.Date.today()
        bill.action_post()
        self.assertEqual(
            bill.invoice_line_ids.analytic_distribution, {str(account.id): 100}
        )
        dossier.action_create_invoices()
        for line in dossier.invoice_ids.invoice_line_ids:
            self.assertEqual(line.analytic_distribution, {str(account.id): 100})
        self.env.flush_all()
        calculation = dossier.current_calculation_id
        # Revenue: the calculation without VAT. Labour: 20 AE body at 30 an
        # hour, 10 AE paint at 32: 92.00. Paint: 50 % of 26.00.
        self.assertAlmostEqual(dossier.amount_invoiced, calculation.amount_untaxed)
        self.assertAlmostEqual(dossier.cost_parts, 55.0)
        self.assertAlmostEqual(dossier.cost_labour, 92.0)
        self.assertAlmostEqual(dossier.cost_paint, 13.0)
        [(total,)] = self.env["account.analytic.line"]._read_group(
            [(account.root_plan_id._column_name(), "=", account.id)],
            [],
            ["amount:sum"],
        )
        self.assertAlmostEqual(total, dossier.margin, places=2)
        self.assertAlmostEqual(account.balance, dossier.margin, places=2)
