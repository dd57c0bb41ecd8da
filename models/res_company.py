import uuid

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL


class ResCompany(models.Model):
    _inherit = "res.company"

    bodyshop_productive_hours = fields.Float(
        string="Workshop Productive Hours per Day",
        default=40.0,
        help="Hours the workshop can sell per working day (all technicians "
        "together). Planning compares the booked repair hours per day "
        "against this capacity.",
    )
    bodyshop_expert_threshold = fields.Monetary(
        string="Expert Threshold",
        currency_field="currency_id",
        help="Grensbedrag: above this estimate an expert must inspect the "
        "damage. Payer agreements may set their own. 0 means no threshold.",
    )

    bodyshop_default_agreement_id = fields.Many2one(
        comodel_name="bodyshop.agreement",
        string="Default Agreement",
        help="The shop's own rates, used when a paying party has no agreement.",
    )

    # invoicing and margins
    bodyshop_invoice_post = fields.Boolean(
        string="Post Body Shop Invoices",
        help="Create invoices posted, ready to send. Unticked: as drafts to review.",
    )
    bodyshop_cost_rate_body = fields.Monetary(
        string="Body Labour Cost per Hour", currency_field="currency_id"
    )
    bodyshop_cost_rate_paint = fields.Monetary(
        string="Paint Labour Cost per Hour", currency_field="currency_id"
    )
    bodyshop_cost_rate_mechanical = fields.Monetary(
        string="Mechanical Labour Cost per Hour", currency_field="currency_id"
    )
    bodyshop_cost_rate_electrical = fields.Monetary(
        string="Electrical Labour Cost per Hour", currency_field="currency_id"
    )
    bodyshop_cost_rate_trim = fields.Monetary(
        string="Trim Labour Cost per Hour", currency_field="currency_id"
    )
    bodyshop_cost_rate_pdr = fields.Monetary(
        string="PDR Labour Cost per Hour", currency_field="currency_id"
    )
    bodyshop_paint_cost_pct = fields.Float(
        string="Paint Material Cost (%)",
        default=45.0,
        help="What the paint material sold costs the shop, as a percentage of "
        "the paint material on the invoice.",
    )

    bodyshop_deductible_tax_id = fields.Many2one(
        comodel_name="account.tax",
        string="Deductible VAT",
        check_company=True,
        domain="[('type_tax_use', '=', 'sale'), ('price_include', '=', True), "
        "('company_id', 'parent_of', id)]",
        help="The sales tax of the deductible (eigen risico), VAT included in "
        "its amount: the customer pays exactly the deductible. Made with the "
        "chart of accounts (a VAT-included twin of the sales tax).",
    )

    # The workshop kiosk: a public page for the technicians, reached by a URL
    # holding this key (as hr_attendance's kiosk).
    bodyshop_kiosk_key = fields.Char(
        string="Workshop Kiosk Key",
        default=lambda self: uuid.uuid4().hex,
        copy=False,
        groups="bodyshop.group_bodyshop_workshop",
    )
    bodyshop_kiosk_url = fields.Char(
        string="Workshop Kiosk URL",
        compute="_compute_bodyshop_kiosk_url",
        groups="bodyshop.group_bodyshop_workshop",
    )

    bodyshop_analytic_plan_id = fields.Many2one(
        comodel_name="account.analytic.plan",
        string="Damage Dossiers Plan",
        readonly=True,
        help="The analytic plan of this company's damage dossiers: every "
        "dossier has an analytic account in it.",
    )

    @api.depends("bodyshop_kiosk_key")
    def _compute_bodyshop_kiosk_url(self):
        base_url = self.env["res.company"].get_base_url()
        for company in self:
            company.bodyshop_kiosk_url = (
                f"{base_url}/bodyshop/kiosk/{company.bodyshop_kiosk_key}"
            )

    def _init_column(self, column_name):
        """Each existing company gets a kiosk key of its own: the default
        would give them all the same one."""
        if column_name != "bodyshop_kiosk_key":
            return super()._init_column(column_name)
        self.env.cr.execute(
            SQL(
                "UPDATE res_company "
                "SET bodyshop_kiosk_key = replace(gen_random_uuid()::text, '-', '') "
                "WHERE bodyshop_kiosk_key IS NULL"
            )
        )

    def action_bodyshop_regenerate_kiosk_key(self):
        """A new kiosk URL: the old one (and every tablet signed in on it)
        stops working."""
        if not self.env.user.has_group("bodyshop.group_bodyshop_workshop"):
            raise AccessError(_("Only a workshop manager changes the kiosk URL."))
        if self - self.env.user.company_ids:
            raise AccessError(
                _("You can only change the kiosk URL of your own companies.")
            )
        for company in self.sudo():
            company.bodyshop_kiosk_key = uuid.uuid4().hex
        return True

    @api.model
    def _action_open_bodyshop_kiosk(self):
        """The menu Workshop Kiosk: the route that signs the manager out and
        opens the current company's kiosk."""
        return {
            "type": "ir.actions.act_url",
            "target": "self",
            "url": f"/bodyshop/kiosk_mode_menu/{self.env.company.id}",
        }

    def _bodyshop_labour_cost_rate(self, labour_type):
        self.ensure_one()
        return self[f"bodyshop_cost_rate_{labour_type}"] if labour_type else 0.0

    def _bodyshop_deductible_tax(self):
        self.ensure_one()
        if not self.bodyshop_deductible_tax_id:
            raise UserError(
                _(
                    "Settings > Body Shop: choose the deductible's VAT-included "
                    "sales tax for %(company)s.",
                    company=self.name,
                )
            )
        return self.bodyshop_deductible_tax_id

    @api.model
    def _bodyshop_setup_companies(self):
        """At installation and update: the deductible's tax of every company
        that has a chart of accounts."""
        self.sudo().search(
            [("chart_template", "!=", False)]
        )._bodyshop_ensure_deductible_tax()

    def _bodyshop_ensure_deductible_tax(self):
        """Set the deductible's tax where a chart of accounts gave a sales tax:
        the sales tax itself when it includes VAT in the price, else a
        VAT-included twin of it, which the fiscal positions map as they map
        the sales tax. Runs when a chart is loaded and at installation."""
        Tax = self.env["account.tax"].sudo()
        for company in self.sudo():
            tax = company.account_sale_tax_id
            if company.bodyshop_deductible_tax_id or not tax:
                continue
            if tax.price_include:
                company.bodyshop_deductible_tax_id = tax
                continue
            # A branch uses the taxes of its parent: the twin lives beside the
            # sales tax, in the company that owns it.
            twin = Tax.search(
                [
                    ("company_id", "=", tax.company_id.id),
                    ("type_tax_use", "=", "sale"),
                    ("amount_type", "=", tax.amount_type),
                    ("amount", "=", tax.amount),
                    ("tax_group_id", "=", tax.tax_group_id.id),
                    ("price_include_override", "=", "tax_included"),
                ],
                limit=1,
            )
            if not twin:
                name = _("%(tax)s (incl.)", tax=tax.name)
                taken = Tax.search(
                    [
                        ("company_id", "child_of", tax.company_id.root_id.id),
                        ("type_tax_use", "=", "sale"),
                        ("name", "=like", f"{name}%"),
                    ]
                ).mapped("name")
                count = 1
                unique = name
                while unique in taken:
                    count += 1
                    unique = f"{name} {count}"
                twin = tax.copy(
                    {
                        "name": unique,
                        "price_include_override": "tax_included",
                    }
                )
                mappings = (
                    self.env["account.fiscal.position.tax"]
                    .sudo()
                    .search([("tax_src_id", "=", tax.id)])
                )
                for mapping in mappings:
                    mapping.position_id.tax_ids = [
                        Command.create(
                            {
                                "tax_src_id": twin.id,
                                "tax_dest_id": mapping.tax_dest_id.id,
                            }
                        )
                    ]
            company.bodyshop_deductible_tax_id = twin

    def _bodyshop_analytic_plan(self):
        """The company's plan of damage dossiers: one per company, under the
        plan "Damage Dossiers"."""
        self.ensure_one()
        if not self.bodyshop_analytic_plan_id:
            root = self.env.ref("bodyshop.analytic_plan_damage_dossiers")
            self.sudo().bodyshop_analytic_plan_id = (
                self.env["account.analytic.plan"]
                .sudo()
                .create({"name": self.name, "parent_id": root.id})
            )
        return self.bodyshop_analytic_plan_id

    def write(self, vals):
        result = super().write(vals)
        if "bodyshop_default_agreement_id" in vals:
            self.bodyshop_default_agreement_id._apply_to_open_dossiers()
        return result

    _sql_constraints = [
        (
            "bodyshop_productive_hours_positive",
            "CHECK(bodyshop_productive_hours >= 0)",
            "The workshop's productive hours per day cannot be negative.",
        ),
        (
            "bodyshop_paint_cost_pct_range",
            "CHECK(bodyshop_paint_cost_pct >= 0 AND bodyshop_paint_cost_pct <= 100)",
            "The paint material cost is a percentage from 0 to 100.",
        ),
        (
            "bodyshop_expert_threshold_positive",
            "CHECK(bodyshop_expert_threshold >= 0)",
            "The expert threshold cannot be negative.",
        ),
    ]
