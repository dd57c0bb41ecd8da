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
            "bodyshop_expert_threshold_positive",
            "CHECK(bodyshop_expert_threshold >= 0)",
            "The expert threshold cannot be negative.",
        ),
    ]
