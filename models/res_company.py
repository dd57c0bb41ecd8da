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
