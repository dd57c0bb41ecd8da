from odoo import fields, models


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

    def _bodyshop_labour_cost_rate(self, labour_type):
        self.ensure_one()
        return self[f"bodyshop_cost_rate_{labour_type}"] if labour_type else 0.0

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
