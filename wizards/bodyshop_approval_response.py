from odoo import api, fields, models

from ..models.bodyshop_approval import APPROVAL_CHANNELS


class BodyshopApprovalResponse(models.TransientModel):
    _name = "bodyshop.approval.response"
    _description = "Register the Paying Party's Answer"
    _inherit = ["bodyshop.wizard.mixin"]
    _bodyshop_record_field = "approval_id"

    approval_id = fields.Many2one(
        comodel_name="bodyshop.approval", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="approval_id.currency_id", compute_sudo=False)
    amount_requested = fields.Monetary(
        related="approval_id.amount_requested", compute_sudo=False
    )
    response = fields.Selection(
        selection=[
            ("approved", "Approved"),
            ("partial", "Partially Approved"),
            ("rejected", "Rejected"),
        ],
        default="approved",
        required=True,
    )
    approved_amount = fields.Monetary()
    channel = fields.Selection(
        selection=APPROVAL_CHANNELS, required=True, default="email"
    )
    reference = fields.Char(string="Payer's Reference")
    responded_by = fields.Char()
    note = fields.Text()

    @api.onchange("response", "approval_id")
    def _onchange_response(self):
        if self.response == "approved" or not self.approved_amount:
            self.approved_amount = self.amount_requested

    def action_confirm(self):
        self.ensure_one()
        approval = self.approval_id
        approval.channel = self.channel
        if self.response == "rejected":
            approval.action_reject(self.reference, self.responded_by, self.note)
        else:
            amount = (
                self.amount_requested
                if self.response == "approved"
                else self.approved_amount
            )
            approval.action_approve(
                amount, self.reference, self.responded_by, self.note
            )
        return {"type": "ir.actions.act_window_close"}
