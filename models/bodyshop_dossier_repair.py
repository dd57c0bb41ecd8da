from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from .bodyshop_dossier import CLOSED_STATES

# The mails that keep the customer informed, by milestone.
MILESTONE_TEMPLATES = {
    "received": "bodyshop.mail_template_milestone_received",
    "repair": "bodyshop.mail_template_milestone_repair",
    "supplement": "bodyshop.mail_template_milestone_supplement",
    "ready": "bodyshop.mail_template_milestone_ready",
}


class BodyshopDossier(models.Model):
    """Work preparation and repair monitoring: parts and sublet work,
    courtesy car, check-in, repair and ready, customer updates."""

    _inherit = "bodyshop.dossier"

    customer_updates = fields.Boolean(
        string="Customer Updates by E-mail",
        default=True,
        help="Mail the customer at the milestones: car received, repair "
        "started, supplement waiting for approval, ready for pickup.",
    )

    # check-in: the new-damage check when the car is brought in
    checkin_date = fields.Datetime(string="Checked In On", readonly=True, copy=False)
    checkin_user_id = fields.Many2one(
        comodel_name="res.users", string="Checked In By", readonly=True, copy=False
    )
    checkin_odometer = fields.Integer(
        string="Odometer at Check-in (km)", readonly=True, copy=False
    )
    checkin_new_damage = fields.Boolean(
        string="New Damage at Check-in", readonly=True, copy=False
    )
    checkin_note = fields.Text(string="Check-in Note", readonly=True, copy=False)

    # courtesy car (vervangend vervoer)
    courtesy_booking_ids = fields.One2many(
        comodel_name="bodyshop.courtesy.booking",
        inverse_name="dossier_id",
        string="Courtesy Car Bookings",
    )
    courtesy_vehicle_id = fields.Many2one(
        comodel_name="fleet.vehicle",
        string="Courtesy Car",
        compute="_compute_courtesy",
        store=True,
    )
    courtesy_out = fields.Datetime(
        string="Courtesy Car Out", compute="_compute_courtesy", store=True
    )
    courtesy_in = fields.Datetime(
        string="Courtesy Car Back", compute="_compute_courtesy", store=True
    )
    courtesy_state = fields.Selection(
        related="courtesy_booking_id.state", string="Courtesy Car Status"
    )
    courtesy_booking_id = fields.Many2one(
        comodel_name="bodyshop.courtesy.booking",
        string="Current Booking",
        compute="_compute_courtesy",
        store=True,
    )

    # parts and sublet work
    parts_line_ids = fields.One2many(
        comodel_name="bodyshop.calculation.line",
        inverse_name="dossier_id",
        string="Parts and Sublet Work",
        domain=[
            ("display_type", "=", False),
            ("line_type", "in", ("part", "sublet")),
            ("calculation_id.state", "=", "approved"),
        ],
    )
    parts_status = fields.Char(
        string="Parts",
        compute="_compute_parts_status",
        help="Parts and sublet work of the approved calculation received, of "
        "all of them.",
    )
    parts_to_order = fields.Boolean(
        compute="_compute_parts_status",
        help="The approved calculation has parts or sublet work not ordered yet.",
    )
    parts_late = fields.Boolean(
        compute="_compute_parts_status",
        search="_search_parts_late",
    )

    # vehicle-specific repair information
    operation_line_ids = fields.One2many(
        comodel_name="bodyshop.calculation.line",
        inverse_name="dossier_id",
        string="Operations",
        domain=[
            ("display_type", "=", False),
            ("line_type", "=", "labour"),
            ("calculation_id.is_latest", "=", True),
        ],
    )
    repair_info_ids = fields.Many2many(
        comodel_name="bodyshop.repair.info",
        string="OEM Repair Information",
        compute="_compute_repair_info_ids",
    )
    oem_coverage = fields.Char(
        string="OEM Instructions",
        compute="_compute_oem_coverage",
        help="Operations of the current calculation for which the "
        "manufacturer's instruction has been recorded.",
    )
    document_ids = fields.One2many(
        comodel_name="ir.attachment",
        inverse_name="res_id",
        string="Reports",
        domain=[
            ("res_model", "=", "bodyshop.dossier"),
            ("bodyshop_document_type", "!=", False),
        ],
    )

    # computes

    @api.depends(
        "courtesy_booking_ids.state",
        "courtesy_booking_ids.out_date",
        "courtesy_booking_ids.in_date",
        "courtesy_booking_ids.date_start",
    )
    def _compute_courtesy(self):
        for dossier in self:
            bookings = dossier.courtesy_booking_ids.filtered(
                lambda b: b.state != "cancelled"
            ).sorted(lambda b: (b.date_start, b.id))
            booking = bookings[-1:]
            dossier.courtesy_booking_id = booking
            dossier.courtesy_vehicle_id = booking.vehicle_id
            dossier.courtesy_out = booking.out_date
            dossier.courtesy_in = booking.in_date

    def _compute_parts_status(self):
        for dossier in self:
            lines = dossier.parts_line_ids
            statuses = lines.mapped("purchase_status")
            dossier.parts_late = "late" in statuses
            dossier.parts_to_order = "to_order" in statuses
            dossier.parts_status = (
                _(
                    "%(received)s / %(total)s received",
                    received=statuses.count("received"),
                    total=len(lines),
                )
                if lines
                else False
            )

    def _search_parts_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on late parts."))
        late_lines = self.env["purchase.order.line"].search(
            [
                ("bodyshop_calculation_line_id", "!=", False),
                ("state", "in", ("purchase", "done")),
                (
                    "date_planned",
                    "<",
                    self.env["bodyshop.calculation.line"]._start_of_today(),
                ),
                ("order_id.bodyshop_dossier_id.state", "not in", CLOSED_STATES),
            ]
        )
        precision = self.env["decimal.precision"].precision_get(
            "Product Unit of Measure"
        )
        dossier_ids = (
            late_lines.filtered(
                lambda pol: (
                    float_compare(
                        pol.qty_received, pol.product_qty, precision_digits=precision
                    )
                    < 0
                )
            )
            .mapped("order_id.bodyshop_dossier_id")
            .ids
        )
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", dossier_ids)]

    @api.depends("vehicle_id.brand_id", "vehicle_id.model_id")
    def _compute_repair_info_ids(self):
        found = self.env["bodyshop.repair.info"]._for_vehicles(self.vehicle_id)
        for dossier in self:
            dossier.repair_info_ids = found.get(
                dossier.vehicle_id, self.env["bodyshop.repair.info"]
            )

    def _compute_oem_coverage(self):
        for dossier in self:
            lines = dossier.operation_line_ids.filtered("operation")
            covered = lines.filtered("oem_instruction")
            dossier.oem_coverage = (
                _(
                    "%(covered)s of %(total)s operations",
                    covered=len(covered),
                    total=len(lines),
                )
                if lines
                else False
            )

    # actions: parts and sublet work

    def _approved_calculation(self):
        self.ensure_one()
        return self.calculation_ids.filtered(lambda c: c.state == "approved").sorted(
            "version"
        )[-1:]

    def action_order_parts(self):
        """Draft purchase orders, one per supplier, for the approved version's
        part and sublet lines that are not ordered yet."""
        self.ensure_one()
        calculation = self._approved_calculation()
        if self.state not in ("approved", "repair", "ready") or not calculation:
            raise UserError(
                _(
                    "Dossier %(name)s: parts and sublet work are ordered once "
                    "the paying party approved the calculation.",
                    name=self.name,
                )
            )
        lines = calculation.line_ids.filtered(
            lambda li: not li.display_type and li.line_type in ("part", "sublet")
        )
        family = lines._family_purchase_lines()
        to_order = {}
        for line in lines:
            quantity = line._qty_to_order(family)
            if float_compare(quantity, 0.0, precision_digits=6) > 0:
                to_order[line] = quantity
        if not to_order:
            raise UserError(
                _(
                    "Everything on calculation %(name)s has been ordered already.",
                    name=calculation.name,
                )
            )
        by_vendor = {}
        missing = []
        for line, quantity in to_order.items():
            product = line._purchase_product()
            # The product's own vendor; never one of the catch-all products.
            vendor = line.vendor_id
            if not vendor and line.product_id:
                vendor = line.product_id._select_seller(quantity=quantity).partner_id
            if not vendor:
                missing.append(line.name)
                continue
            by_vendor.setdefault(vendor, []).append((line, product, quantity))
        if missing:
            raise UserError(
                _(
                    "Supplier: choose the supplier of these lines first (tab "
                    "Parts and Sublet Work): %(lines)s.",
                    lines=", ".join(missing),
                )
            )
        PurchaseOrder = self.env["purchase.order"]
        orders = PurchaseOrder
        for vendor, items in by_vendor.items():
            order = PurchaseOrder.search(
                [
                    ("bodyshop_dossier_id", "=", self.id),
                    ("partner_id", "=", vendor.id),
                    ("state", "=", "draft"),
                ],
                limit=1,
            )
            line_commands = [
                fields.Command.create(self._prepare_purchase_line(*item, vendor=vendor))
                for item in items
            ]
            if order:
                order.order_line = line_commands
            else:
                order = PurchaseOrder.create(
                    {
                        "partner_id": vendor.id,
                        "company_id": self.company_id.id,
                        "bodyshop_dossier_id": self.id,
                        "origin": self.name,
                        "order_line": line_commands,
                    }
                )
            orders |= order
        self._message_log(
            body=_(
                "Requests for quotation prepared: %(orders)s.",
                orders=", ".join(orders.mapped("name")),
            )
        )
        action = self.env["ir.actions.act_window"]._for_xml_id("purchase.purchase_rfq")
        action["context"] = {"default_bodyshop_dossier_id": self.id}
        if len(orders) == 1:
            action.update(views=[(False, "form")], view_mode="form", res_id=orders.id)
        else:
            action["domain"] = [("id", "in", orders.ids)]
        return action

    def _prepare_purchase_line(self, line, product, quantity, vendor=None):
        name = line.name
        if line.part_number and line.part_number not in name:
            name = f"[{line.part_number}] {name}"
        vals = {
            "product_id": product.id,
            "name": name,
            "product_qty": quantity,
            "bodyshop_calculation_line_id": line.id,
        }
        price = line._purchase_price(vendor or line.vendor_id, product, quantity)
        if price is not None:
            vals["price_unit"] = price
        if (
            self.planned_start_date
            and self.planned_start_date >= fields.Date.context_today(self)
        ):
            # Needed on the planned start day, in the morning.
            vals["date_planned"] = fields.Datetime.to_datetime(
                self.planned_start_date
            ).replace(hour=7)
        return vals

    # actions: check-in, repair, ready

    def action_checkin(self):
        self.ensure_one()
        self._check_can_checkin()
        return {
            "type": "ir.actions.act_window",
            "name": _("Check In the Car"),
            "res_model": "bodyshop.checkin.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_dossier_id": self.id},
        }

    def _check_can_checkin(self):
        for dossier in self:
            if dossier.state in CLOSED_STATES or dossier.state in ("repair", "ready"):
                raise UserError(
                    _(
                        "Dossier %(name)s is %(state)s: the check-in is done "
                        "before the repair.",
                        name=dossier.name,
                        state=dossier._state_label(),
                    )
                )

    def _do_checkin(self, date, odometer, new_damage=False, note=False, photos=None):
        """Record the new-damage check of the car brought in for the repair."""
        self.ensure_one()
        self._write_workflow(
            {
                "checkin_date": date,
                "checkin_user_id": self.env.user.id,
                "checkin_odometer": odometer,
                "checkin_new_damage": new_damage,
                "checkin_note": note,
            }
        )
        if photos:
            photos._bodyshop_attach_photos(self, "checkin")
        if new_damage:
            body = _(
                "Car checked in (%(km)s km). New damage since intake: %(note)s",
                km=odometer,
                note=note,
            )
        else:
            body = _(
                "Car checked in (%(km)s km): no new damage since intake.",
                km=odometer,
            )
        self._message_log(body=body)
        self._notify_customer("received")

    def action_start_repair(self):
        self._check_can_start_repair()
        self._do_start_repair()
        return True

    def _do_start_repair(self):
        self._write_workflow({"state": "repair", "repair_start": fields.Datetime.now()})
        for dossier in self:
            dossier._message_log(body=_("Repair started."))
        self._notify_customer("repair")

    def _check_can_start_repair(self):
        for dossier in self:
            if dossier.state != "approved":
                raise UserError(
                    _(
                        "Dossier %(name)s is %(state)s: the repair starts only after "
                        "the paying party approved the calculation.",
                        name=dossier.name,
                        state=dossier._state_label(),
                    )
                )
            if dossier.ev_repair_blocked:
                raise UserError(
                    _(
                        "Dossier %(name)s: an electric or hybrid car of risk class "
                        "amber or red may only be repaired after an ev-VP declared it "
                        "voltage-free (tab EV Safety).",
                        name=dossier.name,
                    )
                )
            if not dossier.checkin_date:
                raise UserError(
                    _(
                        "Dossier %(name)s: check the car in (new-damage check) before "
                        "the repair starts.",
                        name=dossier.name,
                    )
                )

    def action_ready(self):
        self._check_can_be_ready()
        self._do_ready()
        return True

    def _do_ready(self):
        self._write_workflow({"state": "ready", "repair_end": fields.Datetime.now()})
        for dossier in self:
            dossier._message_log(body=_("Repair finished: ready for pickup."))
        self._notify_customer("ready")

    def _check_can_be_ready(self):
        for dossier in self:
            if dossier.state != "repair":
                raise UserError(
                    _(
                        "Dossier %(name)s is %(state)s: only a car in repair can be "
                        "made ready for pickup.",
                        name=dossier.name,
                        state=dossier._state_label(),
                    )
                )
            calculation = dossier.current_calculation_id
            if calculation.state != "approved":
                raise UserError(
                    _(
                        "Dossier %(name)s: %(calculation)s is %(state)s; it must be "
                        "approved before the car is ready.",
                        name=dossier.name,
                        calculation=calculation.name,
                        state=dict(
                            calculation._fields["state"]._description_selection(
                                dossier.env
                            )
                        )[calculation.state],
                    )
                )
            waiting = dossier.parts_line_ids.filtered(
                lambda li: li.purchase_status in ("requested", "ordered", "late")
            )
            if waiting:
                raise UserError(
                    _(
                        "Dossier %(name)s: these parts or sublet work have not been "
                        "received yet: %(lines)s.",
                        name=dossier.name,
                        lines=", ".join(waiting.mapped("name")),
                    )
                )

    def action_resume_repair(self):
        """Back to the workshop (rework after the final check)."""
        self._check_can_resume_repair()
        self._write_workflow({"state": "repair", "repair_end": False})
        return True

    def _check_can_resume_repair(self):
        for dossier in self:
            if dossier.state != "ready":
                raise UserError(
                    _(
                        "Dossier %(name)s is not ready for pickup.",
                        name=dossier.name,
                    )
                )

    # actions: courtesy car

    def _cancel_courtesy_reservations(self):
        """A closed dossier frees the courtesy cars it had reserved."""
        self.courtesy_booking_ids.filtered(
            lambda b: b.state == "reserved"
        ).action_cancel()

    def action_book_courtesy_car(self):
        self.ensure_one()
        if self.state in CLOSED_STATES:
            raise UserError(
                _(
                    "Dossier %(name)s is closed: no courtesy car can be booked.",
                    name=self.name,
                )
            )
        start = fields.Datetime.now()
        if self.planned_start_date and self.planned_start_date > start.date():
            start = fields.Datetime.to_datetime(self.planned_start_date).replace(hour=8)
        end_day = self.planned_delivery_date or fields.Date.add(start.date(), days=5)
        end = fields.Datetime.to_datetime(end_day).replace(hour=18)
        if end <= start:
            end = fields.Datetime.add(start, days=1)
        return {
            "type": "ir.actions.act_window",
            "name": _("Book a Courtesy Car"),
            "res_model": "bodyshop.courtesy.booking",
            "view_mode": "form",
            "views": [
                (
                    self.env.ref("bodyshop.bodyshop_courtesy_booking_view_form").id,
                    "form",
                )
            ],
            "target": "new",
            "context": {
                "default_dossier_id": self.id,
                "default_date_start": fields.Datetime.to_string(start),
                "default_date_end": fields.Datetime.to_string(end),
            },
        }

    def action_open_courtesy_bookings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bodyshop.bodyshop_courtesy_booking_action"
        )
        action["context"] = {"default_dossier_id": self.id}
        bookings = self.courtesy_booking_ids
        if len(bookings) == 1:
            action.update(views=[(False, "form")], view_mode="form", res_id=bookings.id)
            return action
        action["domain"] = [("dossier_id", "=", self.id)]
        action["views"] = [(False, "list"), (False, "form"), (False, "calendar")]
        action["view_mode"] = "list,form,calendar"
        return action

    def action_print_work_order(self):
        return self.env.ref("bodyshop.action_report_work_order").report_action(self)

    def _work_order_calculation(self):
        """The version the workshop works from: the approved one, else the
        latest."""
        self.ensure_one()
        return self._approved_calculation() or self.current_calculation_id

    def _work_order_labour_groups(self, labour_lines):
        """Labour lines by labour type, in the order of the labour types."""
        labels = dict(
            labour_lines._fields["labour_type"]._description_selection(self.env)
        )
        groups = []
        for labour_type, label in labels.items():
            lines = labour_lines.filtered(lambda li, t=labour_type: li.labour_type == t)
            if lines:
                groups.append(
                    {
                        "label": label,
                        "units": sum(lines.mapped("labour_units")),
                        "lines": lines,
                    }
                )
        return groups

    # customer updates

    def _notify_customer(self, milestone):
        """Mail the customer at ``milestone`` through the chatter, unless the
        dossier opted out."""
        template = self.env.ref(
            MILESTONE_TEMPLATES[milestone], raise_if_not_found=False
        )
        if not template:
            return
        for dossier in self.filtered("customer_updates"):
            if not dossier.customer_id.email:
                dossier._message_log(
                    body=_(
                        "No update mailed to %(customer)s: no e-mail address.",
                        customer=dossier.customer_id.display_name,
                    )
                )
                continue
            dossier.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )

    @api.constrains("checkin_odometer", "odometer_intake")
    def _check_checkin_odometer(self):
        for dossier in self:
            if (
                dossier.checkin_odometer
                and dossier.odometer_intake
                and dossier.checkin_odometer < dossier.odometer_intake
            ):
                raise ValidationError(
                    _(
                        "Odometer at Check-in: %(checkin)s km is less than at "
                        "intake (%(intake)s km).",
                        checkin=dossier.checkin_odometer,
                        intake=dossier.odometer_intake,
                    )
                )
