from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .bodyshop_agreement import LABOUR_TYPES

LINE_TYPES = [
    ("labour", "Labour"),
    ("part", "Part"),
    ("paint_material", "Paint Material"),
    ("small_parts", "Small Parts"),
    ("sublet", "Sublet Work"),
    ("other", "Other Costs"),
]
OPERATIONS = [
    ("replace", "Replace"),
    ("repair", "Repair"),
    ("remove_refit", "Remove and Refit"),
    ("paint", "Paint"),
    ("check", "Check"),
    ("calibrate", "Calibrate"),
]
PART_ORIGINS = [
    ("oem", "OEM (original)"),
    ("aftermarket", "Aftermarket"),
    ("used", "Used"),
    ("repaired", "Repaired"),
]


class BodyshopCalculationLine(models.Model):
    _name = "bodyshop.calculation.line"
    _description = "Calculation Line"
    _order = "calculation_id, sequence, id"
    _check_company_auto = True

    calculation_id = fields.Many2one(
        comodel_name="bodyshop.calculation",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="calculation_id.company_id", store=True)
    currency_id = fields.Many2one(related="calculation_id.currency_id")
    sequence = fields.Integer(default=10)
    display_type = fields.Selection(
        selection=[("line_section", "Section"), ("line_note", "Note")],
        default=False,
    )
    line_type = fields.Selection(selection=LINE_TYPES, default="labour")
    labour_type = fields.Selection(selection=LABOUR_TYPES)
    operation = fields.Selection(selection=OPERATIONS)
    name = fields.Text(string="Description", required=True)
    product_id = fields.Many2one(
        comodel_name="product.product",
        check_company=True,
    )
    part_number = fields.Char()
    part_origin = fields.Selection(selection=PART_ORIGINS)
    labour_units = fields.Float(string="AE", digits=(16, 1))
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure")
    price_unit = fields.Monetary(string="Unit Price")
    discount = fields.Float(string="Discount (%)", digits="Discount")
    nvo_pct = fields.Float(
        string="New-for-old (%)",
        help="Aftrek nieuw voor oud: the injured party may not be better off.",
    )
    tax_ids = fields.Many2many(
        comodel_name="account.tax",
        string="Taxes",
        domain="[('type_tax_use', '=', 'sale'), "
        "('company_id', 'parent_of', company_id)]",
        default=lambda self: self.env.company.account_sale_tax_id,
        check_company=True,
    )
    price_subtotal = fields.Monetary(
        string="Amount",
        compute="_compute_price_subtotal",
        store=True,
        precompute=True,
    )
    vendor_id = fields.Many2one(
        comodel_name="res.partner",
        check_company=True,
        help="Part supplier or sublet partner.",
    )
    cost_price = fields.Monetary()
    hidden_damage = fields.Boolean(
        help="Found during the repair (teardown): part of a supplement.",
    )
    customer_paid = fields.Boolean(
        string="Paid by Customer",
        help="Extra work (meerwerk) the customer ordered and pays himself: "
        "never part of the paying party's approval.",
    )

    @api.depends(
        "display_type",
        "line_type",
        "labour_type",
        "labour_units",
        "quantity",
        "price_unit",
        "discount",
        "nvo_pct",
        "calculation_id.units_per_hour",
        "calculation_id.rate_body",
        "calculation_id.rate_paint",
        "calculation_id.rate_mechanical",
        "calculation_id.rate_electrical",
        "calculation_id.rate_trim",
        "calculation_id.rate_pdr",
        "calculation_id.currency_id",
    )
    def _compute_price_subtotal(self):
        for line in self:
            line.price_subtotal = line._amount()

    def _amount(self):
        """The line's amount by the formulas of the model contract, rounded."""
        self.ensure_one()
        calc = self.calculation_id
        if self.display_type or not calc:
            return 0.0
        discount = 1 - self.discount / 100
        if self.line_type == "labour":
            units_per_hour = calc.units_per_hour or 10.0
            raw = self.labour_units / units_per_hour * calc._rate_for(self.labour_type)
            raw *= discount
        elif self.line_type == "part":
            raw = self.quantity * self.price_unit * discount * (1 - self.nvo_pct / 100)
        else:
            raw = self.quantity * self.price_unit * discount
        return (calc.currency_id or self.env.company.currency_id).round(raw)

    @api.constrains(
        "labour_units", "quantity", "price_unit", "discount", "nvo_pct", "line_type"
    )
    def _check_values(self):
        for line in self.filtered(lambda li: not li.display_type):
            if line.labour_units < 0 or line.quantity < 0:
                raise ValidationError(
                    _(
                        "Line '%(line)s': quantity and labour units cannot be "
                        "negative.",
                        line=line.name,
                    )
                )
            if line.price_unit < 0:
                raise ValidationError(
                    _(
                        "Line '%(line)s': the unit price cannot be negative.",
                        line=line.name,
                    )
                )
            if not 0 <= line.discount <= 100 or not 0 <= line.nvo_pct <= 100:
                raise ValidationError(
                    _(
                        "Line '%(line)s': discount and new-for-old are percentages "
                        "from 0 to 100.",
                        line=line.name,
                    )
                )
            if line.line_type == "labour" and not line.labour_type:
                raise ValidationError(
                    _(
                        "Line '%(line)s': a labour line needs a labour type.",
                        line=line.name,
                    )
                )

    @api.onchange("line_type")
    def _onchange_line_type(self):
        if self.line_type == "part" and not self.discount:
            self.discount = self.calculation_id.parts_discount_pct
        if self.line_type != "labour":
            self.labour_type = False
        elif not self.labour_type:
            self.labour_type = "body"

    @api.onchange("product_id")
    def _onchange_product_id(self):
        if self.product_id:
            self.name = self.product_id.display_name
            self.price_unit = self.product_id.lst_price
            self.part_number = self.product_id.default_code or self.part_number

    @api.model_create_multi
    def create(self, vals_list):
        calculations = self.env["bodyshop.calculation"].browse(
            [
                vals.get("calculation_id")
                for vals in vals_list
                if vals.get("calculation_id")
            ]
        )
        calculations._check_editable()
        for vals in vals_list:
            calc = calculations.browse(vals.get("calculation_id"))
            if (
                vals.get("line_type") == "part"
                and "discount" not in vals
                and calc.parts_discount_pct
            ):
                vals["discount"] = calc.parts_discount_pct
            if calc.calc_type == "supplement" and "hidden_damage" not in vals:
                vals["hidden_damage"] = not self.env.context.get(
                    "bodyshop_copy_version"
                )
        return super().create(vals_list)

    def write(self, vals):
        self.calculation_id._check_editable()
        if "calculation_id" in vals:
            self.env["bodyshop.calculation"].browse(
                vals["calculation_id"]
            )._check_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_locked(self):
        self.calculation_id._check_editable()

    def _diff_key(self):
        self.ensure_one()
        return (
            self.line_type,
            self.labour_type or "",
            self.operation or "",
            (self.part_number or "").strip().upper(),
            (self.name or "").strip().lower(),
        )

    def _diff_values(self):
        self.ensure_one()
        return (
            self.labour_units,
            self.quantity,
            self.price_unit,
            self.discount,
            self.nvo_pct,
            self.price_subtotal,
            self.customer_paid,
        )
