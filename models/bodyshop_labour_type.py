from odoo import fields, models

from .bodyshop_agreement import LABOUR_TYPES


class BodyshopLabourType(models.Model):
    """A labour type of the calculation (body, paint, mechanical...) as a
    record, so that a technician can be given the ones he does."""

    _name = "bodyshop.labour.type"
    _description = "Labour Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(selection=LABOUR_TYPES, required=True)
    sequence = fields.Integer(default=10)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "Each labour type exists once."),
    ]
