from odoo import fields, models


class BodyshopDamageZone(models.Model):
    _name = "bodyshop.damage.zone"
    _description = "Damage Zone"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer(string="Color Index")

    _sql_constraints = [
        ("code_uniq", "unique(code)", "A damage zone code must be unique."),
    ]
