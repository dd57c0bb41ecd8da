from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class BodyshopCheckinWizard(models.TransientModel):
    """The new-damage check when the car is brought in for the repair."""

    _name = "bodyshop.checkin.wizard"
    _description = "Check In a Car"
    _inherit = ["bodyshop.wizard.mixin"]

    dossier_id = fields.Many2one(
        comodel_name="bodyshop.dossier", required=True, ondelete="cascade"
    )
    license_plate = fields.Char(related="dossier_id.license_plate", compute_sudo=False)
    checkin_date = fields.Datetime(
        string="Checked In On", required=True, default=fields.Datetime.now
    )
    odometer = fields.Integer(
        string="Odometer (km)",
        compute="_compute_odometer",
        store=True,
        readonly=False,
    )
    odometer_intake = fields.Integer(
        related="dossier_id.odometer_intake", compute_sudo=False
    )
    intake_damage = fields.Text(
        string="Damage at Intake",
        related="dossier_id.damage_description",
        compute_sudo=False,
    )
    intake_zone_ids = fields.Many2many(
        related="dossier_id.damage_zone_ids", compute_sudo=False
    )
    intake_photo_ids = fields.Many2many(
        comodel_name="ir.attachment",
        string="Intake Photos",
        compute="_compute_intake_photo_ids",
    )
    new_damage = fields.Boolean(
        string="New Damage since Intake",
        help="Damage that was not there at intake (not part of this claim).",
    )
    note = fields.Text(
        string="Check-in Note",
        help="What was found: new damage, missing items, warning lamps...",
    )
    photo_ids = fields.Many2many(
        comodel_name="ir.attachment",
        relation="bodyshop_checkin_wizard_attachment_rel",
        string="Check-in Photos",
    )

    @api.depends("dossier_id")
    def _compute_odometer(self):
        for wizard in self:
            wizard.odometer = wizard.dossier_id.odometer_intake

    @api.depends("dossier_id")
    def _compute_intake_photo_ids(self):
        for wizard in self:
            wizard.intake_photo_ids = wizard.dossier_id.photo_ids.filtered(
                lambda a: a.bodyshop_photo_phase == "intake"
            )

    def action_confirm(self):
        self.ensure_one()
        dossier = self.dossier_id
        dossier._check_can_checkin()
        if self.new_damage and not self.note:
            raise ValidationError(
                _(
                    "Note: describe the new damage found at check-in (and add "
                    "photos of it)."
                )
            )
        if self.checkin_date > fields.Datetime.now():
            raise ValidationError(
                _("Checked In On: the check-in cannot be dated in the future.")
            )
        dossier._do_checkin(
            self.checkin_date,
            self.odometer,
            new_damage=self.new_damage,
            note=self.note,
            photos=self.photo_ids,
        )
        return {"type": "ir.actions.act_window_close"}
