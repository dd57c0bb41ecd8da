from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.bodyshop_dossier import PLANNED_STATES


class BodyshopWorkshopLoad(models.Model):
    """Booked repair hours per working day against the workshop's capacity.

    The capacity is the working hours of the company's technicians that day
    (their working schedules, time off and public holidays, as on the
    planning board); a company without technicians counts its productive
    hours per day of Settings. A dossier planned on the planning board books
    its planned hours on their days; another planned dossier books its
    estimated hours spread evenly over the working days from its planned
    start to its planned delivery. Working days follow the company's working
    schedule (Odoo's resource): its weekdays, without its public holidays,
    and any day a technician works. One row per company and working day,
    from two weeks back to four months ahead.
    """

    _name = "bodyshop.workshop.load"
    _description = "Workshop Load per Day"
    _auto = False
    _depends = {
        "bodyshop.dossier": [
            "active",
            "state",
            "estimate_hours",
            "planned_start_date",
            "planned_delivery_date",
        ],
        "bodyshop.planning.slot": ["dossier_id", "company_id", "date", "hours"],
        "hr.employee": ["bodyshop_technician", "active", "resource_calendar_id"],
    }
    _order = "date, company_id"
    _rec_name = "date"

    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    date = fields.Date(readonly=True)
    weekday = fields.Selection(
        selection=[
            ("1", "Monday"),
            ("2", "Tuesday"),
            ("3", "Wednesday"),
            ("4", "Thursday"),
            ("5", "Friday"),
            ("6", "Saturday"),
            ("7", "Sunday"),
        ],
        readonly=True,
    )
    capacity_hours = fields.Float(string="Capacity (h)", readonly=True)
    booked_hours = fields.Float(string="Booked (h)", readonly=True)
    free_hours = fields.Float(string="Free (h)", readonly=True)
    load_percent = fields.Float(
        string="Load (%)",
        readonly=True,
        aggregator="avg",
    )
    dossier_count = fields.Integer(string="Cars", readonly=True, aggregator="max")

    def _query(self):
        return SQL(
            """
            WITH calendar_days AS (
                -- The company's working schedule (resource): a weekday with
                -- working time and no public holiday is a working day; a
                -- company without a schedule works Monday to Friday.
                SELECT company.id AS company_id,
                       day::date AS date,
                       company.bodyshop_productive_hours AS productive_hours,
                       CASE WHEN calendar.id IS NULL
                            THEN extract(isodow FROM day) < 6
                            ELSE EXISTS (
                                SELECT 1
                                  FROM resource_calendar_attendance attendance
                                 WHERE attendance.calendar_id = calendar.id
                                   AND attendance.resource_id IS NULL
                                   AND attendance.display_type IS NULL
                                   AND attendance.day_period != 'lunch'
                                   AND attendance.dayofweek::int
                                       = extract(isodow FROM day)::int - 1
                            ) AND NOT EXISTS (
                                SELECT 1
                                  FROM resource_calendar_leaves leave
                                 WHERE leave.resource_id IS NULL
                                   AND (leave.calendar_id = calendar.id
                                        OR leave.calendar_id IS NULL)
                                   AND (leave.company_id = company.id
                                        OR leave.company_id IS NULL)
                                   AND timezone(
                                           COALESCE(calendar.tz, 'UTC'),
                                           leave.date_from AT TIME ZONE 'UTC'
                                       )::date <= day::date
                                   AND timezone(
                                           COALESCE(calendar.tz, 'UTC'),
                                           leave.date_to AT TIME ZONE 'UTC'
                                       )::date >= day::date
                            )
                       END AS working
                  FROM res_company company
             LEFT JOIN resource_calendar calendar
                    ON calendar.id = company.resource_calendar_id
            CROSS JOIN generate_series(
                           CURRENT_DATE - 60, CURRENT_DATE + 365, interval '1 day'
                       ) AS day
            ),
            technician_hours AS (
                SELECT company_id, date, SUM(hours) AS hours
                  FROM (%(capacity)s) AS capacity
              GROUP BY company_id, date
            ),
            has_technicians AS (
                SELECT DISTINCT resource.company_id
                  FROM hr_employee employee
                  JOIN resource_resource resource
                    ON resource.id = employee.resource_id
                 WHERE employee.bodyshop_technician AND employee.active
            ),
            working_days AS (
                SELECT calendar_days.company_id,
                       calendar_days.date,
                       CASE WHEN has_technicians.company_id IS NULL
                            THEN calendar_days.productive_hours
                            ELSE COALESCE(technician_hours.hours, 0)
                       END AS productive_hours
                  FROM calendar_days
             LEFT JOIN has_technicians
                    ON has_technicians.company_id = calendar_days.company_id
             LEFT JOIN technician_hours
                    ON technician_hours.company_id = calendar_days.company_id
                   AND technician_hours.date = calendar_days.date
                 WHERE calendar_days.working
                    OR (has_technicians.company_id IS NOT NULL
                        AND technician_hours.hours > 0)
            ),
            slot_days AS (
                SELECT slot.company_id,
                       slot.date,
                       SUM(slot.hours) AS hours,
                       COUNT(DISTINCT slot.dossier_id) AS dossier_count
                  FROM bodyshop_planning_slot slot
                  JOIN bodyshop_dossier dossier ON dossier.id = slot.dossier_id
                 WHERE dossier.active AND dossier.state IN %(states)s
              GROUP BY slot.company_id, slot.date
            ),
            planned AS (
                SELECT dossier.id,
                       dossier.company_id,
                       dossier.estimate_hours,
                       dossier.planned_start_date,
                       dossier.planned_delivery_date,
                       (SELECT count(*)
                          FROM working_days
                         WHERE working_days.company_id = dossier.company_id
                           AND working_days.date BETWEEN dossier.planned_start_date
                                                     AND dossier.planned_delivery_date
                       ) AS days
                  FROM bodyshop_dossier dossier
                 WHERE dossier.active
                   AND dossier.state IN %(states)s
                   AND dossier.planned_start_date IS NOT NULL
                   AND dossier.planned_delivery_date >= dossier.planned_start_date
                   AND NOT EXISTS (
                       SELECT 1
                         FROM bodyshop_planning_slot slot
                        WHERE slot.dossier_id = dossier.id
                   )
            ),
            spread AS (
                SELECT planned.company_id,
                       working_days.date,
                       SUM(planned.estimate_hours / planned.days) AS hours,
                       COUNT(*) AS dossier_count
                  FROM planned
                  JOIN working_days
                    ON working_days.company_id = planned.company_id
                   AND working_days.date BETWEEN planned.planned_start_date
                                             AND planned.planned_delivery_date
                 WHERE planned.days > 0
              GROUP BY planned.company_id, working_days.date
            ),
            booked AS (
                SELECT company_id, date, SUM(hours) AS hours,
                       SUM(dossier_count) AS dossier_count
                  FROM (SELECT company_id, date, hours, dossier_count FROM spread
                        UNION ALL
                        SELECT company_id, date, hours, dossier_count FROM slot_days
                       ) AS both_kinds
              GROUP BY company_id, date
            )
            SELECT row_number() OVER (ORDER BY days.date, days.company_id) AS id,
                   days.company_id,
                   days.date,
                   extract(isodow FROM days.date)::varchar AS weekday,
                   days.productive_hours AS capacity_hours,
                   COALESCE(booked.hours, 0) AS booked_hours,
                   days.productive_hours - COALESCE(booked.hours, 0) AS free_hours,
                   CASE WHEN days.productive_hours > 0
                        THEN 100.0 * COALESCE(booked.hours, 0) / days.productive_hours
                        ELSE 0 END AS load_percent,
                   COALESCE(booked.dossier_count, 0) AS dossier_count
              FROM working_days days
         LEFT JOIN booked
                ON booked.company_id = days.company_id
               AND booked.date = days.date
             WHERE days.date BETWEEN CURRENT_DATE - 14 AND CURRENT_DATE + 120
            """,
            states=tuple(PLANNED_STATES),
            capacity=self.env["hr.employee"]._bodyshop_capacity_query(
                SQL("CURRENT_DATE - 14"),
                SQL("CURRENT_DATE + 120"),
                SQL("employee.bodyshop_technician AND employee.active"),
            ),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
