from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    bodyshop_dossier_id = fields.Many2one(
        comodel_name="bodyshop.dossier",
        string="Damage Dossier",
        index="btree_not_null",
        copy=False,
        check_company=True,
    )
