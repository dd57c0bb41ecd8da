from odoo import fields, models, tools
from odoo.tools import SQL

from .bodyshop_dossier import PLANNED_STATES


class BodyshopWorkshopLoad(models.Model):
    """Booked repair hours per working day against the workshop's capacity.

    A planned dossier books its estimated hours spread evenly over the
    working days (Monday to Friday) from its planned start to its planned
    delivery. One row per company and working day, from two weeks back to
    four months ahead.
    """

    _name = "bodyshop.workshop.load"
    _description = "Workshop Load per Day"
    _auto = False
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
            WITH days AS (
                SELECT company.id AS company_id,
                       day::date AS date,
                       company.bodyshop_productive_hours AS capacity_hours
                  FROM res_company company
            CROSS JOIN generate_series(
                           CURRENT_DATE - 14, CURRENT_DATE + 120, interval '1 day'
                       ) AS day
                 WHERE extract(isodow FROM day) < 6
            ),
            booked AS (
                SELECT dossier.company_id,
                       day::date AS date,
                       SUM(dossier.estimate_hours / working.days) AS hours,
                       COUNT(*) AS dossier_count
                  FROM bodyshop_dossier dossier
            CROSS JOIN LATERAL (
                           SELECT count(*) AS days
                             FROM generate_series(
                                      dossier.planned_start_date,
                                      dossier.planned_delivery_date,
                                      interval '1 day'
                                  ) AS planned_day
                            WHERE extract(isodow FROM planned_day) < 6
                       ) AS working
            CROSS JOIN LATERAL generate_series(
                           dossier.planned_start_date,
                           dossier.planned_delivery_date,
                           interval '1 day'
                       ) AS day
                 WHERE dossier.active
                   AND dossier.state IN %(states)s
                   AND dossier.planned_start_date IS NOT NULL
                   AND dossier.planned_delivery_date >= dossier.planned_start_date
                   AND working.days > 0
                   AND extract(isodow FROM day) < 6
              GROUP BY dossier.company_id, day::date
            )
            SELECT row_number() OVER (ORDER BY days.date, days.company_id) AS id,
                   days.company_id,
                   days.date,
                   extract(isodow FROM days.date)::varchar AS weekday,
                   days.capacity_hours,
                   COALESCE(booked.hours, 0) AS booked_hours,
                   days.capacity_hours - COALESCE(booked.hours, 0) AS free_hours,
                   CASE WHEN days.capacity_hours > 0
                        THEN 100.0 * COALESCE(booked.hours, 0) / days.capacity_hours
                        ELSE 0 END AS load_percent,
                   COALESCE(booked.dossier_count, 0) AS dossier_count
              FROM days
         LEFT JOIN booked
                ON booked.company_id = days.company_id
               AND booked.date = days.date
            """,
            states=tuple(PLANNED_STATES),
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
