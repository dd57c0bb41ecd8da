from odoo import api, fields, models


class BodyshopDossierCancel(models.TransientModel):
    """Cancelling a dossier, with what happens to its purchases said first:
    requests for quotation are cancelled, orders confirmed with a supplier
    stay open."""

    _name = "bodyshop.dossier.cancel"
    _description = "Cancel a Damage Dossier"
    _inherit = ["bodyshop.wizard.mixin"]

    dossier_id = fields.Many2one(
        comodel_name="bodyshop.dossier", required=True, ondelete="cascade"
    )
    draft_order_ids = fields.Many2many(
        comodel_name="purchase.order",
        relation="bodyshop_dossier_cancel_draft_rel",
        string="Requests for Quotation to Cancel",
        compute="_compute_order_ids",
    )
    open_order_ids = fields.Many2many(
        comodel_name="purchase.order",
        relation="bodyshop_dossier_cancel_open_rel",
        string="Confirmed Orders that Stay Open",
        compute="_compute_order_ids",
    )

    @api.depends("dossier_id")
    def _compute_order_ids(self):
        for wizard in self:
            orders = wizard.dossier_id.purchase_order_ids
            wizard.draft_order_ids = orders.filtered(
                lambda po: po.state in ("draft", "sent", "to approve")
            )
            wizard.open_order_ids = orders.filtered(
                lambda po: po.state in ("purchase", "done")
            )

    def action_confirm(self):
        self.ensure_one()
        self.dossier_id.action_cancel()
        return {"type": "ir.actions.act_window_close"}
