import binascii

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.image import base64_to_image

from ..models.bodyshop_checklist import CHECK_RESULTS
from ..models.bodyshop_courtesy_booking import FUEL_LEVELS


class BodyshopDeliveryWizard(models.TransientModel):
    """Final inspection and hand-over of the repaired car."""

    _name = "bodyshop.delivery.wizard"
    _description = "Deliver a Car"
    _inherit = ["bodyshop.wizard.mixin"]

    dossier_id = fields.Many2one(
        comodel_name="bodyshop.dossier", required=True, ondelete="cascade"
    )
    license_plate = fields.Char(related="dossier_id.license_plate", compute_sudo=False)
    delivery_date = fields.Datetime(
        string="Delivered On", required=True, default=fields.Datetime.now
    )
    line_ids = fields.One2many(
        comodel_name="bodyshop.delivery.wizard.line",
        inverse_name="wizard_id",
        string="Final Inspection",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
    )
    all_ok = fields.Boolean(
        string="Everything OK",
        help="Tick to mark every check OK; then change the ones that are not.",
    )
    inspected_by = fields.Char(
        string="Final Inspection By",
        compute="_compute_inspected_by",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="Who performed the final inspection.",
    )
    odometer = fields.Integer(
        string="Odometer (km)",
        compute="_compute_odometer",
        store=True,
        precompute=True,
        readonly=False,
    )
    handed_to = fields.Char(
        compute="_compute_handed_to",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="Who collected the car.",
    )
    signature = fields.Binary(string="Customer's Signature")
    note = fields.Text(help="Explanation given to the customer, remarks.")

    # the courtesy car comes back with the customer's car
    booking_id = fields.Many2one(
        comodel_name="bodyshop.courtesy.booking",
        string="Courtesy Car to Return",
        compute="_compute_booking_id",
    )
    courtesy_odometer = fields.Float(
        string="Courtesy Car Odometer (km)", digits=(16, 0)
    )
    courtesy_fuel_level = fields.Selection(
        selection=FUEL_LEVELS, string="Courtesy Car Fuel/Charge"
    )
    courtesy_new_damage = fields.Boolean(string="New Damage on the Courtesy Car")
    courtesy_note = fields.Text(string="Courtesy Car Note")

    @api.depends("dossier_id")
    def _compute_line_ids(self):
        Item = self.env["bodyshop.checklist.item"]
        for wizard in self:
            items = Item._for_company(wizard.dossier_id.company_id or self.env.company)
            wizard.line_ids = [Command.clear()] + [
                Command.create(
                    {
                        "item_id": item.id,
                        "sequence": item.sequence,
                        "name": item.name,
                        "hint": item.description,
                    }
                )
                for item in items
            ]

    @api.onchange("all_ok")
    def _onchange_all_ok(self):
        if self.all_ok:
            for line in self.line_ids.filtered(lambda li: not li.result):
                line.result = "ok"

    @api.depends("dossier_id")
    def _compute_inspected_by(self):
        for wizard in self:
            wizard.inspected_by = self.env.user.name

    @api.depends("dossier_id")
    def _compute_odometer(self):
        for wizard in self:
            wizard.odometer = (
                wizard.dossier_id.checkin_odometer or wizard.dossier_id.odometer_intake
            )

    @api.depends("dossier_id")
    def _compute_handed_to(self):
        for wizard in self:
            wizard.handed_to = wizard.dossier_id.customer_id.name

    @api.depends("dossier_id")
    def _compute_booking_id(self):
        for wizard in self:
            wizard.booking_id = wizard.dossier_id.courtesy_booking_ids.filtered(
                lambda b: b.state == "out"
            )[:1]

    def action_confirm(self):
        self.ensure_one()
        dossier = self.dossier_id
        dossier._check_can_deliver()
        self._check_inspection()
        if self.delivery_date > fields.Datetime.now():
            raise ValidationError(
                _("Delivered On: the delivery cannot be dated in the future.")
            )
        minimum = dossier.checkin_odometer or dossier.odometer_intake
        if self.odometer and minimum and self.odometer < minimum:
            raise ValidationError(
                _(
                    "Odometer: %(km)s km is less than when the car came in "
                    "(%(minimum)s km).",
                    km=self.odometer,
                    minimum=minimum,
                )
            )
        if self.signature:
            self._check_signature()
        courtesy_return = None
        if self.booking_id:
            if not self.courtesy_fuel_level or not self.courtesy_odometer:
                raise ValidationError(
                    _(
                        "Courtesy car %(car)s is still out: record its return "
                        "(odometer and fuel level) before the car is delivered.",
                        car=self.booking_id.vehicle_id.display_name,
                    )
                )
            courtesy_return = {
                "date": self.delivery_date,
                "odometer": self.courtesy_odometer,
                "fuel_level": self.courtesy_fuel_level,
                "new_damage": self.courtesy_new_damage,
                "note": self.courtesy_note,
            }
        dossier._do_deliver(
            {
                "date": self.delivery_date,
                "inspected_by": self.inspected_by,
                "odometer": self.odometer,
                "handed_to": self.handed_to,
                "signature": self.signature,
                "note": self.note,
            },
            [
                {
                    "sequence": line.sequence,
                    "name": line.name,
                    "result": line.result,
                    "note": line.note,
                }
                for line in self.line_ids
            ],
            courtesy_return=courtesy_return,
        )
        return {"type": "ir.actions.act_window_close"}

    def _check_inspection(self):
        """Every check of the company's final inspection done, a failed one
        with what is wrong."""
        items = self.env["bodyshop.checklist.item"]._for_company(
            self.dossier_id.company_id
        )
        missing = items - self.line_ids.item_id
        unanswered = self.line_ids.filtered(lambda li: not li.result)
        if missing or unanswered:
            raise ValidationError(
                _(
                    "Final Inspection: give a result for %(checks)s.",
                    checks=", ".join(
                        missing.mapped("name") + unanswered.mapped("name")
                    ),
                )
            )
        failed = self.line_ids.filtered(
            lambda li: li.result == "failed" and not li.note
        )
        if failed:
            raise ValidationError(
                _(
                    "Final Inspection: say what is wrong with %(checks)s (note).",
                    checks=", ".join(failed.mapped("name")),
                )
            )

    def _check_signature(self):
        try:
            base64_to_image(self.signature)
        except (binascii.Error, UserError, ValueError):
            raise ValidationError(
                _("Customer's Signature: the signature is not an image.")
            ) from None


class BodyshopDeliveryWizardLine(models.TransientModel):
    _name = "bodyshop.delivery.wizard.line"
    _description = "Final Inspection Check"
    _order = "sequence, id"

    wizard_id = fields.Many2one(
        comodel_name="bodyshop.delivery.wizard", required=True, ondelete="cascade"
    )
    item_id = fields.Many2one(
        comodel_name="bodyshop.checklist.item", string="Check Item", readonly=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Check", required=True)
    hint = fields.Char()
    result = fields.Selection(selection=CHECK_RESULTS)
    note = fields.Char()
