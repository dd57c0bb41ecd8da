from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

BOOKING_STATES = [
    ("reserved", "Reserved"),
    ("out", "Handed Over"),
    ("returned", "Returned"),
    ("cancelled", "Cancelled"),
]
FUEL_LEVELS = [
    ("0", "Empty"),
    ("25", "1/4"),
    ("50", "1/2"),
    ("75", "3/4"),
    ("100", "Full"),
]

# No double booking, also between concurrent transactions: two bookings of one
# car whose periods overlap cannot both exist. The car id as a one-value range
# keeps this to core PostgreSQL (no btree_gist extension).
NO_DOUBLE_BOOKING = (
    "EXCLUDE USING gist (int4range(vehicle_id, vehicle_id, '[]'::text) WITH &&, "
    "tsrange(date_start, date_end) WITH &&) "
    "WHERE (((state)::text <> 'cancelled'::text))"
)


class BodyshopCourtesyBooking(models.Model):
    _name = "bodyshop.courtesy.booking"
    _description = "Courtesy Car Booking"
    _inherit = ["mail.thread", "bodyshop.guard.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    # MODEL.md, "Fields the workflow owns": the booking moves through its
    # actions (hand over, return, cancel), which record the hand-over.
    _bodyshop_workflow_fields = (
        "state",
        "out_date",
        "out_odometer",
        "out_fuel_level",
        "out_note",
        "in_date",
        "in_odometer",
        "in_fuel_level",
        "in_new_damage",
        "in_note",
    )

    name = fields.Char(compute="_compute_name", store=True)
    dossier_id = fields.Many2one(
        comodel_name="bodyshop.dossier",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="dossier_id.company_id", store=True, precompute=True, index=True
    )
    customer_id = fields.Many2one(related="dossier_id.customer_id", store=True)
    vehicle_id = fields.Many2one(
        comodel_name="fleet.vehicle",
        string="Courtesy Car",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('is_courtesy_car', '=', True), ('id', 'in', available_vehicle_ids)]",
    )
    date_start = fields.Datetime(
        string="From", required=True, tracking=True, default=fields.Datetime.now
    )
    date_end = fields.Datetime(
        string="Until",
        required=True,
        tracking=True,
        default=lambda self: fields.Datetime.add(fields.Datetime.now(), days=3),
    )
    is_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_is_overdue",
        search="_search_is_overdue",
        help="Handed over and not back although the booking has ended.",
    )
    state = fields.Selection(
        selection=BOOKING_STATES,
        default="reserved",
        required=True,
        copy=False,
        tracking=True,
        index=True,
    )
    available_vehicle_ids = fields.Many2many(
        comodel_name="fleet.vehicle",
        string="Free Courtesy Cars",
        compute="_compute_available_vehicle_ids",
    )
    availability_info = fields.Char(compute="_compute_available_vehicle_ids")
    out_date = fields.Datetime(string="Handed Over On", readonly=True, copy=False)
    out_odometer = fields.Float(
        string="Odometer Out", readonly=True, copy=False, digits=(16, 0)
    )
    out_fuel_level = fields.Selection(
        selection=FUEL_LEVELS, string="Fuel/Charge Out", readonly=True, copy=False
    )
    out_note = fields.Text(string="Hand-over Note", readonly=True, copy=False)
    in_date = fields.Datetime(string="Returned On", readonly=True, copy=False)
    in_odometer = fields.Float(
        string="Odometer In", readonly=True, copy=False, digits=(16, 0)
    )
    in_fuel_level = fields.Selection(
        selection=FUEL_LEVELS, string="Fuel/Charge In", readonly=True, copy=False
    )
    in_new_damage = fields.Boolean(string="New Damage", readonly=True, copy=False)
    in_note = fields.Text(string="Return Note", readonly=True, copy=False)
    distance = fields.Float(
        string="Distance Driven", compute="_compute_distance", digits=(16, 0)
    )

    _sql_constraints = [
        (
            "dates_check",
            "CHECK (date_end > date_start)",
            "A courtesy car booking must end after it starts.",
        ),
        (
            "vehicle_period_excl",
            NO_DOUBLE_BOOKING,
            "This courtesy car is already booked in that period.",
        ),
    ]

    @api.depends("vehicle_id.license_plate", "dossier_id.name")
    def _compute_name(self):
        for booking in self:
            booking.name = " - ".join(
                filter(
                    None, [booking.vehicle_id.license_plate, booking.dossier_id.name]
                )
            )

    @api.depends("state", "date_end")
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for booking in self:
            booking.is_overdue = bool(
                booking.state == "out" and booking.date_end and booking.date_end < now
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on overdue bookings."))
        domain = [("state", "=", "out"), ("date_end", "<", fields.Datetime.now())]
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

    @api.depends("out_odometer", "in_odometer", "state")
    def _compute_distance(self):
        for booking in self:
            booking.distance = (
                booking.in_odometer - booking.out_odometer
                if booking.state == "returned"
                else 0.0
            )

    @api.depends("date_start", "date_end", "company_id")
    def _compute_available_vehicle_ids(self):
        for booking in self:
            cars = booking._courtesy_cars()
            free = cars
            if booking.date_start and booking.date_end:
                busy = booking._conflicting_bookings(cars)
                free = cars - busy.vehicle_id
            booking.available_vehicle_ids = free
            booking.availability_info = _(
                "%(free)s of %(total)s courtesy cars free in this period.",
                free=len(free),
                total=len(cars),
            )

    def _courtesy_cars(self):
        company = self.company_id or self.env.company
        return self.env["fleet.vehicle"].search(
            [
                ("is_courtesy_car", "=", True),
                ("company_id", "in", [company.id, False]),
            ]
        )

    def _conflicting_bookings(self, vehicles, exclude=None):
        """Other bookings of ``vehicles`` in this booking's period, and cars that
        are still out (handed over, not returned) from before it."""
        self.ensure_one()
        exclude = exclude if exclude is not None else self
        return self.search(
            [
                ("id", "not in", exclude.ids),
                ("vehicle_id", "in", vehicles.ids),
                ("state", "in", ("reserved", "out")),
                ("date_start", "<", self.date_end),
                "|",
                ("date_end", ">", self.date_start),
                ("state", "=", "out"),
            ]
        )

    # constraints

    @api.constrains("vehicle_id", "state")
    def _check_courtesy_car(self):
        for booking in self.filtered(lambda b: b.state in ("reserved", "out")):
            if not booking.vehicle_id.is_courtesy_car:
                raise ValidationError(
                    _(
                        "%(car)s is not a courtesy car of the shop.",
                        car=booking.vehicle_id.display_name,
                    )
                )

    @api.model
    def _check_free(self, vehicle, date_start, date_end, booking=None):
        """Refuse a period in which ``vehicle`` is booked or still out.

        Checked before the database is written, for a clear message; the
        exclusion constraint guards what this check cannot see (concurrent
        transactions).
        """
        if not (vehicle and date_start and date_end):
            return
        if fields.Datetime.to_datetime(date_end) <= fields.Datetime.to_datetime(
            date_start
        ):
            raise ValidationError(
                _("Until: a courtesy car booking must end after it starts.")
            )
        probe = self.new(
            {"vehicle_id": vehicle.id, "date_start": date_start, "date_end": date_end}
        )
        other = probe._conflicting_bookings(vehicle, exclude=booking)[:1]
        if other.state == "out" and other.date_end <= probe.date_start:
            raise ValidationError(
                _(
                    "Courtesy car %(car)s is out with dossier %(dossier)s "
                    "since %(date)s and has not been returned yet.",
                    car=vehicle.display_name,
                    dossier=other.dossier_id.name,
                    date=self._format_datetime(other.out_date or other.date_start),
                )
            )
        if other:
            raise ValidationError(
                _(
                    "Courtesy car %(car)s is already booked for dossier "
                    "%(dossier)s from %(start)s until %(end)s.",
                    car=vehicle.display_name,
                    dossier=other.dossier_id.name,
                    start=self._format_datetime(other.date_start),
                    end=self._format_datetime(other.date_end),
                )
            )

    def _format_datetime(self, value):
        return fields.Datetime.context_timestamp(self, value).strftime("%d-%m-%Y %H:%M")

    # CRUD

    @api.model_create_multi
    def create(self, vals_list):
        # Wild values are refused before this method reads them.
        for vals in vals_list:
            self._bodyshop_check_input(vals)
        dossiers = self.env["bodyshop.dossier"].browse(
            [vals["dossier_id"] for vals in vals_list if vals.get("dossier_id")]
        )
        closed = dossiers.filtered(lambda d: d.is_closed)
        if closed:
            raise UserError(
                _(
                    "Dossier %(name)s is closed: no courtesy car can be booked.",
                    name=closed[0].name,
                )
            )
        Vehicle = self.env["fleet.vehicle"]
        for vals in vals_list:
            if vals.get("state", "reserved") == "reserved":
                self._check_free(
                    Vehicle.browse(vals.get("vehicle_id")),
                    vals.get("date_start") or fields.Datetime.now(),
                    vals.get("date_end"),
                )
        bookings = super().create(vals_list)
        for booking in bookings:
            booking.dossier_id._message_log(
                body=_(
                    "Courtesy car %(car)s booked from %(start)s until %(end)s.",
                    car=booking.vehicle_id.display_name,
                    start=booking._format_datetime(booking.date_start),
                    end=booking._format_datetime(booking.date_end),
                )
            )
        return bookings

    def write(self, vals):
        self._bodyshop_check_input(vals)
        if {"vehicle_id", "date_start", "date_end"} & set(vals):
            if self.filtered(lambda b: b.state in ("returned", "cancelled")):
                raise UserError(
                    _("A returned or cancelled booking can no longer be changed.")
                )
            if "vehicle_id" in vals and self.filtered(lambda b: b.state == "out"):
                raise UserError(
                    _(
                        "The car has been handed over: return it before booking "
                        "another one."
                    )
                )
            for booking in self.filtered(lambda b: b.state in ("reserved", "out")):
                self._check_free(
                    self.env["fleet.vehicle"].browse(
                        vals.get("vehicle_id", booking.vehicle_id.id)
                    ),
                    vals.get("date_start", booking.date_start),
                    vals.get("date_end", booking.date_end),
                    booking=booking,
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        if self.filtered(lambda b: b.state in ("out", "returned")):
            raise UserError(
                _(
                    "A courtesy car that was handed over stays on record; "
                    "return it instead of deleting the booking."
                )
            )

    # actions

    def action_hand_over(self):
        return self._open_handover_wizard("out")

    def action_return(self):
        return self._open_handover_wizard("in")

    def _open_handover_wizard(self, mode):
        self.ensure_one()
        expected = "reserved" if mode == "out" else "out"
        if self.state != expected:
            raise UserError(
                _(
                    "Booking %(name)s is %(state)s.",
                    name=self.name,
                    state=self._selection_label(),
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Hand Over Courtesy Car")
            if mode == "out"
            else _("Return Courtesy Car"),
            "res_model": "bodyshop.courtesy.handover",
            "view_mode": "form",
            "target": "new",
            "context": {"default_booking_id": self.id, "default_mode": mode},
        }

    def action_cancel(self):
        for booking in self:
            if booking.state != "reserved":
                raise UserError(
                    _(
                        "Only a reservation can be cancelled; booking %(name)s "
                        "is %(state)s.",
                        name=booking.name,
                        state=booking._selection_label(),
                    )
                )
        self._write_workflow({"state": "cancelled"})
        for booking in self:
            booking.dossier_id._message_log(
                body=_("Courtesy car booking %(name)s cancelled.", name=booking.name)
            )
        return True

    def _hand_over(self, date, odometer, fuel_level, note=False):
        self.ensure_one()
        if self.state != "reserved":
            raise UserError(
                _(
                    "Booking %(name)s is %(state)s: it cannot be handed over.",
                    name=self.name,
                    state=self._selection_label(),
                )
            )
        still_out = self.search(
            [
                ("vehicle_id", "=", self.vehicle_id.id),
                ("state", "=", "out"),
                ("id", "!=", self.id),
            ],
            limit=1,
        )
        if still_out:
            raise UserError(
                _(
                    "Courtesy car %(car)s is still out with dossier %(dossier)s: "
                    "return it first.",
                    car=self.vehicle_id.display_name,
                    dossier=still_out.dossier_id.name,
                )
            )
        if odometer < self.vehicle_id.odometer:
            raise ValidationError(
                _(
                    "Odometer: %(car)s already showed %(last)s km; the odometer "
                    "cannot go back.",
                    car=self.vehicle_id.display_name,
                    last=int(self.vehicle_id.odometer),
                )
            )
        self._write_workflow(
            {
                "state": "out",
                "out_date": date,
                "out_odometer": odometer,
                "out_fuel_level": fuel_level,
                "out_note": note,
            }
        )
        self._log_odometer(date, odometer)
        self.dossier_id._message_log(
            body=_(
                "Courtesy car %(car)s handed over (%(km)s km, fuel %(fuel)s).",
                car=self.vehicle_id.display_name,
                km=int(odometer),
                fuel=dict(FUEL_LEVELS)[fuel_level],
            )
        )

    def _return(self, date, odometer, fuel_level, new_damage=False, note=False):
        self.ensure_one()
        if self.state != "out":
            raise UserError(
                _(
                    "Booking %(name)s is %(state)s: only a car that was handed "
                    "over can be returned.",
                    name=self.name,
                    state=self._selection_label(),
                )
            )
        if odometer < self.out_odometer:
            raise ValidationError(
                _(
                    "Odometer: %(car)s left with %(out)s km; it cannot come back "
                    "with less (%(back)s km).",
                    car=self.vehicle_id.display_name,
                    out=int(self.out_odometer),
                    back=int(odometer),
                )
            )
        if date < self.out_date:
            raise ValidationError(
                _("Returned On: the car cannot come back before it was handed over.")
            )
        if new_damage and not note:
            raise ValidationError(
                _("Return Note: describe the new damage on the courtesy car.")
            )
        vals = {
            "state": "returned",
            "in_date": date,
            "in_odometer": odometer,
            "in_fuel_level": fuel_level,
            "in_new_damage": new_damage,
            "in_note": note,
        }
        if date < self.date_end:
            # Free the rest of the period for the next customer.
            vals["date_end"] = max(date, self.date_start + timedelta(minutes=1))
        self._write_workflow(vals)
        self._log_odometer(date, odometer)
        body = _(
            "Courtesy car %(car)s returned (%(km)s km driven, fuel %(fuel)s).",
            car=self.vehicle_id.display_name,
            km=int(odometer - self.out_odometer),
            fuel=dict(FUEL_LEVELS)[fuel_level],
        )
        if new_damage:
            body = _("%(body)s New damage: %(note)s", body=body, note=note or "")
        self.dossier_id._message_log(body=body)

    def _log_odometer(self, date, odometer):
        self.env["fleet.vehicle.odometer"].create(
            {
                "vehicle_id": self.vehicle_id.id,
                "value": odometer,
                "date": fields.Datetime.context_timestamp(self, date).date(),
            }
        )
