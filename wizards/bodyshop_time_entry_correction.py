from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.bodyshop_agreement import LABOUR_TYPES
from ..models.bodyshop_time_entry import CORRECTION_STATES


class BodyshopTimeEntryCorrection(models.TransientModel):
    """The workshop manager corrects a technician's clocked time, or adds
    time he forgot to clock, always with a reason: the time entry tracks the
    change and keeps the reason in its chatter."""

    _name = "bodyshop.time.entry.correction"
    _description = "Correct Clocked Time"
    _inherit = ["bodyshop.wizard.mixin"]

    entry_id = fields.Many2one(
        comodel_name="bodyshop.time.entry", string="Clocked Time", ondelete="cascade"
    )
    dossier_id = fields.Many2one(
        comodel_name="bodyshop.dossier",
        required=True,
        ondelete="cascade",
        compute="_compute_from_entry",
        store=True,
        readonly=False,
        precompute=True,
        domain=[("state", "in", CORRECTION_STATES)],
    )
    company_id = fields.Many2one(related="dossier_id.company_id", compute_sudo=False)
    employee_id = fields.Many2one(
        comodel_name="hr.employee",
        string="Technician",
        required=True,
        compute="_compute_from_entry",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('bodyshop_technician', '=', True), ('company_id', '=', company_id)]",
    )
    labour_type = fields.Selection(
        selection=LABOUR_TYPES,
        required=True,
        compute="_compute_from_entry",
        store=True,
        readonly=False,
        precompute=True,
    )
    date_start = fields.Datetime(
        string="Start",
        required=True,
        compute="_compute_from_entry",
        store=True,
        readonly=False,
        precompute=True,
    )
    date_end = fields.Datetime(
        string="Stop",
        required=True,
        compute="_compute_from_entry",
        store=True,
        readonly=False,
        precompute=True,
    )
    reason = fields.Text(required=True)

    def _bodyshop_check_record_access(self, values):
        result = super()._bodyshop_check_record_access(values)
        entry = values.get("entry_id")
        if isinstance(entry, dict):
            entry = entry.get("id")
        if isinstance(entry, int) and not isinstance(entry, bool) and entry:
            self.env["bodyshop.time.entry"].browse(entry).check_access("write")
        return result

    @api.depends("entry_id")
    def _compute_from_entry(self):
        for wizard in self:
            entry = wizard.entry_id
            if entry:
                wizard.dossier_id = entry.dossier_id
                wizard.employee_id = entry.employee_id
                wizard.labour_type = entry.labour_type
                wizard.date_start = entry.date_start
                wizard.date_end = entry.date_end or fields.Datetime.now()
            else:
                wizard.labour_type = wizard.labour_type or "body"

    def action_apply(self):
        self.ensure_one()
        Entry = self.env["bodyshop.time.entry"]
        Entry._check_can_correct()
        if not (self.reason or "").strip():
            raise UserError(_("Say why the clocked time changes."))
        if self.date_end <= self.date_start:
            raise UserError(_("The stop must come after the start."))
        if self.employee_id.company_id != self.dossier_id.company_id:
            raise UserError(
                _(
                    "%(employee)s does not work for %(company)s.",
                    employee=self.employee_id.name,
                    company=self.dossier_id.company_id.name,
                )
            )
        vals = {
            "labour_type": self.labour_type,
            "date_start": self.date_start,
            "date_end": self.date_end,
        }
        if self.entry_id:
            if self.entry_id.dossier_id != self.dossier_id or (
                self.entry_id.employee_id != self.employee_id
            ):
                raise UserError(
                    _(
                        "A correction changes the times and the labour type; "
                        "clocked time of another technician or dossier is added "
                        "anew."
                    )
                )
            if not self.entry_id.date_end:
                raise UserError(
                    _("The technician is still clocked on it: stop it first.")
                )
            entry = self.entry_id
            if (entry.labour_type, entry.date_start, entry.date_end) == (
                vals["labour_type"],
                vals["date_start"],
                vals["date_end"],
            ):
                raise UserError(
                    _(
                        "Nothing changes: correct the start, the stop or the "
                        "labour type."
                    )
                )
            entry._do_correct(vals, self.reason)
            # The corrected entry's form reloads; no second breadcrumb.
            return {"type": "ir.actions.act_window_close"}
        else:
            if self.dossier_id.state not in CORRECTION_STATES:
                raise UserError(
                    _(
                        "Dossier %(name)s is %(state)s: time is added to a dossier "
                        "from its approval on.",
                        name=self.dossier_id.name,
                        state=self.dossier_id._selection_label(),
                    )
                )
            if not self.employee_id.bodyshop_technician:
                raise UserError(
                    _(
                        "%(employee)s is not a workshop technician.",
                        employee=self.employee_id.name,
                    )
                )
            self.dossier_id.check_access("write")
            entry = Entry._do_add(
                {
                    **vals,
                    "dossier_id": self.dossier_id.id,
                    "employee_id": self.employee_id.id,
                },
                self.reason,
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "bodyshop.time.entry",
            "res_id": entry.id,
            "view_mode": "form",
            "target": "current",
        }
