from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.bodyshop_dossier import PAYER_TYPES, STATES


class BodyshopKpiReport(models.Model):
    """Key figures per dossier. A figure that does not apply to a dossier
    (a car not delivered yet has no key-to-key days) is empty, so that the
    averages count only the dossiers it applies to."""

    _name = "bodyshop.kpi.report"
    _description = "Body Shop Key Figures"
    _auto = False
    _depends = {
        "bodyshop.dossier": [
            "sold_hours",
            "clocked_hours",
            "labour_efficiency",
            "delivery_date",
            "checkin_date",
            "intake_date",
            "first_approval_requested_on",
            "first_approval_answered_on",
        ],
    }
    _order = "intake_date desc"
    _rec_name = "dossier_id"

    dossier_id = fields.Many2one(comodel_name="bodyshop.dossier", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    user_id = fields.Many2one(
        comodel_name="res.users", string="Damage Manager", readonly=True
    )
    payer_id = fields.Many2one(
        comodel_name="res.partner", string="Paying Party", readonly=True
    )
    payer_type = fields.Selection(
        selection=PAYER_TYPES, string="Paying Party Type", readonly=True
    )
    state = fields.Selection(selection=STATES, string="Status", readonly=True)
    intake_date = fields.Datetime(readonly=True)
    delivery_date = fields.Datetime(readonly=True)
    key_to_key_days = fields.Float(
        string="Key-to-key Days",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Calendar days from intake to delivery, of the delivered cars.",
    )
    repair_cycle_days = fields.Float(
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Days from the start to the end of the repair, of the repaired cars.",
    )
    approval_lead_days = fields.Float(
        string="Approval Lead Time (days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Days from sending the first calculation to the paying party's answer.",
    )
    supplement_rate = fields.Float(
        string="Supplement Rate (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Of the cars that went into repair, the share that needed a supplement.",
    )
    total_loss_rate = fields.Float(
        string="Total Loss Rate (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Of the closed dossiers (delivered, invoiced or total loss), the "
        "share that was a total loss.",
    )
    sold_hours = fields.Float(
        readonly=True,
        digits=(16, 2),
        help="Sold hours of the dossiers the technicians clocked on.",
    )
    clocked_hours = fields.Float(readonly=True, digits=(16, 2))
    labour_efficiency = fields.Float(
        string="Labour Efficiency (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Sold hours over clocked hours, of the dossiers with clocked time.",
    )
    shop_days = fields.Float(
        string="Days in the Shop",
        readonly=True,
        digits=(16, 1),
        help="Days from check-in to delivery, of the delivered cars with clocked time.",
    )
    touch_hours = fields.Float(
        string="Clocked Hours of Delivered Cars",
        readonly=True,
        digits=(16, 2),
    )
    touch_time = fields.Float(
        string="Touch Time (h/day)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Hours clocked per day the car was in the shop, of the delivered cars.",
    )
    repair_amount = fields.Monetary(
        readonly=True,
        aggregator="avg",
        help="Invoiced revenue excluding VAT, of the invoiced dossiers.",
    )

    def _read_group_select(self, aggregate_spec, query):
        """A group's efficiency and touch time are ratios of its sums, not
        averages of the dossiers' ratios."""
        ratios = {
            "labour_efficiency:avg": ("sold_hours", "clocked_hours", 100.0),
            "touch_time:avg": ("touch_hours", "shop_days", 1.0),
        }
        if aggregate_spec in ratios:
            numerator, denominator, factor = ratios[aggregate_spec]
            numerator_sum = super()._read_group_select(f"{numerator}:sum", query)
            denominator_sum = super()._read_group_select(f"{denominator}:sum", query)
            return SQL(
                "CASE WHEN %s <> 0 THEN ROUND((%s * %s / %s)::numeric, 2) END",
                denominator_sum,
                factor,
                numerator_sum,
                denominator_sum,
            )
        return super()._read_group_select(aggregate_spec, query)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                SELECT d.id,
                       d.id AS dossier_id,
                       d.company_id,
                       c.currency_id,
                       d.user_id,
                       d.payer_id,
                       d.payer_type,
                       d.state,
                       d.intake_date,
                       d.delivery_date,
                       CASE WHEN d.delivery_date IS NOT NULL
                            THEN d.key_to_key_days END AS key_to_key_days,
                       CASE WHEN d.repair_start IS NOT NULL
                             AND d.repair_end IS NOT NULL
                            THEN d.repair_cycle_days END AS repair_cycle_days,
                       round(EXTRACT(EPOCH FROM d.first_approval_answered_on
                                                - d.first_approval_requested_on)
                             / 86400, 1) AS approval_lead_days,
                       CASE WHEN d.state IN ('repair', 'ready', 'delivered', 'invoiced')
                            THEN CASE WHEN d.has_supplement THEN 100.0 ELSE 0.0 END
                       END AS supplement_rate,
                       CASE WHEN d.state IN ('delivered', 'invoiced', 'total_loss')
                            THEN CASE WHEN d.state = 'total_loss'
                                      THEN 100.0 ELSE 0.0 END
                       END AS total_loss_rate,
                       CASE WHEN d.amount_invoiced <> 0
                            THEN d.amount_invoiced END AS repair_amount,
                       CASE WHEN d.clocked_hours > 0
                            THEN d.sold_hours END AS sold_hours,
                       CASE WHEN d.clocked_hours > 0
                            THEN d.clocked_hours END AS clocked_hours,
                       CASE WHEN d.clocked_hours > 0
                            THEN d.labour_efficiency END AS labour_efficiency,
                       shop.days AS shop_days,
                       CASE WHEN shop.days IS NOT NULL
                            THEN d.clocked_hours END AS touch_hours,
                       CASE WHEN shop.days IS NOT NULL
                            THEN d.clocked_hours / shop.days END AS touch_time
                  FROM bodyshop_dossier d
                  JOIN res_company c ON c.id = d.company_id
                  -- Days in the shop of a delivered car with clocked time
                  -- (at least one).
             LEFT JOIN LATERAL (
                       SELECT GREATEST(1.0, round((EXTRACT(EPOCH FROM
                                  d.delivery_date
                                  - COALESCE(d.checkin_date, d.intake_date))
                              / 86400)::numeric, 1)) AS days
                        WHERE d.delivery_date IS NOT NULL
                          AND d.clocked_hours > 0
                   ) shop ON TRUE
                 WHERE d.active AND d.state <> 'cancelled'
                )
                """,
                SQL.identifier(self._table),
            )
        )
