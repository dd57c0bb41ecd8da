from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .bodyshop_time_entry import FORGOTTEN_AFTER

# The kiosk pauses an employee's PIN entry after this many wrong tries.
KIOSK_PIN_TRIES = 3
KIOSK_PIN_PAUSE = timedelta(minutes=1)


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    bodyshop_technician = fields.Boolean(
        string="Workshop Technician",
        help="Repairs cars in the workshop: planned on the planning board and "
        "clocks on jobs at the workshop kiosk.",
    )
    bodyshop_labour_type_ids = fields.Many2many(
        comodel_name="bodyshop.labour.type",
        string="Labour Types",
        help="The kinds of work this technician does (body, paint, "
        "mechanical...): the planning board plans him on those.",
    )
    bodyshop_time_entry_ids = fields.One2many(
        comodel_name="bodyshop.time.entry",
        inverse_name="employee_id",
        string="Clocked Time",
    )
    bodyshop_running_entry_id = fields.Many2one(
        comodel_name="bodyshop.time.entry",
        string="Working On",
        compute="_compute_bodyshop_running_entry_id",
    )
    bodyshop_kiosk_failures = fields.Integer(
        string="Wrong Kiosk PINs", copy=False, groups="base.group_system"
    )
    bodyshop_kiosk_paused_until = fields.Datetime(
        string="Kiosk Paused Until", copy=False, groups="base.group_system"
    )

    def _compute_bodyshop_running_entry_id(self):
        running = {
            entry.employee_id: entry
            for entry in self.env["bodyshop.time.entry"].search(
                [("employee_id", "in", self.ids), ("date_end", "=", False)]
            )
        }
        for employee in self:
            employee.bodyshop_running_entry_id = running.get(
                employee, self.env["bodyshop.time.entry"]
            )

    # ------------------------------------------------------------
    # ACTION METHODS
    # ------------------------------------------------------------

    def action_bodyshop_clock_in(self, dossier_id, labour_type):
        """Start clocking on ``labour_type`` of a dossier; the job the
        employee was clocked on stops first. Returns the new time entry's id."""
        self.ensure_one()
        self._bodyshop_check_clock_rights()
        dossier = self.env["bodyshop.dossier"].browse(dossier_id).exists()
        return self.sudo()._bodyshop_clock_in(dossier, labour_type).id

    def action_bodyshop_clock_out(self):
        """Stop the job the employee is clocked on."""
        self.ensure_one()
        self._bodyshop_check_clock_rights()
        self.sudo()._bodyshop_clock_out()
        return True

    def action_open_bodyshop_time_entries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bodyshop.bodyshop_time_entry_action"
        )
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {"search_default_group_date": 1}
        return action

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _bodyshop_check_clock_rights(self):
        """The kiosk clocks in superuser mode once the PIN is right; in the
        backend only the workshop manager clocks for a technician."""
        if self.env.su:
            return
        if not self.env.user.has_group("bodyshop.group_bodyshop_workshop"):
            raise AccessError(
                _("Only a workshop manager clocks time for a technician.")
            )
        self.check_access("write")

    def _bodyshop_lock(self):
        """Clocking of one employee is serialised: two kiosks (or a kiosk and
        the cron) never start two jobs for him at once."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM hr_employee WHERE id IN %s FOR NO KEY UPDATE",
                tuple(self.ids),
            )
        )

    def _bodyshop_clock_in(self, dossier, labour_type, now=None):
        self.ensure_one()
        now = now or fields.Datetime.now()
        Entry = self.env["bodyshop.time.entry"]
        Entry._check_can_clock_in(self, dossier, labour_type)
        self._bodyshop_lock()
        self._bodyshop_clock_out(now)
        return Entry._do_clock_in(self, dossier, labour_type, now)

    def _bodyshop_clock_out(self, now=None):
        """Stop the running entry: now (also when he works late), or at the
        end of the working day it was started on when that end is more than
        FORGOTTEN_AFTER ago (a forgotten clock, flagged)."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        self._bodyshop_lock()
        running = self.env["bodyshop.time.entry"].search(
            [("employee_id", "=", self.id), ("date_end", "=", False)]
        )
        for entry in running:
            day_end = entry.employee_id._bodyshop_day_end(entry.date_start)
            if day_end + FORGOTTEN_AFTER < now:
                entry._do_stop(day_end, automatic=True)
            else:
                entry._do_stop(now)
        return running

    def _bodyshop_tz(self):
        self.ensure_one()
        return pytz.timezone(
            self.resource_id.tz
            or self.resource_calendar_id.tz
            or self.company_id.resource_calendar_id.tz
            or "UTC"
        )

    def _bodyshop_local_date(self, value):
        """The day (in the employee's time zone) of a UTC datetime."""
        self.ensure_one()
        return pytz.utc.localize(value).astimezone(self._bodyshop_tz()).date()

    def _bodyshop_day_end(self, moment):
        """When the working day of ``moment`` (UTC) ends for the employee: the
        end of the last stretch of his working schedule that day, or midnight
        when he works past it or has no schedule that day (UTC, naive)."""
        self.ensure_one()
        tz = self._bodyshop_tz()
        local_day = self._bodyshop_local_date(moment)
        day_start = tz.localize(datetime.combine(local_day, time.min))
        day_stop = tz.localize(
            datetime.combine(local_day + timedelta(days=1), time.min)
        )
        midnight = day_stop.astimezone(pytz.utc).replace(tzinfo=None)
        calendar = self.resource_calendar_id or self.company_id.resource_calendar_id
        if not calendar or calendar.flexible_hours:
            return midnight
        intervals = calendar._attendance_intervals_batch(
            day_start, day_stop, resources=self.resource_id, tz=tz
        )[self.resource_id.id]
        ends = [
            stop.astimezone(pytz.utc).replace(tzinfo=None) for _s, stop, _a in intervals
        ]
        if ends and max(ends) > moment:
            return max(ends)
        return midnight

    @api.model
    def _bodyshop_capacity(self, date_from, date_to, employees):
        """Working hours of each employee per day from ``date_from`` to
        ``date_to``: his working schedule's attendances (two-week schedules,
        periods of validity and his own attendances included) less his time
        off and the public holidays of his company, as Odoo's resource
        computes them; a flexible schedule counts its average hours per
        weekday, a day with time off none. One query for all employees.

        Returns {(employee_id, date): hours} for the days with working time.
        """
        if not employees:
            return {}
        self.env["resource.calendar.leaves"].flush_model()
        self.env["resource.calendar.attendance"].flush_model()
        self.env["resource.calendar"].flush_model()
        self.env["resource.resource"].flush_model()
        self.env["hr.employee"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT employee_id, date, hours FROM (%s) AS capacity",
                self._bodyshop_capacity_query(
                    SQL("%s::date", date_from),
                    SQL("%s::date", date_to),
                    SQL("employee.id IN %s", tuple(employees.ids)),
                ),
            )
        )
        return {
            (employee_id, day): round(hours, 2)
            for employee_id, day, hours in self.env.cr.fetchall()
        }

    @api.model
    def _bodyshop_capacity_query(self, date_from, date_to, employee_filter):
        """The SQL of the working hours per employee and day (columns
        employee_id, company_id, date, hours) of the employees
        ``employee_filter`` selects, from ``date_from`` to ``date_to`` (SQL
        expressions); the workshop load report embeds it."""
        return SQL(
            """
                WITH technician AS (
                    SELECT employee.id AS employee_id,
                           resource.id AS resource_id,
                           resource.company_id,
                           calendar.id AS calendar_id,
                           COALESCE(calendar.two_weeks_calendar, FALSE)
                               AS two_weeks_calendar,
                           COALESCE(calendar.flexible_hours, FALSE) AS flexible_hours,
                           calendar.hours_per_day,
                           COALESCE(resource.tz, calendar.tz, 'UTC') AS tz
                      FROM hr_employee employee
                      JOIN resource_resource resource
                        ON resource.id = employee.resource_id
                      JOIN res_company company ON company.id = employee.company_id
                      JOIN resource_calendar calendar
                        ON calendar.id = COALESCE(employee.resource_calendar_id,
                                                  company.resource_calendar_id)
                     WHERE %(employee_filter)s
                ),
                technician_day AS (
                    SELECT technician.*, day::date AS date
                      FROM technician
                CROSS JOIN generate_series(%(date_from)s, %(date_to)s,
                                           interval '1 day') AS day
                ),
                shift AS (
                    -- Each stretch of the schedule on each day, in UTC.
                    SELECT technician_day.employee_id,
                           technician_day.resource_id,
                           technician_day.company_id,
                           technician_day.calendar_id,
                           technician_day.date,
                           timezone(technician_day.tz,
                                    technician_day.date
                                    + make_interval(secs => attendance.hour_from * 3600)
                           ) AS shift_start,
                           timezone(technician_day.tz,
                                    technician_day.date
                                    + make_interval(secs => attendance.hour_to * 3600)
                           ) AS shift_end
                      FROM technician_day
                      JOIN resource_calendar_attendance attendance
                        ON attendance.calendar_id = technician_day.calendar_id
                       AND (attendance.resource_id IS NULL
                            OR attendance.resource_id = technician_day.resource_id)
                       AND attendance.display_type IS NULL
                       AND attendance.day_period != 'lunch'
                       AND attendance.dayofweek::int
                           = extract(isodow FROM technician_day.date)::int - 1
                       -- Odoo's week type: the parity of the week counted
                       -- from 1 January of year 1.
                       AND (NOT technician_day.two_weeks_calendar
                            OR attendance.week_type::int
                               = mod((technician_day.date - date '0001-01-01') / 7, 2))
                       AND (attendance.date_from IS NULL
                            OR attendance.date_from <= technician_day.date)
                       AND (attendance.date_to IS NULL
                            OR attendance.date_to >= technician_day.date)
                     WHERE NOT technician_day.flexible_hours
                ),
                shift_hours AS (
                    SELECT shift.employee_id,
                           shift.date,
                           GREATEST(0,
                               extract(epoch FROM shift.shift_end - shift.shift_start)
                               / 3600
                               - COALESCE((
                                   SELECT SUM(extract(epoch FROM
                                              LEAST(shift.shift_end,
                                                    leave.date_to AT TIME ZONE 'UTC')
                                              - GREATEST(shift.shift_start,
                                                    leave.date_from AT TIME ZONE 'UTC')
                                          )) / 3600
                                     FROM resource_calendar_leaves leave
                                    WHERE leave.time_type = 'leave'
                                      AND (leave.calendar_id IS NULL
                                           OR leave.calendar_id = shift.calendar_id)
                                      AND (leave.resource_id = shift.resource_id
                                           OR (leave.resource_id IS NULL
                                               AND leave.company_id = shift.company_id))
                                      AND leave.date_from AT TIME ZONE 'UTC'
                                          < shift.shift_end
                                      AND leave.date_to AT TIME ZONE 'UTC'
                                          > shift.shift_start
                               ), 0)
                           ) AS hours
                      FROM shift
                ),
                flexible_hours AS (
                    SELECT technician_day.employee_id,
                           technician_day.date,
                           technician_day.hours_per_day AS hours
                      FROM technician_day
                     WHERE technician_day.flexible_hours
                       AND extract(isodow FROM technician_day.date) < 6
                       AND NOT EXISTS (
                           SELECT 1
                             FROM resource_calendar_leaves leave
                            WHERE leave.time_type = 'leave'
                              AND (leave.resource_id = technician_day.resource_id
                                   OR (leave.resource_id IS NULL
                                       AND leave.company_id
                                           = technician_day.company_id))
                              AND timezone(technician_day.tz,
                                           leave.date_from AT TIME ZONE 'UTC')::date
                                  <= technician_day.date
                              AND timezone(technician_day.tz,
                                           leave.date_to AT TIME ZONE 'UTC')::date
                                  >= technician_day.date
                       )
                )
                SELECT hours.employee_id, technician.company_id, hours.date,
                       SUM(hours.hours) AS hours
                  FROM (SELECT * FROM shift_hours
                        UNION ALL
                        SELECT * FROM flexible_hours) AS hours
                  JOIN technician ON technician.employee_id = hours.employee_id
              GROUP BY hours.employee_id, technician.company_id, hours.date
                HAVING SUM(hours.hours) > 0
                """,
            employee_filter=employee_filter,
            date_from=date_from,
            date_to=date_to,
        )
