from odoo import api, fields, models


class BodyshopCalculationLineImport(models.Model):
    """A labour line's own hourly rate, when an imported calculation prices
    lines of one labour type at different rates."""

    _inherit = "bodyshop.calculation.line"

    labour_rate = fields.Monetary(
        string="Own Hourly Rate",
        help="This line's hourly rate instead of the version's rate for its "
        "labour type (an imported calculation with several rates).",
    )

    @api.depends("labour_rate")
    def _compute_price_subtotal(self):
        return super()._compute_price_subtotal()

    def _amount(self):
        self.ensure_one()
        calc = self.calculation_id
        if (
            self.line_type != "labour"
            or not self.labour_rate
            or self.display_type
            or not calc
        ):
            return super()._amount()
        raw = (
            self.labour_units
            / calc.units_per_hour
            * self.labour_rate
            * (1 - self.discount / 100)
        )
        return (calc.currency_id or self.env.company.currency_id).round(raw)

    def _invoice_quantities(self):
        self.ensure_one()
        if self.line_type == "labour" and self.labour_rate:
            # The version's rate is not this line's: one unit at its amount.
            return 1.0, self.price_subtotal, 0.0
        return super()._invoice_quantities()
