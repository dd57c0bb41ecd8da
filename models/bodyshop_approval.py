import math

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from .bodyshop_guard_mixin import MAX_NUMBER

APPROVAL_CHANNELS = [
    ("email", "E-mail"),
    ("portal", "Portal"),
    ("phone", "Phone"),
    ("platform", "Claims Platform"),
]
APPROVAL_STATES = [
    ("pending", "Pending"),
    ("approved", "Approved"),
    ("partial", "Partially Approved"),
    ("rejected", "Rejected"),
]


class BodyshopApproval(models.Model):
    _name = "bodyshop.approval"
    _description = "Approval Request"
    _inherit = ["bodyshop.guard.mixin"]
    _order = "requested_on desc, id desc"
    _check_company_auto = True
    # MODEL.md, "Fields the workflow owns".
    _bodyshop_workflow_fields = (
        "state",
        "approved_amount",
        "responded_on",
        "responded_by",
        "calculation_id",
    )

    calculation_id = fields.Many2one(
        comodel_name="bodyshop.calculation",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    dossier_id = fields.Many2one(
        related="calculation_id.dossier_id", store=True, index=True, precompute=True
    )
    company_id = fields.Many2one(
        related="calculation_id.company_id", store=True, precompute=True
    )
    currency_id = fields.Many2one(related="calculation_id.currency_id")
    payer_id = fields.Many2one(
        comodel_name="res.partner",
        string="Paying Party",
        compute="_compute_payer_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    channel = fields.Selection(
        selection=APPROVAL_CHANNELS, default="email", required=True
    )
    requested_on = fields.Datetime(default=fields.Datetime.now, required=True)
    requested_by_id = fields.Many2one(
        comodel_name="res.users", default=lambda self: self.env.user
    )
    amount_requested = fields.Monetary(
        related="calculation_id.amount_payer", string="Amount Requested"
    )
    state = fields.Selection(
        selection=APPROVAL_STATES, default="pending", required=True
    )
    responded_on = fields.Datetime(readonly=True)
    responded_by = fields.Char(
        help="Who answered for the paying party (name, expert, claims handler)."
    )
    approved_amount = fields.Monetary()
    reference = fields.Char(help="The paying party's authorisation number.")
    note = fields.Text()

    @api.depends("calculation_id.name", "state")
    def _compute_display_name(self):
        states = dict(self._fields["state"]._description_selection(self.env))
        for approval in self:
            approval.display_name = (
                f"{approval.calculation_id.name} ({states.get(approval.state, '')})"
            )

    @api.depends("calculation_id.dossier_id.payer_id")
    def _compute_payer_id(self):
        for approval in self:
            approval.payer_id = approval.calculation_id.dossier_id.payer_id

    @api.constrains("approved_amount")
    def _check_approved_amount(self):
        for approval in self:
            if approval.currency_id.compare_amounts(approval.approved_amount, 0) < 0:
                raise ValidationError(_("Approved Amount cannot be negative."))

    # CRUD

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(
                _(
                    "An approval request is made by sending the calculation to "
                    "the paying party."
                )
            )
        return super().create(vals_list)

    # actions (callable from code and RPC; the response wizard wraps them)

    def action_approve(self, amount=None, reference=None, responded_by=None, note=None):
        """Approve; an ``amount`` below the requested one is a partial approval."""
        self.ensure_one()
        self._check_can_respond()
        requested = self.calculation_id.amount_payer
        currency = self.currency_id
        if amount is None:
            amount = requested
        else:
            amount = self._parse_amount(amount)
        if currency.compare_amounts(amount, 0) <= 0:
            raise UserError(
                _("Approved Amount: give the amount the paying party approved.")
            )
        if currency.compare_amounts(amount, requested) > 0:
            raise UserError(
                _(
                    "Approved Amount: %(amount)s is more than the calculation asks "
                    "(%(requested)s).",
                    amount=formatLang(self.env, amount, currency_obj=currency),
                    requested=formatLang(self.env, requested, currency_obj=currency),
                )
            )
        partial = currency.compare_amounts(amount, requested) < 0
        self._do_respond(
            "partial" if partial else "approved", amount, reference, responded_by, note
        )
        return True

    def action_reject(self, reference=None, responded_by=None, note=None):
        self.ensure_one()
        self._check_can_respond()
        self._do_respond("rejected", 0.0, reference, responded_by, note)
        return True

    def _parse_amount(self, amount):
        """An amount given over RPC: a finite number of money."""
        try:
            amount = float(amount) if not isinstance(amount, bool) else math.nan
        except (TypeError, ValueError):
            amount = math.nan
        if not math.isfinite(amount) or abs(amount) > MAX_NUMBER:
            raise UserError(
                _("Approved Amount: give the amount the paying party approved.")
            )
        return amount

    def _check_can_respond(self):
        self.ensure_one()
        # Lock the row: of two simultaneous answers, one waits and then fails.
        self.env.cr.execute(
            SQL("SELECT id FROM bodyshop_approval WHERE id = %s FOR UPDATE", self.id)
        )
        self.invalidate_recordset(["state"])
        calc = self.calculation_id
        calc.invalidate_recordset(["state"])
        if self.state != "pending":
            raise UserError(
                _("The approval of %(name)s has already been answered.", name=calc.name)
            )
        if calc.state != "sent":
            raise UserError(
                _(
                    "%(name)s is %(state)s: only a sent version can be approved.",
                    name=calc.name,
                    state=calc._selection_label(),
                )
            )

    def _do_respond(self, state, amount, reference, responded_by, note):
        self.ensure_one()
        calc = self.calculation_id
        self._write_workflow(
            {
                "state": state,
                "approved_amount": amount,
                "reference": reference or self.reference,
                "responded_by": responded_by or self.responded_by,
                "note": note or self.note,
                "responded_on": fields.Datetime.now(),
            }
        )
        if state == "rejected":
            calc._write_workflow({"state": "rejected"})
            calc.dossier_id._set_state_from_calculation("calculation")
        else:
            older = calc.dossier_id.calculation_ids.filtered(
                lambda c: c.version < calc.version and c.state in ("sent", "approved")
            )
            older._write_workflow({"state": "superseded"})
            calc._write_workflow({"state": "approved"})
            calc.dossier_id._set_state_from_calculation("approved")
        body = _(
            "%(calc)s: %(answer)s by %(who)s via %(channel)s, reference %(ref)s, "
            "amount %(amount)s (registered by %(user)s).",
            calc=calc.name,
            answer=self._selection_label(),
            who=self.responded_by or self.payer_id.display_name,
            channel=self._selection_label("channel"),
            ref=self.reference or "-",
            amount=formatLang(self.env, amount, currency_obj=self.currency_id),
            user=self.env.user.name,
        )
        calc.dossier_id._message_log(body=body)
        calc._message_log(body=body)
