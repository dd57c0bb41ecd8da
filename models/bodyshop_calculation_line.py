import re
from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, float_round

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
# ADAS: components whose replacement or refitting asks for a recalibration.
ADAS_COMPONENTS = [
    ("windscreen", "Windscreen (front camera)"),
    ("front_radar", "Front Bumper / Radar Bracket (radar)"),
    ("mirror", "Door Mirror (camera)"),
    ("rear_sensors", "Rear Bumper (blind-spot radar)"),
    ("alignment", "Wheel Alignment (steering angle sensor)"),
]
# Words (Dutch and English) in a line's description that point at a component.
ADAS_KEYWORDS = {
    "windscreen": ("voorruit", "windscreen", "windshield", "front screen"),
    "front_radar": (
        "voorbumper",
        "bumper voor",
        "front bumper",
        "radar",
        "acc-sensor",
        "acc sensor",
    ),
    "mirror": ("spiegel", "mirror"),
    "rear_sensors": ("achterbumper", "bumper achter", "rear bumper", "dode hoek"),
    "alignment": ("uitlijnen", "uitlijning", "alignment", "sporing"),
}
# Operations on a component that disturb its sensor.
ADAS_TRIGGER_OPERATIONS = ("replace", "remove_refit", "repair")
OEM_INSTRUCTIONS = [
    ("replace_only", "Replace Only (no repair allowed)"),
    ("repair_allowed", "Repair Allowed"),
    ("sectioning_allowed", "Sectioning Allowed"),
    ("bonding_required", "Bonding / Riveting Required"),
    ("no_heat", "No Heat, No Straightening"),
    ("other", "Other (see note)"),
]
PURCHASE_STATUSES = [
    ("to_order", "To Order"),
    ("requested", "Requested"),
    ("ordered", "Ordered"),
    ("late", "Late"),
    ("received", "Received"),
]
# Line fields that may change on a sent or approved version: they do not
# change what the paying party approved (supplier, cost, repair method).
UNLOCKED_LINE_FIELDS = {
    "vendor_id",
    "cost_price",
    "oem_instruction",
    "oem_note",
    "repair_info_id",
}

# The products of each kind of line and of the invoices' own lines, when a line
# has no product of its own: lines are ordered (part, sublet) and invoiced with
# them; their accounts and taxes come from Odoo.
BODYSHOP_PRODUCTS = {
    "labour": "bodyshop.product_product_labour",
    "part": "bodyshop.product_product_part",
    "paint_material": "bodyshop.product_product_paint_material",
    "small_parts": "bodyshop.product_product_small_parts",
    "sublet": "bodyshop.product_product_sublet",
    "other": "bodyshop.product_product_other",
    "deductible": "bodyshop.product_product_deductible",
    "payer_share": "bodyshop.product_product_payer_share",
    "estimating_fee": "bodyshop.product_product_estimating_fee",
    "storage": "bodyshop.product_product_storage",
}
ORDERED_KINDS = ("part", "sublet")

PART_ORIGINS = [
    ("oem", "OEM (original)"),
    ("aftermarket", "Aftermarket"),
    ("used", "Used"),
    ("repaired", "Repaired"),
]


class BodyshopCalculationLine(models.Model):
    _name = "bodyshop.calculation.line"
    _description = "Calculation Line"
    _inherit = ["bodyshop.guard.mixin"]
    _order = "calculation_id, sequence, id"
    _check_company_auto = True
    # Which line of an earlier version this one continues: set when a new
    # version is copied, it counts what was ordered for the line.
    _bodyshop_workflow_fields = ("origin_line_id",)

    calculation_id = fields.Many2one(
        comodel_name="bodyshop.calculation",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="calculation_id.company_id", store=True)
    dossier_id = fields.Many2one(
        related="calculation_id.dossier_id", store=True, index=True
    )
    origin_line_id = fields.Many2one(
        comodel_name="bodyshop.calculation.line",
        string="Line of the First Version",
        copy=False,
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The line of an earlier version this line was copied from: what "
        "was ordered for it counts for this line too.",
    )
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
        compute="_compute_tax_ids",
        store=True,
        readonly=False,
        precompute=True,
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
        domain="[('supplier_rank', '>', 0)]",
        help="Part supplier or sublet partner.",
    )
    cost_price = fields.Monetary(
        string="Unit Cost",
        compute="_compute_cost_price",
        store=True,
        readonly=False,
        copy=True,
        help="What the part or sublet work costs the shop per unit: the "
        "confirmed purchase price once ordered.",
    )
    purchase_line_ids = fields.One2many(
        comodel_name="purchase.order.line",
        inverse_name="bodyshop_calculation_line_id",
        string="Purchase Lines",
    )
    purchase_status = fields.Selection(
        selection=PURCHASE_STATUSES,
        compute="_compute_purchase_status",
    )
    qty_ordered = fields.Float(
        string="Ordered",
        compute="_compute_purchase_status",
        digits="Product Unit of Measure",
    )
    qty_received = fields.Float(
        string="Received",
        compute="_compute_purchase_status",
        digits="Product Unit of Measure",
    )
    date_expected = fields.Datetime(
        string="Expected",
        compute="_compute_purchase_status",
    )
    purchase_order_names = fields.Char(
        string="Purchase Orders",
        compute="_compute_purchase_status",
    )
    adas_component = fields.Selection(
        selection=ADAS_COMPONENTS,
        string="ADAS Component",
        compute="_compute_adas_component",
        store=True,
        readonly=False,
        help="A driver-assistance sensor sits on or behind this part: replacing "
        "or refitting it asks for a recalibration.",
    )
    oem_instruction = fields.Selection(
        selection=OEM_INSTRUCTIONS,
        string="OEM Instruction",
        help="What the manufacturer's repair method says for this operation.",
    )
    oem_note = fields.Char(string="OEM Note")
    repair_info_id = fields.Many2one(
        comodel_name="bodyshop.repair.info",
        string="OEM Document",
        check_company=True,
    )
    hidden_damage = fields.Boolean(
        help="Found during the repair (teardown): part of a supplement.",
    )
    customer_paid = fields.Boolean(
        string="Paid by Customer",
        help="Extra work (meerwerk) the customer ordered and pays himself: "
        "never part of the paying party's approval.",
    )

    @api.depends("calculation_id", "display_type")
    def _compute_tax_ids(self):
        """The sales tax of the dossier's company, whatever company the user
        works in."""
        for line in self:
            if line.display_type:
                line.tax_ids = False
            else:
                line.tax_ids = line.calculation_id.company_id.account_sale_tax_id

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
            units_per_hour = calc.units_per_hour
            raw = self.labour_units / units_per_hour * calc._rate_for(self.labour_type)
            raw *= discount
        elif self.line_type == "part":
            raw = self.quantity * self.price_unit * discount * (1 - self.nvo_pct / 100)
        else:
            raw = self.quantity * self.price_unit * discount
        return (calc.currency_id or self.env.company.currency_id).round(raw)

    @api.depends(
        "purchase_line_ids.state",
        "purchase_line_ids.price_subtotal",
        "purchase_line_ids.product_qty",
    )
    def _compute_cost_price(self):
        """The confirmed purchase price flows back as the line's unit cost."""
        for line in self:
            confirmed = line.purchase_line_ids.filtered(
                lambda pol: pol.state in ("purchase", "done")
            )
            quantity = sum(confirmed.mapped("product_qty"))
            if not quantity:
                continue
            currency = line.currency_id or line.env.company.currency_id
            amount = sum(
                pol.currency_id._convert(
                    pol.price_subtotal,
                    currency,
                    line.company_id or line.env.company,
                    pol.order_id.date_approve or fields.Date.context_today(line),
                )
                for pol in confirmed
            )
            line.cost_price = currency.round(amount / quantity)

    def _family_purchase_lines(self):
        """Purchase lines of each line and of the earlier versions of it.

        Returns {line: purchase.order.line recordset}, cancelled ones left out.
        """
        roots = {line: line.origin_line_id or line for line in self}
        root_ids = list({root.id for root in roots.values() if root.id})
        family = self.browse()
        if root_ids:
            family = self.search(
                [
                    "|",
                    ("id", "in", root_ids),
                    ("origin_line_id", "in", root_ids),
                ]
            )
        purchase_lines = family.purchase_line_ids.filtered(
            lambda pol: pol.state != "cancel"
        )
        by_root = {}
        for pol in purchase_lines:
            ordered_from = pol.bodyshop_calculation_line_id
            root = ordered_from.origin_line_id or ordered_from
            by_root.setdefault(root.id, pol.browse())
            by_root[root.id] |= pol
        empty = self.env["purchase.order.line"]
        return {line: by_root.get(root.id, empty) for line, root in roots.items()}

    @api.depends(
        "quantity",
        "line_type",
        "purchase_line_ids.state",
        "purchase_line_ids.product_qty",
        "purchase_line_ids.qty_received",
        "purchase_line_ids.date_planned",
    )
    def _compute_purchase_status(self):
        orderable = self.filtered(
            lambda li: not li.display_type and li.line_type in ("part", "sublet")
        )
        (self - orderable).update(
            {
                "purchase_status": False,
                "qty_ordered": 0.0,
                "qty_received": 0.0,
                "date_expected": False,
                "purchase_order_names": False,
            }
        )
        if not orderable:
            return
        family = orderable._family_purchase_lines()
        start_of_today = self._start_of_today()
        precision = self.env["decimal.precision"].precision_get(
            "Product Unit of Measure"
        )
        for line in orderable:
            purchase_lines = family[line]
            confirmed = purchase_lines.filtered(
                lambda pol: pol.state in ("purchase", "done")
            )
            requested = sum(purchase_lines.mapped("product_qty"))
            ordered = sum(confirmed.mapped("product_qty"))
            received = sum(confirmed.mapped("qty_received"))
            open_lines = confirmed.filtered(
                lambda pol: (
                    float_compare(
                        pol.qty_received, pol.product_qty, precision_digits=precision
                    )
                    < 0
                )
            )
            dates = [d for d in open_lines.mapped("date_planned") if d]
            if float_compare(received, line.quantity, precision_digits=precision) >= 0:
                status = "received"
            elif (
                float_compare(requested, line.quantity, precision_digits=precision) < 0
            ):
                status = "to_order"
            elif float_compare(ordered, line.quantity, precision_digits=precision) < 0:
                status = "requested"
            elif dates and min(dates) < start_of_today:
                status = "late"
            else:
                status = "ordered"
            line.purchase_status = status
            line.qty_ordered = ordered
            line.qty_received = received
            line.date_expected = min(dates) if dates else False
            line.purchase_order_names = ", ".join(
                sorted(set(purchase_lines.order_id.mapped("name")))
            )

    def _prepare_base_line_for_taxes_computation(self, **kwargs):
        """The line for Odoo's tax engine, at its own rounded amount."""
        self.ensure_one()
        calc = self.calculation_id
        return self.env["account.tax"]._prepare_base_line_for_taxes_computation(
            self,
            **{
                "price_unit": self.price_subtotal,
                "quantity": 1.0,
                "discount": 0.0,
                "tax_ids": self.tax_ids,
                "product_id": self.product_id,
                "partner_id": calc.payer_id,
                "currency_id": calc.currency_id or self.env.company.currency_id,
                **kwargs,
            },
        )

    def _prepare_invoice_line(self, **optional_values):
        """Invoice line values of this calculation line, as
        sale.order.line._prepare_invoice_line makes them: its product (or its
        kind's), its taxes, exactly its amount; ``optional_values`` (a label,
        a quantity and price for a difference) override them."""
        self.ensure_one()
        quantity, price, discount = self._invoice_quantities()
        label = self.name
        if self.line_type == "part" and self.part_number:
            label = f"[{self.part_number}] {label}"
        product = self.product_id if self.product_id.sale_ok else self._kind_product()
        vals = {
            "display_type": "product",
            "product_id": product.id,
            "name": label,
            "quantity": quantity,
            "price_unit": price,
            "discount": discount,
            "tax_ids": [Command.set(self.tax_ids.ids)],
        }
        vals.update(optional_values)
        return vals

    def _kind_product(self):
        """The product of this kind of line (Labour, Body Part, ...)."""
        self.ensure_one()
        return self.env.ref(BODYSHOP_PRODUCTS[self.line_type])

    def _invoice_quantities(self):
        """(quantity, unit price, discount) for an invoice line worth exactly
        this line's rounded amount: the line's own figures when they give the
        same amount, else one unit at the line's amount."""
        self.ensure_one()
        calc = self.calculation_id
        if self.line_type == "labour":
            quantity = self.labour_units / calc.units_per_hour
            price = calc._rate_for(self.labour_type)
        elif self.line_type == "part" and self.nvo_pct:
            return 1.0, self.price_subtotal, 0.0
        else:
            quantity, price = self.quantity, self.price_unit
        precision = self.env["decimal.precision"]
        quantity = float_round(
            quantity,
            precision_digits=precision.precision_get("Product Unit of Measure"),
        )
        price = float_round(
            price, precision_digits=precision.precision_get("Product Price")
        )
        currency = self.currency_id
        amount = currency.round(quantity * price * (1 - self.discount / 100))
        if currency.compare_amounts(amount, self.price_subtotal):
            return 1.0, self.price_subtotal, 0.0
        return quantity, price, self.discount

    @api.model
    def _start_of_today(self):
        """Midnight in the user's time zone, as a UTC datetime: a part is late
        once the day it was expected has passed."""
        today = fields.Date.context_today(self)
        midnight = fields.Datetime.context_timestamp(
            self, fields.Datetime.to_datetime(today)
        )
        # context_timestamp moved midnight UTC into the user's zone; take the
        # user's midnight back to UTC.
        offset = midnight.utcoffset() or timedelta(0)
        return fields.Datetime.to_datetime(today) - offset

    def _qty_to_order(self, family=None):
        """What is still to be ordered: the quantity minus what was requested."""
        self.ensure_one()
        family = family or self._family_purchase_lines()
        requested = sum(family[self].mapped("product_qty"))
        return max(self.quantity - requested, 0.0)

    @api.model
    def _generic_purchase_products(self):
        return self.env["product.product"].browse(
            [
                self.env.ref(xmlid, raise_if_not_found=False).id
                for xmlid in (BODYSHOP_PRODUCTS[kind] for kind in ORDERED_KINDS)
                if self.env.ref(xmlid, raise_if_not_found=False)
            ]
        )

    def _purchase_price(self, vendor, product, quantity):
        """The unit price an order of this line starts from, or None to let
        Purchase price it (the supplier's price list, or the subcontractor's
        quote for sublet work): the cost already known, else for a part its
        list price on the calculation less the supplier's discount."""
        self.ensure_one()
        if self.cost_price:
            return self.cost_price
        if self.line_type != "part":
            # Sublet work is quoted by the subcontractor.
            return None
        seller = product._select_seller(partner_id=vendor, quantity=quantity)
        if seller and seller.partner_id == vendor and seller.price:
            return None
        currency = self.currency_id or self.env.company.currency_id
        return currency.round(
            self.price_unit * (1 - vendor.bodyshop_supplier_discount / 100)
        )

    def _purchase_product(self):
        """The product a purchase order line is made with."""
        self.ensure_one()
        if self.product_id.purchase_ok:
            return self.product_id
        return self._kind_product()

    @api.depends("name", "operation", "line_type")
    def _compute_adas_component(self):
        for line in self:
            if line.display_type or line.line_type not in ("labour", "part", "sublet"):
                line.adas_component = False
                continue
            line.adas_component = line._guess_adas_component()

    def _guess_adas_component(self):
        """The ADAS component a line's description names, if any."""
        self.ensure_one()
        text = (self.name or "").lower()
        for component, words in ADAS_KEYWORDS.items():
            if any(re.search(rf"\b{re.escape(word)}", text) for word in words):
                return component
        return False

    def _adas_triggers(self):
        """Whether this line disturbs the sensor of its ADAS component."""
        self.ensure_one()
        if not self.adas_component or self.operation == "calibrate":
            return False
        if self.adas_component == "alignment":
            return True
        return self.operation in ADAS_TRIGGER_OPERATIONS

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
            if not line.line_type:
                raise ValidationError(
                    _(
                        "Line '%(line)s': choose the type of line (labour, part, "
                        "sublet work, ...).",
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
        """The defaults of a kind of line follow the kind: the payer's parts
        discount is a part's, the labour type a labour line's, new-for-old
        and origin a part's."""
        parts_discount = self.calculation_id.parts_discount_pct
        if self.line_type == "part":
            if not self.discount:
                self.discount = parts_discount
        elif parts_discount and not float_compare(
            self.discount, parts_discount, precision_digits=2
        ):
            self.discount = 0.0
        if self.line_type != "part":
            self.nvo_pct = 0.0
            self.part_origin = False
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
        # Wild values are refused before this method reads them.
        for vals in vals_list:
            self._bodyshop_check_input(vals)
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

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        if self.env.context.get("bodyshop_copy_version"):
            for line, vals in zip(self, vals_list, strict=True):
                vals.setdefault("origin_line_id", (line.origin_line_id or line).id)
        return vals_list

    def write(self, vals):
        self._bodyshop_check_input(vals)
        if set(vals) <= UNLOCKED_LINE_FIELDS:
            return super().write(vals)
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
