from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.bodyshop_agreement import LABOUR_TYPES


def _weighted_efficiency(model, query, sold, clocked):
    """A group's efficiency: its sold hours over its clocked hours."""
    sold_sum = model._read_group_select(f"{sold}:sum", query)
    clocked_sum = model._read_group_select(f"{clocked}:sum", query)
    return SQL(
        "CASE WHEN %s <> 0 THEN ROUND((100.0 * %s / %s)::numeric, 1) END",
        clocked_sum,
        sold_sum,
        clocked_sum,
    )


class BodyshopDossierLabour(models.Model):
    """Sold, planned and clocked hours of a dossier per labour type."""

    _name = "bodyshop.dossier.labour"
    _description = "Hours of a Dossier per Labour Type"
    _auto = False
    _depends = {
        "bodyshop.calculation": ["dossier_id", "state", "version", "units_per_hour"],
        "bodyshop.calculation.line": [
            "calculation_id",
            "display_type",
            "line_type",
            "labour_type",
            "labour_units",
        ],
        "bodyshop.planning.slot": ["dossier_id", "labour_type", "hours"],
        "bodyshop.time.entry": [
            "dossier_id",
            "labour_type",
            "hours",
            "cost",
            "date_end",
        ],
        "bodyshop.dossier": ["company_id"],
    }
    _order = "dossier_id, labour_type"

    dossier_id = fields.Many2one(comodel_name="bodyshop.dossier", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    labour_type = fields.Selection(selection=LABOUR_TYPES, readonly=True)
    sold_hours = fields.Float(readonly=True, digits=(16, 2))
    planned_hours = fields.Float(readonly=True, digits=(16, 2))
    clocked_hours = fields.Float(readonly=True, digits=(16, 2))
    cost = fields.Monetary(string="Labour Cost", readonly=True)
    labour_efficiency = fields.Float(
        string="Efficiency (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec == "labour_efficiency:avg":
            return _weighted_efficiency(self, query, "sold_hours", "clocked_hours")
        return super()._read_group_select(aggregate_spec, query)

    def init(self):
        # One dossier at a time (LATERAL): the dossier form reads its own rows
        # through an index, not the hours of every dossier in the database
        # (2 s at 100,000 dossiers; benchmarks/scale.py).
        type_number = SQL(
            "CASE hours.labour_type %s END",
            SQL(" ").join(
                SQL("WHEN %s THEN %s", code, number)
                for number, (code, _label) in enumerate(LABOUR_TYPES)
            ),
        )
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS (
                SELECT dossier.id * 10 + %(type_number)s AS id,
                       dossier.id AS dossier_id,
                       dossier.company_id,
                       company.currency_id,
                       hours.labour_type,
                       hours.sold_hours,
                       hours.planned_hours,
                       hours.clocked_hours,
                       hours.cost,
                       CASE WHEN hours.clocked_hours > 0
                            THEN 100.0 * hours.sold_hours / hours.clocked_hours
                       END AS labour_efficiency
                  FROM bodyshop_dossier dossier
                  JOIN res_company company ON company.id = dossier.company_id
                 CROSS JOIN LATERAL (
                       SELECT part.labour_type,
                              COALESCE(SUM(part.units)
                                       / NULLIF(MAX(part.units_per_hour), 0), 0)
                                  AS sold_hours,
                              COALESCE(SUM(part.planned), 0) AS planned_hours,
                              COALESCE(SUM(part.clocked), 0) AS clocked_hours,
                              COALESCE(SUM(part.cost), 0) AS cost
                         FROM (
                              -- sold: the latest approved calculation's labour
                              SELECT line.labour_type, line.labour_units AS units,
                                     latest.units_per_hour, NULL::numeric AS planned,
                                     NULL::numeric AS clocked, NULL::numeric AS cost
                                FROM (SELECT calculation.id, calculation.units_per_hour
                                        FROM bodyshop_calculation calculation
                                       WHERE calculation.dossier_id = dossier.id
                                         AND calculation.state = 'approved'
                                    ORDER BY calculation.version DESC
                                       LIMIT 1) latest
                                JOIN bodyshop_calculation_line line
                                  ON line.calculation_id = latest.id
                               WHERE line.display_type IS NULL
                                 AND line.line_type = 'labour'
                                 AND line.labour_type IS NOT NULL
                           UNION ALL
                              SELECT slot.labour_type, NULL, NULL, slot.hours, NULL,
                                     NULL
                                FROM bodyshop_planning_slot slot
                               WHERE slot.dossier_id = dossier.id
                           UNION ALL
                              SELECT entry.labour_type, NULL, NULL, NULL,
                                     entry.hours, entry.cost
                                FROM bodyshop_time_entry entry
                               WHERE entry.dossier_id = dossier.id
                                 AND entry.date_end IS NOT NULL
                              ) part
                     GROUP BY part.labour_type
                       ) hours
                )
                """,
                view=SQL.identifier(self._table),
                type_number=type_number,
            )
        )


class BodyshopLabourReport(models.Model):
    """Labour efficiency per technician: each stretch of clocked time with
    its share of the sold hours. A dossier's sold hours of a labour type are
    shared among the technicians who clocked on it, in proportion to their
    hours; a group's efficiency is its sold hours over its clocked hours."""

    _name = "bodyshop.labour.report"
    _description = "Labour Efficiency"
    _auto = False
    _depends = {
        "bodyshop.calculation": ["dossier_id", "state", "version", "units_per_hour"],
        "bodyshop.calculation.line": [
            "calculation_id",
            "display_type",
            "line_type",
            "labour_type",
            "labour_units",
        ],
        "bodyshop.time.entry": [
            "dossier_id",
            "company_id",
            "employee_id",
            "labour_type",
            "date_start",
            "date_end",
            "hours",
            "cost",
        ],
    }
    _order = "date desc"
    _rec_name = "dossier_id"

    dossier_id = fields.Many2one(comodel_name="bodyshop.dossier", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    employee_id = fields.Many2one(
        comodel_name="hr.employee", string="Technician", readonly=True
    )
    labour_type = fields.Selection(selection=LABOUR_TYPES, readonly=True)
    date = fields.Datetime(readonly=True)
    clocked_hours = fields.Float(readonly=True, digits=(16, 2))
    sold_hours = fields.Float(
        readonly=True,
        digits=(16, 2),
        help="The technician's share of the dossier's sold hours of this "
        "labour type (in proportion to the hours he clocked).",
    )
    cost = fields.Monetary(string="Labour Cost", readonly=True)
    labour_efficiency = fields.Float(
        string="Efficiency (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Sold hours over clocked hours.",
    )

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec == "labour_efficiency:avg":
            return _weighted_efficiency(self, query, "sold_hours", "clocked_hours")
        return super()._read_group_select(aggregate_spec, query)

    def init(self):
        # Each stretch of time with its share of its dossier's sold hours,
        # looked up for that stretch (LATERAL): a month of the report reads
        # that month's time entries and their dossiers, not the hours of
        # every dossier in the database (benchmarks/scale.py).
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS (
                SELECT entry.id,
                       entry.dossier_id,
                       entry.company_id,
                       company.currency_id,
                       entry.employee_id,
                       entry.labour_type,
                       entry.date_start AS date,
                       entry.hours AS clocked_hours,
                       COALESCE(share.sold_hours, 0) AS sold_hours,
                       entry.cost,
                       CASE WHEN entry.hours > 0
                            THEN 100.0 * COALESCE(share.sold_hours, 0) / entry.hours
                       END AS labour_efficiency
                  FROM bodyshop_time_entry entry
                  JOIN res_company company ON company.id = entry.company_id
             LEFT JOIN LATERAL (
                       SELECT sold.hours * entry.hours / NULLIF(clocked.hours, 0)
                                  AS sold_hours
                         FROM (SELECT SUM(other.hours) AS hours
                                 FROM bodyshop_time_entry other
                                WHERE other.dossier_id = entry.dossier_id
                                  AND other.labour_type = entry.labour_type
                                  AND other.date_end IS NOT NULL) clocked,
                              (SELECT SUM(line.labour_units)
                                      / NULLIF(latest.units_per_hour, 0) AS hours
                                 FROM (SELECT calculation.id,
                                              calculation.units_per_hour
                                         FROM bodyshop_calculation calculation
                                        WHERE calculation.dossier_id
                                              = entry.dossier_id
                                          AND calculation.state = 'approved'
                                     ORDER BY calculation.version DESC
                                        LIMIT 1) latest
                                 JOIN bodyshop_calculation_line line
                                   ON line.calculation_id = latest.id
                                WHERE line.display_type IS NULL
                                  AND line.line_type = 'labour'
                                  AND line.labour_type = entry.labour_type
                             GROUP BY latest.units_per_hour) sold
                   ) share ON TRUE
                 WHERE entry.date_end IS NOT NULL
                   AND entry.labour_type IS NOT NULL
                )
                """,
                view=SQL.identifier(self._table),
            )
        )
