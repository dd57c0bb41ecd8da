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

    _sql_constraints = [
        (
            "bodyshop_productive_hours_positive",
            "CHECK(bodyshop_productive_hours >= 0)",
            "The workshop's productive hours per day cannot be negative.",
        ),
    ]
