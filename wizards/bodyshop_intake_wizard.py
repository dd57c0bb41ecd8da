import math
import uuid

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import format_date, formatLang

from odoo.addons.fleet.models.fleet_vehicle_model import FUEL_TYPES

from ..models.bodyshop_dossier import (
    COVERAGES,
    DAMAGE_CAUSES,
    INTAKE_CHANNELS,
    PAYER_DOMAIN,
    PAYER_TYPES,
)
from ..models.bodyshop_ev_triage_mixin import EV_TRIAGE_FIELDS
from ..models.bodyshop_guard_mixin import MAX_NUMBER
from ..models.fleet_vehicle import ELECTRIC_FUEL_TYPES
from ..tools import vehicle_identification as vid
from ..tools.rdw import RdwClient, RdwError


def nice_name(name):
    """'VOLKSWAGEN' -> 'Volkswagen', 'MODEL 3' -> 'Model 3'; 'BMW', 'ID.3' kept."""
    return " ".join(
        word
        if len(word) <= 3 or any(ch.isdigit() for ch in word)
        else word.capitalize()
        for word in name.split()
    )


# Fields copied one to one from the wizard onto the new dossier.
DOSSIER_FIELDS = [
    "user_id",
    "intake_channel",
    "intake_date",
    "customer_id",
    "payer_type",
    "claim_number",
    "policy_number",
    "coverage",
    "deductible_amount",
    "customer_vat_liable",
    "odometer_intake",
    "damage_date",
    "damage_cause",
    "damage_description",
    "customer_wishes",
    "estimate_hours",
    "estimate_amount",
    "planned_start_date",
    "planned_delivery_date",
    *EV_TRIAGE_FIELDS,
]


class BodyshopIntakeWizard(models.TransientModel):
    _name = "bodyshop.intake.wizard"
    _description = "Damage Intake"
    _inherit = ["bodyshop.ev.triage.mixin", "bodyshop.guard.mixin"]
    _check_company_auto = True

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    company_country_id = fields.Many2one(related="company_id.country_id")
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Damage Manager",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    intake_channel = fields.Selection(
        selection=INTAKE_CHANNELS,
        default="physical",
        required=True,
    )
    intake_date = fields.Datetime(default=fields.Datetime.now, required=True)
    # The same intake confirmed twice (a double click, a retried request)
    # makes one dossier: see bodyshop.dossier.request_key.
    request_key = fields.Char(default=lambda self: str(uuid.uuid4()))

    # vehicle
    license_plate = fields.Char(required=True)
    plate_country_id = fields.Many2one(
        comodel_name="res.country",
        string="Registration Country",
        help="Leave empty for a Dutch plate.",
    )
    vehicle_id = fields.Many2one(
        comodel_name="fleet.vehicle",
        string="Known Vehicle",
        check_company=True,
        domain="[('bodyshop_customer_vehicle', '=', True)]",
    )
    rdw_status = fields.Selection(
        selection=[
            ("found", "Found in the register"),
            ("known", "Known vehicle"),
            ("not_found", "Not in the register"),
            ("unreachable", "Register not reachable"),
            ("invalid", "Invalid plate"),
        ],
        string="Register Lookup",
        readonly=True,
    )
    rdw_message = fields.Char(string="Register Notice", readonly=True)
    brand_name = fields.Char(string="Make")
    model_name = fields.Char(string="Model")
    fuel_type = fields.Selection(selection=FUEL_TYPES)
    first_registration_date = fields.Date(string="First Registration")
    color = fields.Char()
    model_year = fields.Char()
    vin_sn = fields.Char(string="VIN")
    vin_override = fields.Boolean(string="Non-standard Chassis Number")
    vin_warning = fields.Char(compute="_compute_vin_warning")
    odometer_intake = fields.Integer(string="Odometer (km)")
    is_electric = fields.Boolean(
        string="Electric or Hybrid",
        compute="_compute_is_electric",
    )

    # customer and payer
    customer_id = fields.Many2one(
        comodel_name="res.partner",
        check_company=True,
    )
    payer_type = fields.Selection(
        selection=PAYER_TYPES,
        string="Paying Party Type",
        default="insurer",
        required=True,
    )
    payer_id = fields.Many2one(
        comodel_name="res.partner",
        string="Paying Party",
        check_company=True,
        domain=PAYER_DOMAIN,
    )
    claim_number = fields.Char()
    policy_number = fields.Char()
    coverage = fields.Selection(
        selection=COVERAGES,
    )
    deductible_amount = fields.Monetary(string="Deductible")
    customer_vat_liable = fields.Boolean(string="Customer VAT-registered")

    # damage
    damage_date = fields.Date(default=fields.Date.context_today)
    damage_cause = fields.Selection(
        selection=DAMAGE_CAUSES,
    )
    damage_zone_ids = fields.Many2many(
        comodel_name="bodyshop.damage.zone",
        string="Damage Zones",
    )
    damage_description = fields.Text()
    customer_wishes = fields.Text()
    photo_ids = fields.Many2many(
        comodel_name="ir.attachment",
        string="Photos",
    )

    # estimate and planning
    estimate_hours = fields.Float(string="Estimated Repair Hours")
    estimate_amount = fields.Monetary(string="Estimated Repair Cost")
    planned_start_date = fields.Date()
    planned_delivery_date = fields.Date()
    planning_info = fields.Char(compute="_compute_planning")
    planning_over_capacity = fields.Boolean(compute="_compute_planning")
    suggested_start_date = fields.Date(compute="_compute_planning")

    # EV triage
    ev_checked_on = fields.Datetime(default=fields.Datetime.now)

    # computes

    @api.depends("fuel_type", "vehicle_id.bodyshop_is_electric")
    def _compute_is_electric(self):
        for wizard in self:
            wizard.is_electric = (
                wizard.fuel_type in ELECTRIC_FUEL_TYPES
                or wizard.vehicle_id.bodyshop_is_electric
            )

    @api.depends("vin_sn", "vin_override")
    def _compute_vin_warning(self):
        Vehicle = self.env["fleet.vehicle"]
        for wizard in self:
            wizard.vin_warning = Vehicle._bodyshop_vin_warning_text(
                wizard.vin_sn, wizard.vin_override
            )

    @api.depends(
        "planned_start_date", "planned_delivery_date", "estimate_hours", "company_id"
    )
    def _compute_planning(self):
        Load = self.env["bodyshop.workshop.load"]
        tomorrow = fields.Date.add(fields.Date.context_today(self), days=1)
        for wizard in self:
            start = wizard.planned_start_date
            end = wizard.planned_delivery_date or start
            days = Load.browse()
            if start and end and end >= start:
                days = Load.search(
                    [
                        ("company_id", "=", wizard.company_id.id),
                        ("date", ">=", start),
                        ("date", "<=", end),
                    ]
                )
            # The planning hint of an onchange never fails on a wild number;
            # saving refuses it (bodyshop.guard.mixin).
            hours = wizard.estimate_hours
            if not (math.isfinite(hours) and 0 <= hours <= MAX_NUMBER):
                hours = 0.0
            share = hours / len(days) if days else hours
            capacity = wizard.company_id.bodyshop_productive_hours
            needed = min(share, capacity)
            suggestion = Load.search(
                [
                    ("company_id", "=", wizard.company_id.id),
                    ("date", ">=", tomorrow),
                    ("free_hours", ">=", needed),
                ],
                limit=1,
            )
            wizard.suggested_start_date = suggestion.date
            if not days:
                wizard.planning_info = False
                wizard.planning_over_capacity = False
                continue
            peak = max(days, key=lambda day: day.booked_hours)
            wizard.planning_over_capacity = any(
                day.booked_hours + share > day.capacity_hours for day in days
            )
            wizard.planning_info = _(
                "%(days)s working day(s), %(share)s h a day for this car. Busiest "
                "day %(date)s: %(booked)s h booked of %(capacity)s h capacity.",
                days=len(days),
                share=formatLang(self.env, share, digits=1),
                date=format_date(self.env, peak.date),
                booked=formatLang(self.env, peak.booked_hours, digits=1),
                capacity=formatLang(self.env, peak.capacity_hours, digits=1),
            )

    # onchanges

    @api.onchange("license_plate", "plate_country_id")
    def _onchange_license_plate(self):
        if self.license_plate:
            self._lookup_plate()

    @api.onchange("payer_type", "customer_id")
    def _onchange_payer_type(self):
        if self.payer_type == "private":
            self.payer_id = self.customer_id
        elif self.payer_id and self.payer_id == self.customer_id:
            self.payer_id = False

    @api.onchange("planned_start_date", "estimate_hours")
    def _onchange_planned_start_date(self):
        # The suggested start date is only shown (Use it): a suggestion never
        # takes the place of a date the user typed.
        if self.planned_start_date and (
            not self.planned_delivery_date
            or self.planned_delivery_date < self.planned_start_date
        ):
            self.planned_delivery_date = self._default_delivery_date()

    # actions

    def action_lookup_plate(self):
        """Ask the register again (for instance when it was down)."""
        self.ensure_one()
        self._lookup_plate()
        return self._reopen()

    def action_use_suggested_date(self):
        """Plan the car on the first working day with room for it."""
        self.ensure_one()
        if self.suggested_start_date:
            self.planned_start_date = self.suggested_start_date
            if (
                not self.planned_delivery_date
                or self.planned_delivery_date < self.planned_start_date
            ):
                self.planned_delivery_date = self._default_delivery_date()
        return self._reopen()

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Damage Intake"),
        }

    def action_create_dossier(self):
        self.ensure_one()
        Dossier = self.env["bodyshop.dossier"]
        key = Dossier._bodyshop_request_key(self.request_key)
        if key:
            dossier_id = Dossier._bodyshop_request_dossier_id(self.company_id.id, key)
            if dossier_id:
                # This intake was confirmed before: its dossier, nothing new.
                return self._dossier_action(dossier_id)
        self._check_intake()
        vehicle = self._get_or_create_vehicle()
        dossier = Dossier.create(self._prepare_dossier_vals(vehicle))
        if self.photo_ids:
            self.photo_ids._bodyshop_attach_photos(dossier, "intake")
        if self.odometer_intake and self.odometer_intake > vehicle.odometer:
            vehicle.odometer = self.odometer_intake
        dossier._message_log(
            body=_(
                "Intake (%(channel)s) by %(user)s.",
                channel=self._selection_label("intake_channel"),
                user=self.env.user.name,
            ),
        )
        return self._dossier_action(dossier.id)

    def _dossier_action(self, dossier_id):
        return {
            "type": "ir.actions.act_window",
            "res_model": "bodyshop.dossier",
            "res_id": dossier_id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    # helpers

    def _is_dutch_plate(self):
        return self.plate_country_id.code in (False, "NL")

    def _lookup_plate(self):
        """Fill the vehicle from fleet or the register; never raises."""
        plate = self.license_plate.strip().upper()
        if self._is_dutch_plate():
            formatted = vid.format_nl_plate(plate)
            if not formatted:
                self.rdw_status = "invalid"
                self.rdw_message = _(
                    "%(plate)s is not a valid Dutch license plate. For a foreign "
                    "plate, choose the registration country.",
                    plate=plate,
                )
                return
            plate = formatted
        self.license_plate = plate
        vehicle = self.env["fleet.vehicle"].search(
            [
                ("license_plate", "=", plate),
                ("company_id", "in", [self.company_id.id, False]),
            ],
            limit=1,
        )
        if vehicle:
            self._fill_from_vehicle(vehicle)
            return
        self.vehicle_id = False
        if not self._is_dutch_plate():
            self.rdw_status = False
            self.rdw_message = False
            return
        params = self.env["ir.config_parameter"].sudo()
        client = RdwClient(
            self.env,
            base_url=params.get_param("bodyshop.rdw_base_url"),
            timeout=params.get_param("bodyshop.rdw_timeout"),
        )
        try:
            data = client.lookup(plate)
        except RdwError as error:
            self.rdw_status = "unreachable"
            self.rdw_message = _(
                "%(error)s Fill in the vehicle by hand; intake goes on.",
                error=error,
            )
            return
        if not data:
            self.rdw_status = "not_found"
            self.rdw_message = _(
                "%(plate)s is not in the vehicle register: check the plate or "
                "fill in the vehicle by hand.",
                plate=plate,
            )
            return
        self.rdw_status = "found"
        self.rdw_message = False
        self.brand_name = data["brand"]
        self.model_name = data["model"]
        self.fuel_type = data["fuel_type"]
        self.first_registration_date = data["first_registration_date"]
        self.color = data["color"]
        self.model_year = data["model_year"] and str(data["model_year"])

    def _fill_from_vehicle(self, vehicle):
        self.vehicle_id = vehicle
        self.rdw_status = "known"
        self.rdw_message = False
        self.brand_name = vehicle.brand_id.name
        self.model_name = vehicle.model_id.name
        self.fuel_type = vehicle.fuel_type
        self.first_registration_date = vehicle.bodyshop_first_registration_date
        self.color = vehicle.color
        self.model_year = vehicle.model_year
        self.vin_sn = vehicle.vin_sn
        self.vin_override = vehicle.bodyshop_vin_override
        if vehicle.driver_id and not self.customer_id:
            self.customer_id = vehicle.driver_id

    def _default_delivery_date(self):
        """Start plus the working days the estimate needs at one car's pace."""
        capacity = self.company_id.bodyshop_productive_hours or 8.0
        hours = self.estimate_hours
        if not (math.isfinite(hours) and 0 <= hours <= MAX_NUMBER):
            hours = 0.0
        # At most a year of working days.
        working_days = min(max(1, math.ceil(hours / min(capacity, 8.0))), 260)
        calendar = self.company_id.resource_calendar_id
        start = fields.Datetime.to_datetime(self.planned_start_date)
        if calendar:
            # The company's working schedule, its public holidays left out.
            end = calendar.plan_days(working_days, start, compute_leaves=True)
            if end:
                return end.date()
        day = self.planned_start_date
        while day.weekday() >= 5:
            day = fields.Date.add(day, days=1)
        remaining = working_days - 1
        while remaining:
            day = fields.Date.add(day, days=1)
            if day.weekday() < 5:
                remaining -= 1
        return day

    def _check_intake(self):
        """Refuse incomplete input before anything is written."""
        self.ensure_one()
        if self._is_dutch_plate() and not vid.format_nl_plate(self.license_plate):
            raise ValidationError(
                _(
                    "License Plate: %(plate)s is not a valid Dutch license plate "
                    "(no known sidecode). For a foreign plate, choose the "
                    "registration country.",
                    plate=self.license_plate,
                )
            )
        if not self.customer_id:
            raise UserError(_("Customer: choose or create the customer."))
        if self.payer_type != "private" and not self.payer_id:
            raise UserError(
                _("Paying Party: choose the insurer, lease company or fleet owner.")
            )
        if not self.vehicle_id and not (self.brand_name and self.model_name):
            raise UserError(
                _("Make and Model: fill in the make and model of the vehicle.")
            )
        if self.intake_channel == "digital" and not self.photo_ids:
            raise UserError(
                _("Photos: a digital intake needs at least one photo of the damage.")
            )
        if self.is_electric and not self.ev_risk_class:
            raise UserError(
                _(
                    "EV Risk Class: this vehicle has a high-voltage system; do the "
                    "EV safety triage (NEN 9140) and choose its risk class."
                )
            )
        if self.currency_id.compare_amounts(self.deductible_amount, 0) < 0:
            raise ValidationError(_("Deductible: the deductible cannot be negative."))

    def _get_or_create_vehicle(self):
        vehicle_vals = {
            "bodyshop_customer_vehicle": True,
            "bodyshop_vin_override": self.vin_override,
        }
        if self.vin_sn:
            vehicle_vals["vin_sn"] = self.vin_sn
        if self.vehicle_id:
            vehicle = self.vehicle_id
            updates = {
                key: value
                for key, value in vehicle_vals.items()
                if value and value != vehicle[key]
            }
            if self.fuel_type and self.fuel_type != vehicle.fuel_type:
                updates["fuel_type"] = self.fuel_type
            if updates:
                vehicle.write(updates)
            return vehicle
        vehicle_vals.update(
            {
                "license_plate": self.license_plate,
                "bodyshop_plate_country_id": self.plate_country_id.id,
                "model_id": self._get_or_create_model().id,
                "fuel_type": self.fuel_type,
                "color": self.color,
                "model_year": self.model_year,
                "bodyshop_first_registration_date": self.first_registration_date,
                "acquisition_date": self.first_registration_date,
                "driver_id": self.customer_id.id,
                "company_id": self.company_id.id,
            }
        )
        return self.env["fleet.vehicle"].create(vehicle_vals)

    def _get_or_create_model(self):
        """Find the fleet make and model by name; create them when unknown."""
        Brand = self.env["fleet.vehicle.model.brand"]
        Model = self.env["fleet.vehicle.model"]
        brand_name = self.brand_name.strip()
        model_name = self.model_name.strip()
        brand = Brand.search([("name", "=ilike", brand_name)], limit=1)
        if not brand:
            brand = Brand.create({"name": nice_name(brand_name)})
        model = Model.search(
            [("brand_id", "=", brand.id), ("name", "=ilike", model_name)], limit=1
        )
        if not model:
            model = Model.create(
                {
                    "name": nice_name(model_name),
                    "brand_id": brand.id,
                    "vehicle_type": "car",
                    "default_fuel_type": self.fuel_type,
                }
            )
        return model

    def _prepare_dossier_vals(self, vehicle):
        vals = {
            name: self._fields[name].convert_to_write(self[name], self)
            for name in DOSSIER_FIELDS
        }
        vals.update(
            {
                "company_id": self.company_id.id,
                "request_key": self.request_key,
                "vehicle_id": vehicle.id,
                "payer_id": (
                    self.customer_id.id
                    if self.payer_type == "private"
                    else self.payer_id.id
                ),
                "damage_zone_ids": [fields.Command.set(self.damage_zone_ids.ids)],
            }
        )
        if not self.is_electric:
            for name in DOSSIER_FIELDS:
                if name.startswith("ev_"):
                    vals.pop(name)
        return vals
