from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import vehicle_identification as vid

ELECTRIC_FUEL_TYPES = (
    "electric",
    "full_hybrid",
    "plug_in_hybrid_diesel",
    "plug_in_hybrid_gasoline",
    "hydrogen",
)


class FleetVehicle(models.Model):
    _inherit = "fleet.vehicle"

    bodyshop_customer_vehicle = fields.Boolean(
        string="Customer Vehicle",
        index=True,
        copy=False,
        help="A customer's car taken in by the body shop. The Fleet app keeps "
        "showing the shop's own vehicles only.",
    )
    bodyshop_plate_country_id = fields.Many2one(
        comodel_name="res.country",
        string="Registration Country",
        help="Country of the license plate. Empty or the Netherlands: the plate "
        "is checked against the Dutch sidecodes. Foreign plates are kept as "
        "typed (upper case).",
    )
    bodyshop_first_registration_date = fields.Date(
        string="First Registration",
        help="Date of first admission (datum eerste toelating).",
    )
    bodyshop_vin_override = fields.Boolean(
        string="Non-standard Chassis Number",
        help="Older vehicles may carry a chassis number that is not a 17 "
        "character VIN: tick to accept it as typed.",
    )
    bodyshop_vin_warning = fields.Char(
        string="VIN Warning",
        compute="_compute_bodyshop_vin_warning",
    )
    bodyshop_is_electric = fields.Boolean(
        string="Electric or Hybrid",
        compute="_compute_bodyshop_is_electric",
        store=True,
        help="Has a high-voltage system (electric, hybrid, hydrogen): damage "
        "intake asks the EV safety triage (NEN 9140).",
    )
    is_courtesy_car = fields.Boolean(
        string="Courtesy Car",
        index=True,
        help="A car of the shop's own fleet lent to customers while their car "
        "is repaired (vervangend vervoer).",
    )
    bodyshop_booking_ids = fields.One2many(
        comodel_name="bodyshop.courtesy.booking",
        inverse_name="vehicle_id",
        string="Courtesy Car Bookings",
    )
    bodyshop_courtesy_state = fields.Selection(
        selection=[
            ("free", "Free"),
            ("reserved", "Reserved"),
            ("out", "Handed Over"),
            ("overdue", "Overdue"),
        ],
        string="Courtesy Car Status",
        compute="_compute_bodyshop_courtesy_state",
    )
    bodyshop_courtesy_booking_id = fields.Many2one(
        comodel_name="bodyshop.courtesy.booking",
        string="Current or Next Booking",
        compute="_compute_bodyshop_courtesy_state",
    )
    bodyshop_dossier_ids = fields.One2many(
        comodel_name="bodyshop.dossier",
        inverse_name="vehicle_id",
        string="Damage Dossiers",
    )
    bodyshop_dossier_count = fields.Integer(
        string="Dossier Count",
        compute="_compute_bodyshop_dossier_count",
    )

    @api.constrains("is_courtesy_car", "bodyshop_customer_vehicle")
    def _check_bodyshop_courtesy_car(self):
        for vehicle in self:
            if vehicle.is_courtesy_car and vehicle.bodyshop_customer_vehicle:
                raise ValidationError(
                    _(
                        "%(car)s is a customer's vehicle: only a car of the "
                        "shop's own fleet can be a courtesy car.",
                        car=vehicle.display_name,
                    )
                )

    def _compute_bodyshop_courtesy_state(self):
        bookings = self.env["bodyshop.courtesy.booking"].search(
            [
                ("vehicle_id", "in", self.filtered("is_courtesy_car").ids),
                ("state", "in", ("reserved", "out")),
            ],
            order="date_start",
        )
        for vehicle in self:
            mine = bookings.filtered(lambda b, v=vehicle: b.vehicle_id == v)
            out = mine.filtered(lambda b: b.state == "out")[:1]
            booking = out or mine[:1]
            vehicle.bodyshop_courtesy_booking_id = booking
            if out:
                vehicle.bodyshop_courtesy_state = "overdue" if out.is_overdue else "out"
            elif booking:
                vehicle.bodyshop_courtesy_state = "reserved"
            else:
                vehicle.bodyshop_courtesy_state = (
                    "free" if vehicle.is_courtesy_car else False
                )

    @api.depends("fuel_type")
    def _compute_bodyshop_is_electric(self):
        for vehicle in self:
            vehicle.bodyshop_is_electric = vehicle.fuel_type in ELECTRIC_FUEL_TYPES

    @api.depends("vin_sn", "bodyshop_vin_override")
    def _compute_bodyshop_vin_warning(self):
        for vehicle in self:
            vehicle.bodyshop_vin_warning = self._bodyshop_vin_warning_text(
                vehicle.vin_sn, vehicle.bodyshop_vin_override
            )

    def _compute_bodyshop_dossier_count(self):
        counts = dict(
            self.env["bodyshop.dossier"]._read_group(
                [("vehicle_id", "in", self.ids)], ["vehicle_id"], ["__count"]
            )
        )
        for vehicle in self:
            vehicle.bodyshop_dossier_count = counts.get(vehicle, 0)

    @api.constrains(
        "license_plate",
        "bodyshop_plate_country_id",
        "bodyshop_customer_vehicle",
    )
    def _check_bodyshop_license_plate(self):
        for vehicle in self:
            if not vehicle._bodyshop_checks_plate():
                continue
            if not vehicle.license_plate:
                raise ValidationError(
                    _("License Plate: a customer vehicle needs a license plate.")
                )
            if vehicle._bodyshop_dutch_plate() and not vid.format_nl_plate(
                vehicle.license_plate
            ):
                raise ValidationError(
                    _(
                        "License Plate: %(plate)s is not a valid Dutch license "
                        "plate (no known sidecode). For a foreign plate, set "
                        "the registration country.",
                        plate=vehicle.license_plate,
                    )
                )

    @api.constrains("license_plate", "bodyshop_customer_vehicle", "company_id")
    def _check_bodyshop_plate_unique(self):
        for vehicle in self.filtered("bodyshop_customer_vehicle"):
            if vehicle.license_plate and self.search_count(
                [
                    ("id", "!=", vehicle.id),
                    ("bodyshop_customer_vehicle", "=", True),
                    ("license_plate", "=", vehicle.license_plate),
                    ("company_id", "in", [vehicle.company_id.id, False]),
                ],
                limit=1,
            ):
                raise ValidationError(
                    _(
                        "License Plate: a customer vehicle with plate %(plate)s "
                        "already exists.",
                        plate=vehicle.license_plate,
                    )
                )

    @api.constrains("vin_sn", "bodyshop_vin_override", "bodyshop_customer_vehicle")
    def _check_bodyshop_vin(self):
        for vehicle in self:
            if (
                vehicle.bodyshop_customer_vehicle
                and vehicle.vin_sn
                and not vehicle.bodyshop_vin_override
                and not vid.vin_is_well_formed(vehicle.vin_sn)
            ):
                raise ValidationError(
                    _(
                        "VIN: %(vin)s is not a valid vehicle identification "
                        "number: it needs 17 characters, digits and letters "
                        "without I, O and Q. For an older vehicle with another "
                        "chassis number, tick 'Non-standard Chassis Number'.",
                        vin=vehicle.vin_sn,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._bodyshop_normalise_vals(vals, self.browse())
        return super().create(vals_list)

    def write(self, vals):
        if not {"license_plate", "vin_sn"} & set(vals):
            return super().write(vals)
        for vehicle in self:
            super(FleetVehicle, vehicle).write(
                vehicle._bodyshop_normalise_vals(dict(vals), vehicle)
            )
        return True

    @api.onchange("vin_sn")
    def _onchange_bodyshop_vin_sn(self):
        if self.vin_sn and self.bodyshop_customer_vehicle:
            self.vin_sn = vid.compact(self.vin_sn)
        if self.bodyshop_vin_warning:
            return {
                "warning": {
                    "title": _("VIN check digit"),
                    "message": self.bodyshop_vin_warning,
                }
            }

    def action_open_bodyshop_dossiers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bodyshop.bodyshop_dossier_action"
        )
        action["domain"] = [("vehicle_id", "=", self.id)]
        action["context"] = {
            "default_vehicle_id": self.id,
            "default_customer_id": self.driver_id.id,
        }
        return action

    # helpers

    @api.model
    def _bodyshop_vin_warning_text(self, vin, override=False):
        """The warning for a well-formed VIN whose check digit fails, or False."""
        if (
            not vin
            or override
            or not vid.vin_is_well_formed(vin)
            or not vid.vin_check_digit_applies(vin)
            or vid.vin_check_digit_ok(vin)
        ):
            return False
        return _(
            "The check digit (9th character) of VIN %(vin)s does not match, "
            "although a North American or Chinese VIN has one: compare the VIN "
            "with the registration papers.",
            vin=vid.compact(vin),
        )

    def _bodyshop_checks_plate(self):
        self.ensure_one()
        return self.bodyshop_customer_vehicle or (
            self.bodyshop_plate_country_id.code == "NL"
        )

    def _bodyshop_dutch_plate(self):
        self.ensure_one()
        return self.bodyshop_plate_country_id.code in (False, "NL")

    @api.model
    def _bodyshop_normalise_vals(self, vals, vehicle):
        """Write plates and VINs in one notation: 'TT-601-D', VIN in capitals.

        Plates of customer vehicles (or with the Netherlands as country) get
        the RDW notation when they match a sidecode; an invalid one is left as
        typed for the constraint to name it. Foreign plates: capitals only.
        """
        if vehicle:
            customer = vals.get(
                "bodyshop_customer_vehicle", vehicle.bodyshop_customer_vehicle
            )
        else:
            customer = vals.get(
                "bodyshop_customer_vehicle",
                self.env.context.get("default_bodyshop_customer_vehicle", False),
            )
        if "bodyshop_plate_country_id" in vals:
            country = self.env["res.country"].browse(vals["bodyshop_plate_country_id"])
        else:
            country = vehicle.bodyshop_plate_country_id
        plate = vals.get("license_plate")
        if plate and (customer or country.code == "NL"):
            if country.code in (False, "NL"):
                vals["license_plate"] = (
                    vid.format_nl_plate(plate) or plate.strip().upper()
                )
            else:
                vals["license_plate"] = plate.strip().upper()
        if vals.get("vin_sn") and customer:
            override = vals.get("bodyshop_vin_override", vehicle.bodyshop_vin_override)
            vals["vin_sn"] = (
                vals["vin_sn"].strip().upper()
                if override
                else vid.compact(vals["vin_sn"])
            )
        return vals
