from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

PAINT_MATERIAL_METHODS = [
    ("percent_paint_labour", "Percentage of Paint Labour"),
    ("fixed", "Fixed Amount"),
    ("azt_index", "AZT Index (paint units x index x base value)"),
]
SMALL_PARTS_BASES = [
    ("parts", "Parts"),
    ("labour", "Labour"),
    ("parts_labour", "Parts and Labour"),
]
LABOUR_TYPES = [
    ("body", "Body Work"),
    ("paint", "Paint Work"),
    ("mechanical", "Mechanical"),
    ("electrical", "Electrical"),
    ("trim", "Trim"),
    ("pdr", "Paintless Dent Repair"),
]
# Settings a calculation copies from its agreement (and may change while draft).
CALCULATION_PARAMETERS = [
    "units_per_hour",
    "rate_body",
    "rate_paint",
    "rate_mechanical",
    "rate_electrical",
    "rate_trim",
    "rate_pdr",
    "paint_material_method",
    "paint_material_pct",
    "paint_material_fixed",
    "paint_material_index",
    "paint_material_unit_value",
    "parts_discount_pct",
    "small_parts_pct",
    "small_parts_base",
    "small_parts_min",
    "small_parts_max",
]
PERCENT_FIELDS = ["paint_material_pct", "parts_discount_pct", "small_parts_pct"]


class BodyshopCalculationParameters(models.AbstractModel):
    """Rates and percentages shared by agreements and calculations."""

    _name = "bodyshop.calculation.parameters"
    _description = "Calculation Rates and Percentages"

    currency_id = fields.Many2one(related="company_id.currency_id")
    company_id = fields.Many2one(comodel_name="res.company")
    units_per_hour = fields.Float(
        string="Labour Units per Hour",
        default=10.0,
        help="AE per hour: 10 in Audatex NL, 12 for some German makes.",
    )
    rate_body = fields.Monetary(string="Body Work Rate")
    rate_paint = fields.Monetary(string="Paint Work Rate")
    rate_mechanical = fields.Monetary(string="Mechanical Rate")
    rate_electrical = fields.Monetary(string="Electrical Rate")
    rate_trim = fields.Monetary(string="Trim Rate")
    rate_pdr = fields.Monetary(string="Paintless Dent Repair Rate")
    paint_material_method = fields.Selection(
        selection=PAINT_MATERIAL_METHODS,
        default="percent_paint_labour",
        required=True,
    )
    paint_material_pct = fields.Float(
        string="Paint Material (% of paint labour)",
    )
    paint_material_fixed = fields.Monetary(string="Paint Material Fixed Amount")
    paint_material_index = fields.Float(
        string="Paint Material Index (AZT)",
        default=100.0,
        help="100 is the national average.",
    )
    paint_material_unit_value = fields.Monetary(
        string="Paint Material Base Value per Unit",
        help="AZT basket base value per paint labour unit.",
    )
    parts_discount_pct = fields.Float(string="Parts Discount (%)")
    small_parts_pct = fields.Float(string="Small Parts (%)")
    small_parts_base = fields.Selection(
        selection=SMALL_PARTS_BASES,
        default="parts",
        required=True,
    )
    small_parts_min = fields.Monetary(string="Small Parts Minimum")
    small_parts_max = fields.Monetary(
        string="Small Parts Maximum",
        help="0 means no ceiling.",
    )

    @api.constrains(*CALCULATION_PARAMETERS)
    def _check_parameters(self):
        labels = self._fields
        for record in self:
            for name in PERCENT_FIELDS:
                if not 0 <= record[name] <= 100:
                    raise ValidationError(
                        _(
                            "%(field)s: give a percentage from 0 to 100.",
                            field=labels[name]._description_string(self.env),
                        )
                    )
            if not 1 <= record.units_per_hour <= 1000:
                raise ValidationError(
                    _(
                        "Labour Units per Hour: give a number from 1 to 1000 "
                        "(usually 10; 100 for VW time units)."
                    )
                )
            for name in CALCULATION_PARAMETERS:
                if isinstance(record[name], float) and record[name] < 0:
                    raise ValidationError(
                        _(
                            "%(field)s cannot be negative.",
                            field=labels[name]._description_string(self.env),
                        )
                    )
            if (
                record.small_parts_max
                and record.small_parts_max < record.small_parts_min
            ):
                raise ValidationError(
                    _("Small Parts Maximum: the ceiling lies below the minimum.")
                )

    def _rate_for(self, labour_type):
        self.ensure_one()
        return self[f"rate_{labour_type}"] if labour_type else 0.0

    def _parameter_values(self):
        self.ensure_one()
        return {
            name: self._fields[name].convert_to_write(self[name], self)
            for name in CALCULATION_PARAMETERS
        }


class BodyshopAgreement(models.Model):
    _name = "bodyshop.agreement"
    _description = "Payer Agreement"
    _inherit = [
        "bodyshop.calculation.parameters",
        "mail.thread",
        "bodyshop.guard.mixin",
    ]
    _order = "partner_id, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Paying Party",
        index=True,
        check_company=True,
        tracking=True,
        help="Insurer, lease company or fleet owner. Leave empty for the "
        "shop's own rates (the company default in Settings).",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
    )
    expert_threshold = fields.Monetary(
        tracking=True,
        help="Grensbedrag: above this calculation amount an expert inspects "
        "the damage. 0: the company's threshold (Settings) applies.",
    )
    default_deductible = fields.Monetary(
        help="Deductible proposed at intake for this payer's dossiers.",
    )
    estimating_fee_units = fields.Float(
        string="Estimating Fee (AE)",
        default=12.0,
        help="Begrotingskosten: labour units at the body rate charged to the "
        "owner when the car is not repaired after the calculation.",
    )
    payment_term_id = fields.Many2one(
        comodel_name="account.payment.term",
        string="Payment Terms",
        check_company=True,
        tracking=True,
        help="When the paying party pays the shop's invoices (insurers usually "
        "at 30 days). Empty: the paying party's own payment terms.",
    )
    storage_day_rate = fields.Monetary(
        string="Storage per Day",
        help="Stallingskosten: what a day of storage of a total-loss car costs "
        "the paying party.",
    )
    procedures = fields.Html(
        help="What this payer wants: reporting channel, photos, approval "
        "procedure, invoicing address...",
    )
    dossier_count = fields.Integer(compute="_compute_dossier_count")

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id, active)",
            "A paying party has one active agreement per company.",
        ),
    ]

    def _compute_dossier_count(self):
        counts = dict(
            self.env["bodyshop.dossier"]._read_group(
                [("agreement_id", "in", self.ids)], ["agreement_id"], ["__count"]
            )
        )
        for agreement in self:
            agreement.dossier_count = counts.get(agreement, 0)

    @api.constrains(
        "estimating_fee_units",
        "expert_threshold",
        "default_deductible",
        "storage_day_rate",
    )
    def _check_agreement_amounts(self):
        for agreement in self:
            if (
                agreement.estimating_fee_units < 0
                or agreement.expert_threshold < 0
                or agreement.default_deductible < 0
            ):
                raise ValidationError(
                    _(
                        "Agreement %(name)s: estimating fee, expert threshold and "
                        "deductible cannot be negative.",
                        name=agreement.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        agreements = super().create(vals_list)
        agreements._apply_to_open_dossiers()
        return agreements

    def write(self, vals):
        result = super().write(vals)
        if {"partner_id", "active", "company_id"} & set(vals):
            self._apply_to_open_dossiers()
        return result

    def _apply_to_open_dossiers(self):
        """Dossiers of these payers that have no calculation yet follow a new
        or changed agreement."""
        dossiers = self.env["bodyshop.dossier"].search(
            [
                ("company_id", "in", self.company_id.ids),
                ("state", "in", ("intake", "calculation")),
                ("calculation_ids", "=", False),
            ]
        )
        found = self.env["bodyshop.agreement"]._find_for_dossiers(dossiers)
        changed = dossiers.filtered(lambda d: d.agreement_id != found[d])
        for agreement, group in changed.grouped(lambda d: found[d]).items():
            group.agreement_id = agreement

    @api.model
    def _find_for_dossiers(self, dossiers):
        """{dossier: its payer's agreement, else its company's default}."""
        agreements = self.search(
            [
                ("partner_id", "in", dossiers.payer_id.commercial_partner_id.ids),
                ("company_id", "in", dossiers.company_id.ids),
            ]
        )
        by_payer = {(a.partner_id, a.company_id): a for a in agreements}
        return {
            dossier: by_payer.get(
                (dossier.payer_id.commercial_partner_id, dossier.company_id)
            )
            or dossier.company_id.bodyshop_default_agreement_id
            for dossier in dossiers
        }
