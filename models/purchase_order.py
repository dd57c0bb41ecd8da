from odoo import fields, models


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    bodyshop_dossier_id = fields.Many2one(
        comodel_name="bodyshop.dossier",
        string="Damage Dossier",
        index="btree_not_null",
        copy=False,
        check_company=True,
    )
