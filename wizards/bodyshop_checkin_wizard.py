from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class BodyshopCheckinWizard(models.TransientModel):
    """The new-damage check when the car is brought in for the repair."""

    _name = "bodyshop.checkin.wizard"
    _description = "Check In a Car"

    dossier_id = fields.Many2one(
        comodel_name="bodyshop.dossier", required=True, ondelete="cascade"
    )
    license_plate = fields.Char(related="dossier_id.license_plate")
    checkin_date = fields.Datetime(
        string="Checked In On", required=True, default=fields.Datetime.now
    )
    odometer = fields.Integer(
        string="Odometer (km)",
        compute="_compute_odometer",
        store=True,
        readonly=False,
    )
    odometer_intake = fields.Integer(related="dossier_id.odometer_intake")
    intake_damage = fields.Text(
        string="Damage at Intake", related="dossier_id.damage_description"
    )
    intake_zone_ids = fields.Many2many(related="dossier_id.damage_zone_ids")
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
        if dossier.state in ("repair", "ready", "delivered", "invoiced"):
            raise UserError(
                _("Dossier %(name)s has been checked in already.", name=dossier.name)
            )
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
        dossier.write(
            {
                "checkin_date": self.checkin_date,
                "checkin_user_id": self.env.user.id,
                "checkin_odometer": self.odometer,
                "checkin_new_damage": self.new_damage,
                "checkin_note": self.note,
            }
        )
        if self.photo_ids:
            self.photo_ids._bodyshop_attach_photos(dossier, "checkin")
        if self.new_damage:
            body = _(
                "Car checked in (%(km)s km). New damage since intake: %(note)s",
                km=self.odometer,
                note=self.note,
            )
        else:
            body = _(
                "Car checked in (%(km)s km): no new damage since intake.",
                km=self.odometer,
            )
        dossier._message_log(body=body)
        dossier._notify_customer("received")
        return {"type": "ir.actions.act_window_close"}
