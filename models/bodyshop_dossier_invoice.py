from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.misc import format_date, formatLang

# Products an invoice line carries per calculation line type: their income
# accounts and taxes come from Odoo.
INVOICE_PRODUCTS = {
    "labour": "bodyshop.product_product_labour",
    "part": "bodyshop.product_product_part",
    "paint_material": "bodyshop.product_product_paint_material",
    "small_parts": "bodyshop.product_product_small_parts",
    "sublet": "bodyshop.product_product_sublet",
    "other": "bodyshop.product_product_other",
    "deductible": "bodyshop.product_product_deductible",
    "estimating_fee": "bodyshop.product_product_estimating_fee",
    "storage": "bodyshop.product_product_storage",
    "payer_share": "bodyshop.product_product_payer_share",
}


class BodyshopDossier(models.Model):
    """Delivery, invoicing of the paying party and the customer, margins and
    the figures the owner reads."""

    _inherit = "bodyshop.dossier"

    # delivery
    delivery_user_id = fields.Many2one(
        comodel_name="res.users", string="Delivered By", readonly=True, copy=False
    )
    delivery_inspected_by = fields.Char(
        string="Final Inspection By", readonly=True, copy=False
    )
    delivery_odometer = fields.Integer(
        string="Odometer at Delivery (km)", readonly=True, copy=False
    )
    delivered_to = fields.Char(string="Handed To", readonly=True, copy=False)
    delivery_signature = fields.Binary(
        string="Customer's Signature", readonly=True, copy=False, attachment=True
    )
    delivery_note = fields.Text(readonly=True, copy=False)
    checklist_line_ids = fields.One2many(
        comodel_name="bodyshop.dossier.checklist",
        inverse_name="dossier_id",
        string="Final Inspection",
        readonly=True,
    )

    # invoicing
    invoiced_calculation_id = fields.Many2one(
        comodel_name="bodyshop.calculation",
        string="Last Invoiced Calculation",
        readonly=True,
        copy=False,
        help="The calculation version the invoices so far were made from; a "
        "later approved supplement is invoiced as the difference.",
    )
    can_create_invoices = fields.Boolean(compute="_compute_can_create_invoices")

    # margin (stored, for reporting)
    amount_invoiced = fields.Monetary(
        string="Revenue",
        compute="_compute_margin",
        store=True,
        help="Posted invoices and credit notes of the dossier, excluding VAT.",
    )
    cost_parts = fields.Monetary(
        string="Parts Cost",
        compute="_compute_margin",
        store=True,
        help="Parts bought for this dossier: posted vendor bills, or the "
        "confirmed purchase order while it is not billed.",
    )
    cost_sublet = fields.Monetary(
        string="Sublet Cost",
        compute="_compute_margin",
        store=True,
        help="Sublet work (werk derden) bought for this dossier: posted vendor "
        "bills, or the confirmed purchase order while it is not billed.",
    )
    cost_labour = fields.Monetary(
        string="Labour Cost",
        compute="_compute_margin",
        store=True,
        help="Sold hours of each labour type at the hourly cost price of Settings.",
    )
    cost_paint = fields.Monetary(
        string="Paint Material Cost",
        compute="_compute_margin",
        store=True,
        help="Paint material sold, at the cost percentage of Settings.",
    )
    margin = fields.Monetary(compute="_compute_margin", store=True)
    cost_incomplete = fields.Boolean(
        string="Purchase Cost Missing",
        compute="_compute_margin",
        store=True,
        help="Parts or sublet work were sold but nothing was bought for this "
        "dossier: the margin lacks their cost.",
    )
    margin_percent = fields.Float(
        string="Margin (%)",
        compute="_compute_margin",
        store=True,
        aggregator="avg",
        digits=(16, 1),
    )

    # KPIs (stored, for reporting)
    repair_cycle_days = fields.Float(
        compute="_compute_kpis",
        store=True,
        aggregator="avg",
        digits=(16, 1),
        help="Days from the start to the end of the repair.",
    )
    has_supplement = fields.Boolean(
        compute="_compute_kpis",
        store=True,
        help="Hidden damage made a supplement necessary.",
    )

    # reporting

    def _read_group_select(self, aggregate_spec, query):
        """A group's margin percentage is its total margin over its total
        revenue, not the average of the dossiers' percentages."""
        if aggregate_spec == "margin_percent:avg":
            margin = super()._read_group_select("margin:sum", query)
            revenue = super()._read_group_select("amount_invoiced:sum", query)
            return SQL(
                "CASE WHEN %s <> 0 THEN ROUND((100.0 * %s / %s)::numeric, 1) "
                "ELSE 0 END",
                revenue,
                margin,
                revenue,
            )
        return super()._read_group_select(aggregate_spec, query)

    # computes

    @api.depends("state", "current_calculation_id.state", "invoiced_calculation_id")
    def _compute_can_create_invoices(self):
        for dossier in self:
            calculation = dossier.current_calculation_id
            if dossier.state == "total_loss":
                dossier.can_create_invoices = bool(
                    calculation and not dossier.invoiced_calculation_id
                )
                continue
            dossier.can_create_invoices = bool(
                dossier.state in ("approved", "repair", "ready", "delivered")
                and calculation.state == "approved"
                and calculation != dossier.invoiced_calculation_id
                and (
                    calculation.calc_type == "final" or dossier.invoiced_calculation_id
                )
            )

    def _margin_calculation(self):
        """The version the margin counts: the invoiced one, else the approved."""
        self.ensure_one()
        return self.invoiced_calculation_id or self._approved_calculation()

    @api.depends(
        "invoice_ids.state",
        "invoice_ids.amount_untaxed_signed",
        "purchase_order_ids.state",
        "purchase_order_ids.order_line.price_subtotal",
        "purchase_order_ids.order_line.bodyshop_calculation_line_id",
        "purchase_order_ids.order_line.invoice_lines.parent_state",
        "purchase_order_ids.order_line.invoice_lines.balance",
        "invoiced_calculation_id",
        "calculation_ids.state",
        "calculation_ids.labour_units",
        "calculation_ids.amount_paint_material",
        "state",
    )
    def _compute_margin(self):
        for dossier in self:
            currency = dossier.currency_id
            company = dossier.company_id
            revenue = sum(
                dossier.invoice_ids.filtered(
                    lambda m: (
                        m.state == "posted"
                        and m.move_type in ("out_invoice", "out_refund")
                    )
                ).mapped("amount_untaxed_signed")
            )
            parts = sublet = 0.0
            purchase_lines = dossier.purchase_order_ids.filtered(
                lambda po: po.state in ("purchase", "done")
            ).order_line.filtered(lambda pol: not pol.display_type)
            for line in purchase_lines:
                bill_lines = line.invoice_lines.filtered(
                    lambda aml: aml.parent_state == "posted"
                )
                if bill_lines:
                    amount = sum(bill_lines.mapped("balance"))
                else:
                    amount = line.currency_id._convert(
                        line.price_subtotal,
                        currency,
                        company,
                        line.order_id.date_approve
                        or fields.Date.context_today(dossier),
                    )
                if line._bodyshop_is_sublet():
                    sublet += amount
                else:
                    parts += amount
            calculation = dossier._margin_calculation()
            labour = paint = 0.0
            # A total loss was not repaired: no labour or paint was spent.
            if calculation and dossier.state != "total_loss":
                per_hour = calculation.units_per_hour or 10.0
                for line in calculation.line_ids.filtered(
                    lambda li: not li.display_type and li.line_type == "labour"
                ):
                    labour += (
                        line.labour_units
                        / per_hour
                        * company._bodyshop_labour_cost_rate(line.labour_type)
                    )
                paint = (
                    calculation.amount_paint_material
                    * company.bodyshop_paint_cost_pct
                    / 100
                )
            sold_bought_in = (
                calculation.amount_parts + calculation.amount_sublet
                if calculation
                else 0.0
            )
            dossier.cost_incomplete = bool(
                currency.compare_amounts(sold_bought_in, 0) > 0
                and currency.is_zero(parts + sublet)
            )
            dossier.amount_invoiced = currency.round(revenue)
            dossier.cost_parts = currency.round(parts)
            dossier.cost_sublet = currency.round(sublet)
            dossier.cost_labour = currency.round(labour)
            dossier.cost_paint = currency.round(paint)
            dossier.margin = currency.round(revenue - parts - sublet - labour - paint)
            dossier.margin_percent = (
                dossier.margin / revenue * 100
                if currency.compare_amounts(revenue, 0)
                else 0.0
            )

    @api.depends(
        "repair_start",
        "repair_end",
        "calculation_ids.calc_type",
        "calculation_ids.state",
    )
    def _compute_kpis(self):
        for dossier in self:
            if dossier.repair_start and dossier.repair_end:
                delta = dossier.repair_end - dossier.repair_start
                dossier.repair_cycle_days = round(delta.total_seconds() / 86400, 1)
            else:
                dossier.repair_cycle_days = 0.0
            dossier.has_supplement = any(
                calc.calc_type == "supplement" and calc.state != "draft"
                for calc in dossier.calculation_ids
            )

    # delivery

    def action_deliver(self):
        """Open the delivery wizard: final inspection, hand-over."""
        self.ensure_one()
        self._check_can_deliver()
        return {
            "type": "ir.actions.act_window",
            "name": _("Deliver the Car"),
            "res_model": "bodyshop.delivery.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_dossier_id": self.id},
        }

    def _check_can_deliver(self):
        for dossier in self:
            if dossier.state != "ready":
                raise UserError(
                    _(
                        "Dossier %(name)s is %(state)s: only a car that is ready "
                        "for pickup can be delivered.",
                        name=dossier.name,
                        state=dossier._state_label(),
                    )
                )

    def _do_deliver(self, delivery, checks, courtesy_return=None):
        """Hand the car over: the final inspection ``checks`` (values of
        bodyshop.dossier.checklist), the ``delivery`` details (date, inspector,
        odometer, handed to, signature, note) and, when a courtesy car is
        still out, its return (``courtesy_return``: the values of
        bodyshop.courtesy.booking._return)."""
        self.ensure_one()
        booking = self.courtesy_booking_ids.filtered(lambda b: b.state == "out")[:1]
        if booking:
            if not courtesy_return:
                raise ValidationError(
                    _(
                        "Courtesy car %(car)s is still out: record its return "
                        "(odometer and fuel level) before the car is delivered.",
                        car=booking.vehicle_id.display_name,
                    )
                )
            booking._return(**courtesy_return)
        self._write_workflow(
            {
                "state": "delivered",
                "delivery_date": delivery["date"],
                "delivery_user_id": self.env.user.id,
                "delivery_inspected_by": delivery["inspected_by"],
                "delivery_odometer": delivery["odometer"],
                "delivered_to": delivery["handed_to"],
                "delivery_signature": delivery.get("signature") or False,
                "delivery_note": delivery.get("note") or False,
                "checklist_line_ids": [Command.create(check) for check in checks],
            }
        )
        self._message_log(
            body=_(
                "Car delivered to %(person)s (final inspection by %(inspector)s).",
                person=delivery["handed_to"],
                inspector=delivery["inspected_by"],
            )
        )
        self._update_invoiced_state()

    def action_print_delivery_note(self):
        return self.env.ref("bodyshop.action_report_delivery_note").report_action(self)

    # invoicing

    def action_create_invoices(self):
        """Invoice the paying party and the customer from the approved final
        calculation (or a later approved supplement), as MODEL.md splits it."""
        self.ensure_one()
        # One invoicing per dossier at a time: a second request waits here,
        # then finds the dossier invoiced.
        self.env.cr.execute(
            SQL("SELECT id FROM bodyshop_dossier WHERE id = %s FOR UPDATE", self.id)
        )
        self.invalidate_recordset(["invoiced_calculation_id", "state"])
        calculation, previous = self._check_can_invoice()
        invoices_vals = self.with_company(self.company_id)._prepare_invoices(
            calculation, previous
        )
        if not invoices_vals:
            raise UserError(
                _("%(name)s has nothing to invoice.", name=calculation.name)
            )
        invoices = self.env["account.move"].create(invoices_vals)
        self._write_workflow({"invoiced_calculation_id": calculation.id})
        if self.company_id.bodyshop_invoice_post:
            invoices.action_post()
        self._message_log(
            body=_(
                "Invoices made from %(calculation)s: %(invoices)s.",
                calculation=calculation.name,
                invoices=", ".join(
                    f"{move.partner_id.display_name} "
                    + formatLang(
                        self.env, move.amount_total, currency_obj=move.currency_id
                    )
                    for move in invoices
                ),
            )
        )
        return self.action_open_invoices()

    def _prepare_invoices(self, calculation, previous):
        """The invoices' values: a total loss to the paying party; a
        supplement after the final calculation as the difference; else the
        whole calculation, split as MODEL.md says."""
        if self.state == "total_loss":
            lines = self._total_loss_invoice_lines(calculation)
            return [self._invoice_vals(calculation, "payer", self.payer_id, lines)]
        if previous:
            payer_lines, customer_lines, untaxed = self._supplement_invoice_lines(
                calculation, previous
            )
            deductible = 0.0
        else:
            payer_lines, customer_lines = self._calculation_invoice_lines(calculation)
            untaxed = calculation.amount_payer_untaxed
            deductible = self.deductible_amount
        return self._split_invoices(
            calculation, payer_lines, customer_lines, untaxed, deductible
        )

    def _check_can_invoice(self):
        """The calculation to invoice, and the version invoiced before it (for a
        supplement after the final calculation)."""
        self.ensure_one()
        if self.state == "invoiced":
            raise UserError(
                _(
                    "Dossier %(name)s has been invoiced already (see its "
                    "invoices); a late addition is a new supplement.",
                    name=self.name,
                )
            )
        if self.state == "total_loss":
            return self._check_can_invoice_total_loss(), False
        if self.state not in ("approved", "repair", "ready", "delivered"):
            raise UserError(
                _(
                    "Dossier %(name)s is %(state)s: invoices are made from the "
                    "approval up to the delivery.",
                    name=self.name,
                    state=self._state_label(),
                )
            )
        calculation = self.current_calculation_id
        previous = self.invoiced_calculation_id
        if calculation and calculation == previous:
            raise UserError(
                _(
                    "%(name)s has been invoiced already; a late addition is a new "
                    "supplement, invoiced once it is approved.",
                    name=calculation.name,
                )
            )
        if not calculation or calculation.state != "approved":
            raise UserError(
                _(
                    "Dossier %(name)s: the latest calculation must be approved "
                    "before it is invoiced.",
                    name=self.name,
                )
            )
        if not previous and calculation.calc_type != "final":
            raise UserError(
                _(
                    "Dossier %(name)s: invoices are made from the approved final "
                    "calculation; make the final calculation first.",
                    name=self.name,
                )
            )
        return calculation, previous

    def _check_can_invoice_total_loss(self):
        """A total loss is invoiced once, from its latest calculation."""
        calculation = self.current_calculation_id
        if self.invoiced_calculation_id:
            raise UserError(
                _(
                    "Total loss %(name)s has been invoiced already (see its invoices).",
                    name=self.name,
                )
            )
        if not calculation:
            raise UserError(
                _(
                    "Total loss %(name)s has no calculation: there is no "
                    "estimating fee to invoice.",
                    name=self.name,
                )
            )
        return calculation

    def _storage_days(self):
        """Calendar days the car stood at the shop, from the day it came in up
        to the invoice (both counted)."""
        self.ensure_one()
        came_in = (self.checkin_date or self.intake_date).date()
        today = fields.Date.context_today(self)
        return max((today - came_in).days + 1, 1)

    def _total_loss_invoice_lines(self, calculation):
        """The estimating fee (begrotingskosten), the storage days
        (stallingskosten) and the towing and other costs of ``calculation``:
        what the paying party owes for a car that is not repaired. No
        deductible."""
        agreement = self.agreement_id
        taxes = self.company_id.account_sale_tax_id
        units = max(agreement.estimating_fee_units, 12.0) if agreement else 12.0
        per_hour = agreement.units_per_hour or 10.0
        lines = [
            self._generated_line_vals(
                "estimating_fee",
                self.estimating_fee_amount,
                _(
                    "Estimating fee: %(units)s AE at the body work rate",
                    units=formatLang(self.env, units, digits=1),
                ),
            )
        ]
        if (
            agreement.rate_body
            and self.currency_id.compare_amounts(
                units / per_hour * agreement.rate_body, self.estimating_fee_amount
            )
            == 0
        ):
            lines[0].update(quantity=units / per_hour, price_unit=agreement.rate_body)
        if agreement.storage_day_rate:
            days = self._storage_days()
            lines.append(
                {
                    "product_id": self._invoice_product("storage").id,
                    "name": _(
                        "Storage: %(days)s days from %(date)s",
                        days=days,
                        date=format_date(
                            self.env, (self.checkin_date or self.intake_date).date()
                        ),
                    ),
                    "quantity": days,
                    "price_unit": agreement.storage_day_rate,
                    "tax_ids": [Command.set(taxes.ids)],
                }
            )
        for line in calculation.line_ids.filtered(
            lambda li: (
                not li.display_type and li.line_type == "other" and not li.customer_paid
            )
        ):
            lines.append(self._invoice_line_vals(line))
        return lines

    def _invoice_product(self, kind):
        return self.env.ref(INVOICE_PRODUCTS[kind])

    def _invoice_line_vals(self, line, name=None, quantity=None, price=None):
        """Invoice line values for calculation line ``line``: its product (or
        the line type's), its taxes, exactly its amount."""
        if quantity is None:
            quantity, price, discount = line._invoice_quantities()
        else:
            discount = 0.0
        product = line.product_id if line.product_id.sale_ok else False
        product = product or self._invoice_product(line.line_type)
        label = name or line.name
        if line.line_type == "part" and line.part_number and not name:
            label = f"[{line.part_number}] {label}"
        return {
            "product_id": product.id,
            "name": label,
            "quantity": quantity,
            "price_unit": price,
            "discount": discount,
            "tax_ids": [Command.set(line.tax_ids.ids)],
        }

    def _generated_line_vals(self, kind, amount, name):
        return {
            "product_id": self._invoice_product(kind).id,
            "name": name,
            "quantity": 1.0,
            "price_unit": amount,
            "tax_ids": [Command.set(self.company_id.account_sale_tax_id.ids)],
        }

    def _generated_amounts(self, calculation):
        """Paint material and small parts computed by the calculation (not
        entered as lines)."""
        lines = calculation.line_ids.filtered(lambda li: not li.display_type)

        def manual(line_type):
            return sum(
                lines.filtered(lambda li: li.line_type == line_type).mapped(
                    "price_subtotal"
                )
            )

        currency = calculation.currency_id
        return {
            "paint_material": currency.round(
                calculation.amount_paint_material - manual("paint_material")
            ),
            "small_parts": currency.round(
                calculation.amount_small_parts - manual("small_parts")
            ),
        }

    def _calculation_invoice_lines(self, calculation):
        """(paying party's lines, customer-paid lines) of a whole calculation."""
        lines = calculation.line_ids.filtered(lambda li: not li.display_type)
        payer = [
            self._invoice_line_vals(line)
            for line in lines.filtered(lambda li: not li.customer_paid)
        ]
        generated = self._generated_amounts(calculation)
        for kind, label in (
            ("paint_material", _("Paint material")),
            ("small_parts", _("Small parts")),
        ):
            if not calculation.currency_id.is_zero(generated[kind]):
                payer.append(self._generated_line_vals(kind, generated[kind], label))
        customer = [
            self._invoice_line_vals(line)
            for line in lines.filtered(lambda li: li.customer_paid)
        ]
        return payer, customer

    def _supplement_invoice_lines(self, calculation, previous):
        """The difference between an approved supplement and the version that
        was invoiced: (payer lines, customer lines, payer untaxed amount)."""
        diff = calculation._get_difference(previous)
        currency = calculation.currency_id
        payer, customer = [], []
        for line in diff["added"]:
            (customer if line.customer_paid else payer).append(
                self._invoice_line_vals(line)
            )
        for line in diff["removed"]:
            (customer if line.customer_paid else payer).append(
                self._invoice_line_vals(
                    line,
                    name=_("Removed: %(line)s", line=line.name),
                    quantity=1.0,
                    price=-line.price_subtotal,
                )
            )
        for old, new in diff["changed"]:
            delta = currency.round(new.price_subtotal - old.price_subtotal)
            if currency.is_zero(delta):
                continue
            (customer if new.customer_paid else payer).append(
                self._invoice_line_vals(
                    new,
                    name=_("Changed: %(line)s", line=new.name),
                    quantity=1.0,
                    price=delta,
                )
            )
        before = self._generated_amounts(previous)
        after = self._generated_amounts(calculation)
        for kind, label in (
            ("paint_material", _("Paint material (difference)")),
            ("small_parts", _("Small parts (difference)")),
        ):
            delta = currency.round(after[kind] - before[kind])
            if not currency.is_zero(delta):
                payer.append(self._generated_line_vals(kind, delta, label))
        untaxed = currency.round(
            calculation.amount_payer_untaxed - previous.amount_payer_untaxed
        )
        if currency.compare_amounts(untaxed, 0) < 0 or (
            customer
            and currency.compare_amounts(
                calculation.amount_customer_paid, previous.amount_customer_paid
            )
            < 0
        ):
            raise UserError(
                _(
                    "%(name)s lowers the amount invoiced before: make a credit "
                    "note on the earlier invoice instead.",
                    name=calculation.name,
                )
            )
        return payer, customer, untaxed

    def _deductible_tax(self):
        """The sales tax of the deductible, VAT included in the price: the
        customer pays exactly the deductible."""
        tax = self.company_id.account_sale_tax_id
        if not tax or tax.price_include:
            return tax
        Tax = self.env["account.tax"].sudo()
        twin = Tax.search(
            [
                ("company_id", "=", self.company_id.id),
                ("type_tax_use", "=", "sale"),
                ("amount_type", "=", tax.amount_type),
                ("amount", "=", tax.amount),
                ("tax_group_id", "=", tax.tax_group_id.id),
                ("price_include_override", "=", "tax_included"),
            ],
            limit=1,
        )
        if not twin:
            twin = tax.sudo().copy(
                {
                    "name": _("%(tax)s (incl.)", tax=tax.name),
                    "price_include_override": "tax_included",
                }
            )
        return twin.sudo(False)

    def _split_invoices(
        self, calculation, payer_lines, customer_lines, untaxed, deductible
    ):
        """Invoice values for the paying party and the customer (MODEL.md):
        private; payer with deductible line; or, for a VAT-registered customer,
        the VAT and the deductible to the customer and the rest untaxed to the
        payer."""
        currency = calculation.currency_id
        invoices = []
        if self.payer_type == "private":
            invoices.append(
                ("customer", self.customer_id, payer_lines + customer_lines)
            )
        elif not self.customer_vat_liable:
            if currency.compare_amounts(deductible, 0) > 0:
                total = calculation.amount_payer
                if currency.compare_amounts(deductible, total) > 0:
                    raise UserError(
                        _(
                            "Deductible: %(deductible)s is more than the paying "
                            "party's total of %(total)s.",
                            deductible=formatLang(
                                self.env, deductible, currency_obj=currency
                            ),
                            total=formatLang(self.env, total, currency_obj=currency),
                        )
                    )
                tax = self._deductible_tax()
                label = _(
                    "Deductible (eigen risico) of %(amount)s, VAT included, "
                    "claim %(claim)s",
                    amount=formatLang(self.env, deductible, currency_obj=currency),
                    claim=self.claim_number or self.name,
                )
                payer_lines = payer_lines + [
                    {
                        "product_id": self._invoice_product("deductible").id,
                        "name": _(
                            "%(label)s paid by %(customer)s",
                            label=label,
                            customer=self.customer_id.display_name,
                        ),
                        "quantity": 1.0,
                        "price_unit": -deductible,
                        "tax_ids": [Command.set(tax.ids)],
                    }
                ]
                customer_lines = [
                    {
                        "product_id": self._invoice_product("deductible").id,
                        "name": label,
                        "quantity": 1.0,
                        "price_unit": deductible,
                        "tax_ids": [Command.set(tax.ids)],
                    }
                ] + customer_lines
            if payer_lines:
                invoices.append(("payer", self.payer_id, payer_lines))
            if customer_lines:
                invoices.append(("customer", self.customer_id, customer_lines))
        else:
            share = currency.round(untaxed - deductible)
            if currency.compare_amounts(share, 0) < 0:
                raise UserError(
                    _(
                        "Deductible: %(deductible)s is more than the amount "
                        "excluding VAT of %(total)s.",
                        deductible=formatLang(
                            self.env, deductible, currency_obj=currency
                        ),
                        total=formatLang(self.env, untaxed, currency_obj=currency),
                    )
                )
            share_label = _(
                "Paid by %(payer)s: repair excluding VAT less the deductible "
                "(claim %(claim)s)",
                payer=self.payer_id.display_name,
                claim=self.claim_number or self.name,
            )
            share_line = {
                "product_id": self._invoice_product("payer_share").id,
                "name": share_label,
                "quantity": 1.0,
                "tax_ids": [Command.clear()],
            }
            if payer_lines:
                customer_lines = (
                    payer_lines + [dict(share_line, price_unit=-share)] + customer_lines
                )
                invoices.append(
                    ("payer", self.payer_id, [dict(share_line, price_unit=share)])
                )
            if customer_lines:
                invoices.append(("customer", self.customer_id, customer_lines))
        return [
            self._invoice_vals(calculation, role, partner, lines)
            for role, partner, lines in invoices
        ]

    def _invoice_vals(self, calculation, role, partner, lines):
        vals = {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "company_id": self.company_id.id,
            "invoice_user_id": self.user_id.id,
            "invoice_origin": calculation.name,
            "ref": self.claim_number or self.name,
            "bodyshop_dossier_id": self.id,
            "bodyshop_calculation_id": calculation.id,
            "bodyshop_invoice_role": role,
            "invoice_line_ids": [Command.create(line_vals) for line_vals in lines],
        }
        # The paying party pays as agreed; the customer as he always does
        # (his own payment terms, from the partner).
        if role == "payer" and self.agreement_id.payment_term_id:
            vals["invoice_payment_term_id"] = self.agreement_id.payment_term_id.id
        return vals

    def _update_invoiced_state(self):
        """A delivered dossier whose invoices are all posted is invoiced."""
        for dossier in self.filtered(lambda d: d.state == "delivered"):
            invoices = dossier.invoice_ids.filtered(
                lambda m: m.move_type == "out_invoice" and m.state != "cancel"
            )
            if (
                dossier.invoiced_calculation_id
                and dossier.invoiced_calculation_id == dossier.current_calculation_id
                and invoices
                and all(move.state == "posted" for move in invoices)
            ):
                dossier._write_workflow({"state": "invoiced"})
