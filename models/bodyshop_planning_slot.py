from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date

from .bodyshop_agreement import LABOUR_TYPES
from .bodyshop_time_entry import CLOCKING_STATES

# How far ahead the planning board spreads a job over a technician's days.
SPREAD_DAYS = 30


class BodyshopPlanningSlot(models.Model):
    """Hours of a dossier's labour type planned for a technician on a day: what
    the planning board shows and the kiosk offers the technician today."""

    _name = "bodyshop.planning.slot"
    _description = "Planned Workshop Hours"
    _inherit = ["bodyshop.guard.mixin"]
    _order = "date, employee_id, id"
    _check_company_auto = True
    # The technician says at the kiosk that his part is done.
    _bodyshop_workflow_fields = ("done",)

    dossier_id = fields.Many2one(
        comodel_name="bodyshop.dossier",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="dossier_id.company_id", store=True, precompute=True, index=True
    )
    license_plate = fields.Char(related="dossier_id.license_plate")
    employee_id = fields.Many2one(
        comodel_name="hr.employee",
        string="Technician",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain="[('bodyshop_technician', '=', True)]",
    )
    date = fields.Date(required=True, index=True)
    labour_type = fields.Selection(selection=LABOUR_TYPES, required=True)
    hours = fields.Float(required=True, digits=(16, 2))
    done = fields.Boolean(
        readonly=True, help="The technician stopped this job at the kiosk as done."
    )

    _sql_constraints = [
        (
            "hours_check",
            "CHECK (hours > 0 AND hours <= 24)",
            "Planned hours are more than nothing and at most a day.",
        ),
    ]

    # ------------------------------------------------------------
    # CONSTRAINT METHODS
    # ------------------------------------------------------------

    @api.constrains("employee_id", "labour_type")
    def _check_technician(self):
        for slot in self:
            employee = slot.employee_id
            if not employee.bodyshop_technician:
                raise ValidationError(
                    _(
                        "%(employee)s is not a workshop technician.",
                        employee=employee.name,
                    )
                )
            codes = employee.bodyshop_labour_type_ids.mapped("code")
            if codes and slot.labour_type not in codes:
                raise ValidationError(
                    _(
                        "%(employee)s does not do %(labour_type)s (his labour types "
                        "are on his employee form).",
                        employee=employee.name,
                        labour_type=slot._selection_label("labour_type").lower(),
                    )
                )

    # ------------------------------------------------------------
    # CRUD METHODS
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_hours_value(vals)
        slots = super().create(vals_list)
        slots._check_plannable()
        return slots

    def write(self, vals):
        self._check_hours_value(vals)
        result = super().write(vals)
        if {"dossier_id", "employee_id", "date", "labour_type", "hours"} & set(vals):
            self._check_plannable()
        return result

    @api.model
    def _check_hours_value(self, vals):
        """Said before the database refuses it (its CHECK constraint)."""
        if "hours" in vals:
            hours = vals["hours"]
            if (
                not isinstance(hours, (int, float))
                or isinstance(hours, bool)
                or not 0 < hours <= 24
            ):
                raise ValidationError(
                    _("Planned hours are more than nothing and at most a day (24).")
                )

    def _check_plannable(self):
        today = fields.Date.context_today(self)
        for slot in self:
            if slot.dossier_id.state not in CLOCKING_STATES:
                raise UserError(
                    _(
                        "Dossier %(name)s is %(state)s: the workshop plans dossiers "
                        "the paying party approved, until the car is ready.",
                        name=slot.dossier_id.name,
                        state=slot.dossier_id._selection_label(),
                    )
                )
            if slot.date < today:
                raise UserError(
                    _(
                        "%(date)s has passed: plan from today on.",
                        date=format_date(self.env, slot.date),
                    )
                )

    # ------------------------------------------------------------
    # ACTION METHODS (the planning board)
    # ------------------------------------------------------------

    @api.model
    def action_board_plan(self, dossier_id, labour_type, employee_id, date):
        """A dossier's labour type dropped on a technician's day: its hours not
        planned yet fill his free hours from that day on."""
        self._check_board_rights()
        dossier = self.env["bodyshop.dossier"].browse(dossier_id).exists()
        employee = self.env["hr.employee"].browse(employee_id).exists()
        if not dossier or not employee:
            raise UserError(_("The dossier or the technician no longer exists."))
        dossier.check_access("write")
        employee.check_access("read")
        start = fields.Date.to_date(date)
        remaining = dossier._unplanned_hours_by_type()[dossier].get(labour_type, 0.0)
        if remaining <= 0.005:
            raise UserError(
                _(
                    "All sold hours of %(labour_type)s of %(name)s are planned.",
                    labour_type=dict(
                        self._fields["labour_type"]._description_selection(self.env)
                    )
                    .get(labour_type, labour_type)
                    .lower(),
                    name=dossier.name,
                )
            )
        end = start + timedelta(days=SPREAD_DAYS)
        capacity = self.env["hr.employee"]._bodyshop_capacity(start, end, employee)
        planned = self._planned_hours(start, end, employee)
        values = []
        day = start
        while remaining > 0.005 and day <= end:
            free = capacity.get((employee.id, day), 0.0) - planned.get(
                (employee.id, day), 0.0
            )
            if free > 0.005:
                hours = round(min(free, remaining), 2)
                values.append(
                    self._board_slot_vals(dossier, labour_type, employee, day, hours)
                )
                remaining -= hours
            day += timedelta(days=1)
        if not values:
            # No free time in the weeks ahead: all on the day it was dropped
            # on, where the board shows it over-booked.
            values = [
                self._board_slot_vals(dossier, labour_type, employee, start, remaining)
            ]
        elif remaining > 0.005:
            values[-1]["hours"] = round(values[-1]["hours"] + remaining, 2)
        slots = self.create(values)
        return slots.ids

    def action_board_move(self, employee_id, date):
        """A planned block dragged to another technician or day."""
        self._check_board_rights()
        self._check_not_done()
        self.write({"employee_id": employee_id, "date": date})
        return True

    def action_board_unplan(self):
        self._check_board_rights()
        self._check_not_done()
        self.unlink()
        return True

    def _check_not_done(self):
        done = self.filtered("done")
        if done:
            raise UserError(
                _(
                    "%(name)s: the technician finished this work; it stays "
                    "where it was done.",
                    name=done[0].dossier_id.name,
                )
            )

    @api.model
    def _check_board_rights(self):
        if self.env.su:
            return
        if not self.env.user.has_group("bodyshop.group_bodyshop_workshop"):
            raise AccessError(_("Only a workshop manager plans the workshop."))

    @api.model
    def _board_slot_vals(self, dossier, labour_type, employee, day, hours):
        return {
            "dossier_id": dossier.id,
            "labour_type": labour_type,
            "employee_id": employee.id,
            "date": day,
            "hours": round(hours, 2),
        }

    @api.model
    def _planned_hours(self, date_from, date_to, employees):
        """{(employee_id, date): planned hours} of the technicians."""
        groups = self._read_group(
            [
                ("employee_id", "in", employees.ids),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
            ],
            ["employee_id", "date:day"],
            ["hours:sum"],
        )
        return {(employee.id, day): hours for employee, day, hours in groups}

    # ------------------------------------------------------------
    # BUSINESS METHODS (the planning board)
    # ------------------------------------------------------------

    @api.model
    def get_board_data(self, date_from=None, day_count=10):
        """Everything the planning board shows, in a number of queries that
        does not grow with the dossiers: the technicians of the user's
        companies, their capacity and planned hours per day, the planned
        blocks and the dossiers with hours still to plan."""
        if not self.env.user.has_group("bodyshop.group_bodyshop_user"):
            raise AccessError(_("The planning board is for body shop users."))
        day_count = max(1, min(int(day_count or 10), 31))
        today = fields.Date.context_today(self)
        start = fields.Date.to_date(date_from) if date_from else today
        start -= timedelta(days=start.weekday())
        days = []
        day = start
        # Working days: the weekdays, and a weekend day only if someone works
        # or is planned on it (decided below).
        horizon = start + timedelta(days=day_count * 2 + 7)
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search(
                [
                    ("bodyshop_technician", "=", True),
                    ("company_id", "in", self.env.companies.ids),
                ],
                order="name, id",
            )
        )
        capacity = self.env["hr.employee"]._bodyshop_capacity(start, horizon, employees)
        slots = self.search(
            [
                ("employee_id", "in", employees.ids),
                ("date", ">=", start),
                ("date", "<=", horizon),
            ]
        )
        busy_days = {day for (_emp, day) in capacity} | set(slots.mapped("date"))
        while len(days) < day_count and day <= horizon:
            if day.weekday() < 5 or day in busy_days:
                days.append(day)
            day += timedelta(days=1)
        last = days[-1]
        slots = slots.filtered(lambda s: s.date <= last)
        holidays = self._board_holidays(
            start,
            last,
            employees.resource_calendar_id | employees.company_id.resource_calendar_id,
        )
        planned = {}
        for slot in slots:
            key = (slot.employee_id.id, slot.date)
            planned[key] = planned.get(key, 0.0) + slot.hours
        labour_labels = dict(
            self._fields["labour_type"]._description_selection(self.env)
        )
        dossiers = self.env["bodyshop.dossier"].search(
            [("state", "in", CLOCKING_STATES)], order="planned_delivery_date, id"
        )
        unplanned = dossiers._unplanned_hours_by_type()
        to_plan = dossiers.filtered(
            lambda d: any(h > 0.005 for h in unplanned[d].values())
        )
        board_dossiers = to_plan | slots.dossier_id
        risk = board_dossiers._delivery_at_risk(unplanned)
        waiting = {
            dossier: any(
                status != "received"
                for status in dossier.parts_line_ids.mapped("purchase_status")
            )
            for dossier in board_dossiers
        }
        return {
            "today": fields.Date.to_string(today),
            "date_from": fields.Date.to_string(start),
            "previous": fields.Date.to_string(start - timedelta(days=7)),
            "next": fields.Date.to_string(start + timedelta(days=7)),
            "can_edit": self.env.user.has_group("bodyshop.group_bodyshop_workshop"),
            "days": [
                {
                    "date": fields.Date.to_string(d),
                    "weekday": format_date(self.env, d, date_format="EEE"),
                    "label": format_date(self.env, d, date_format="d MMM"),
                    "today": d == today,
                    "holiday": holidays.get(d, False),
                }
                for d in days
            ],
            "technicians": [
                {
                    "id": employee.id,
                    "name": employee.name,
                    "job": employee.job_title or "",
                    "labour_types": employee.bodyshop_labour_type_ids.mapped("name"),
                    "labour_type_codes": employee.bodyshop_labour_type_ids.mapped(
                        "code"
                    ),
                    "cells": {
                        fields.Date.to_string(d): {
                            "capacity": capacity.get((employee.id, d), 0.0),
                            "planned": round(planned.get((employee.id, d), 0.0), 2),
                        }
                        for d in days
                    },
                }
                for employee in employees
            ],
            "slots": [
                {
                    "id": slot.id,
                    "dossier_id": slot.dossier_id.id,
                    "dossier_name": slot.dossier_id.name,
                    "license_plate": slot.dossier_id.license_plate or "",
                    "labour_type": slot.labour_type,
                    "labour_type_label": labour_labels.get(slot.labour_type, ""),
                    "employee_id": slot.employee_id.id,
                    "date": fields.Date.to_string(slot.date),
                    "hours": slot.hours,
                    "done": slot.done,
                    "at_risk": risk[slot.dossier_id],
                    "waiting_parts": waiting[slot.dossier_id],
                }
                for slot in slots
            ],
            "dossiers": [
                {
                    "id": dossier.id,
                    "name": dossier.name,
                    "license_plate": dossier.license_plate or "",
                    "vehicle": dossier.vehicle_id.model_id.display_name or "",
                    "state": dossier._selection_label(),
                    "planned_delivery_date": dossier.planned_delivery_date
                    and format_date(self.env, dossier.planned_delivery_date),
                    "planned_ready_date": dossier.planned_ready_date
                    and format_date(self.env, dossier.planned_ready_date),
                    "waiting_parts": waiting[dossier],
                    "parts_status": dossier.parts_status or "",
                    "is_electric": dossier.is_electric,
                    "at_risk": risk[dossier],
                    "remaining": [
                        {
                            "labour_type": code,
                            "label": labour_labels[code],
                            "hours": round(hours, 2),
                        }
                        for code, hours in unplanned[dossier].items()
                        if hours > 0.005
                    ],
                }
                for dossier in to_plan
            ],
        }

    @api.model
    def _board_holidays(self, date_from, date_to, calendars=None):
        """{date: name} of the public holidays of the user's companies (of
        the technicians' working schedules, or of all schedules)."""
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("resource_id", "=", False),
                    ("company_id", "in", self.env.companies.ids),
                    (
                        "calendar_id",
                        "in",
                        [False, *(calendars or self.env["resource.calendar"]).ids],
                    ),
                    (
                        "date_from",
                        "<=",
                        fields.Datetime.to_string(date_to + timedelta(days=1)),
                    ),
                    ("date_to", ">=", fields.Datetime.to_string(date_from)),
                ]
            )
        )
        holidays = {}
        for leave in leaves:
            day = fields.Datetime.context_timestamp(self, leave.date_from).date()
            last = fields.Datetime.context_timestamp(self, leave.date_to).date()
            while day <= last:
                holidays[day] = leave.name or _("Public holiday")
                day += timedelta(days=1)
        return holidays
