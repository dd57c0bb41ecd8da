from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..models.bodyshop_courtesy_booking import FUEL_LEVELS


class BodyshopCourtesyHandover(models.TransientModel):
    """Hand a courtesy car over to the customer, or take it back."""

    _name = "bodyshop.courtesy.handover"
    _description = "Courtesy Car Hand-over and Return"
    _inherit = ["bodyshop.wizard.mixin"]
    _bodyshop_record_field = "booking_id"

    booking_id = fields.Many2one(
        comodel_name="bodyshop.courtesy.booking", required=True, ondelete="cascade"
    )
    mode = fields.Selection(
        selection=[("out", "Hand Over"), ("in", "Return")],
        required=True,
        default="out",
    )
    vehicle_id = fields.Many2one(related="booking_id.vehicle_id", compute_sudo=False)
    customer_id = fields.Many2one(related="booking_id.customer_id", compute_sudo=False)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    odometer = fields.Float(
        string="Odometer (km)",
        compute="_compute_odometer",
        store=True,
        readonly=False,
        digits=(16, 0),
    )
    odometer_out = fields.Float(related="booking_id.out_odometer", compute_sudo=False)
    fuel_level = fields.Selection(
        selection=FUEL_LEVELS, string="Fuel/Charge Level", required=True
    )
    new_damage = fields.Boolean(help="The car came back with damage.")
    note = fields.Text()

    @api.depends("booking_id", "mode")
    def _compute_odometer(self):
        for wizard in self:
            if wizard.mode == "in":
                wizard.odometer = wizard.booking_id.out_odometer
            else:
                wizard.odometer = wizard.booking_id.vehicle_id.odometer

    def action_confirm(self):
        self.ensure_one()
        if self.date > fields.Datetime.now():
            raise ValidationError(_("Date: the date cannot lie in the future."))
        if self.mode == "out":
            self.booking_id._hand_over(
                self.date, self.odometer, self.fuel_level, self.note
            )
        else:
            self.booking_id._return(
                self.date, self.odometer, self.fuel_level, self.new_damage, self.note
            )
        return {"type": "ir.actions.act_window_close"}
