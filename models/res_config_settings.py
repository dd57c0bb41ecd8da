from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    bodyshop_productive_hours = fields.Float(
        related="company_id.bodyshop_productive_hours",
        readonly=False,
    )
