from odoo import api, fields, models

INVOICE_ROLES = [
    ("payer", "Paying Party"),
    ("customer", "Customer"),
]


class AccountMove(models.Model):
    _inherit = "account.move"

    bodyshop_dossier_id = fields.Many2one(
        comodel_name="bodyshop.dossier",
        string="Damage Dossier",
        index="btree_not_null",
        copy=False,
        check_company=True,
    )
    bodyshop_calculation_id = fields.Many2one(
        comodel_name="bodyshop.calculation",
        string="Invoiced Calculation",
        index="btree_not_null",
        copy=False,
        check_company=True,
    )
    bodyshop_invoice_role = fields.Selection(
        selection=INVOICE_ROLES,
        string="Invoiced As",
        copy=False,
        help="Who this body shop invoice is for: the paying party (insurer, "
        "lease company, fleet owner) or the customer.",
    )
    bodyshop_related_invoice_ids = fields.Many2many(
        comodel_name="account.move",
        string="Related Invoices",
        compute="_compute_bodyshop_related_invoice_ids",
        help="The other invoices made from the same calculation.",
    )
    bodyshop_license_plate = fields.Char(
        related="bodyshop_dossier_id.license_plate", string="License Plate"
    )
    bodyshop_claim_number = fields.Char(
        related="bodyshop_dossier_id.claim_number", string="Claim Number"
    )

    @api.depends("bodyshop_dossier_id", "bodyshop_calculation_id")
    def _compute_bodyshop_related_invoice_ids(self):
        for move in self:
            if not move.bodyshop_calculation_id:
                move.bodyshop_related_invoice_ids = False
                continue
            move.bodyshop_related_invoice_ids = (
                move.bodyshop_dossier_id.invoice_ids.filtered(
                    lambda other, m=move: (
                        other != m
                        and other.bodyshop_calculation_id == m.bodyshop_calculation_id
                        and other.state != "cancel"
                    )
                )
            )

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        # The back office posting may have no rights on damage dossiers.
        posted.sudo().bodyshop_dossier_id._update_invoiced_state()
        return posted
