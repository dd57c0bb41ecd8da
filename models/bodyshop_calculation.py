from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

from .bodyshop_agreement import CALCULATION_PARAMETERS
from .bodyshop_calculation_line import ADAS_COMPONENTS

CALC_TYPES = [
    ("estimate", "Estimate"),
    ("supplement", "Supplement"),
    ("final", "Final Calculation"),
]
CALC_STATES = [
    ("draft", "Draft"),
    ("sent", "Sent"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("superseded", "Superseded"),
]
LOCKED_STATES = ("sent", "approved", "rejected", "superseded")
# What may still change on a locked version, besides its state (which only the
# workflow writes).
MAIL_FIELDS = {"message_main_attachment_id", "activity_ids", "message_follower_ids"}


class BodyshopCalculation(models.Model):
    _name = "bodyshop.calculation"
    _description = "Calculation"
    _inherit = [
        "bodyshop.calculation.parameters",
        "mail.thread",
        "mail.activity.mixin",
        "bodyshop.guard.mixin",
    ]
    _order = "dossier_id, version desc"
    _check_company_auto = True
    # MODEL.md, "Fields the workflow owns" (the version is computed).
    _bodyshop_workflow_fields = ("state", "previous_id")
    # What may still change on a locked version besides MAIL_FIELDS and its
    # state; extended by the portal (the customer's OK of the extra work, a
    # workflow-owned field written on a sent version).
    _bodyshop_unlocked_fields = frozenset(MAIL_FIELDS)

    name = fields.Char(compute="_compute_name", store=True)
    dossier_id = fields.Many2one(
        comodel_name="bodyshop.dossier",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="dossier_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="dossier_id.currency_id")
    payer_id = fields.Many2one(related="dossier_id.payer_id")
    version = fields.Integer(
        compute="_compute_version",
        store=True,
        precompute=True,
        readonly=True,
        copy=False,
    )
    calc_type = fields.Selection(
        selection=CALC_TYPES,
        string="Type",
        default="estimate",
        required=True,
        tracking=True,
    )
    state = fields.Selection(
        selection=CALC_STATES,
        default="draft",
        required=True,
        copy=False,
        tracking=True,
        index=True,
    )
    previous_id = fields.Many2one(
        comodel_name="bodyshop.calculation",
        string="Previous Version",
        copy=False,
        readonly=True,
    )
    validity_date = fields.Date(
        string="Valid Until",
        default=lambda self: fields.Date.add(fields.Date.context_today(self), days=30),
    )
    line_ids = fields.One2many(
        comodel_name="bodyshop.calculation.line",
        inverse_name="calculation_id",
        string="Lines",
        copy=True,
    )
    approval_ids = fields.One2many(
        comodel_name="bodyshop.approval",
        inverse_name="calculation_id",
        string="Approvals",
    )
    note = fields.Html(string="Terms and Notes")

    labour_units = fields.Float(
        string="Labour Units (AE)", compute="_compute_amounts", store=True
    )
    amount_labour = fields.Monetary(
        string="Labour", compute="_compute_amounts", store=True
    )
    amount_paint_material = fields.Monetary(
        string="Paint Material", compute="_compute_amounts", store=True
    )
    amount_parts = fields.Monetary(
        string="Parts", compute="_compute_amounts", store=True
    )
    amount_small_parts = fields.Monetary(
        string="Small Parts", compute="_compute_amounts", store=True
    )
    amount_sublet = fields.Monetary(
        string="Sublet Work", compute="_compute_amounts", store=True
    )
    amount_other = fields.Monetary(
        string="Other Costs", compute="_compute_amounts", store=True
    )
    amount_paint_material_generated = fields.Monetary(
        string="Computed Paint Material",
        compute="_compute_amounts",
        store=True,
        help="The paint material the parameters compute (lines of that kind "
        "come on top).",
    )
    amount_small_parts_generated = fields.Monetary(
        string="Computed Small Parts",
        compute="_compute_amounts",
        store=True,
        help="The small parts the parameters compute (lines of that kind come on top).",
    )
    tax_totals = fields.Binary(compute="_compute_tax_totals", exportable=False)
    amount_untaxed = fields.Monetary(
        string="Untaxed Amount", compute="_compute_amounts", store=True, tracking=True
    )
    amount_tax = fields.Monetary(string="VAT", compute="_compute_amounts", store=True)
    amount_total = fields.Monetary(
        string="Total", compute="_compute_amounts", store=True, tracking=True
    )
    amount_payer = fields.Monetary(
        string="Paying Party's Amount",
        compute="_compute_amounts",
        store=True,
        help="What the paying party approves: every line except the extra "
        "work the customer pays himself, VAT included.",
    )
    amount_payer_untaxed = fields.Monetary(
        string="Paying Party's Untaxed Amount",
        compute="_compute_amounts",
        store=True,
    )
    amount_payer_tax = fields.Monetary(
        string="Paying Party's VAT",
        compute="_compute_amounts",
        store=True,
    )
    amount_customer_paid = fields.Monetary(
        string="Extra Work (customer)",
        compute="_compute_amounts",
        store=True,
        help="Meerwerk: lines the customer pays himself, VAT included.",
    )
    difference_html = fields.Html(
        string="Changes from the Previous Version",
        compute="_compute_difference_html",
        sanitize=False,
    )
    is_locked = fields.Boolean(compute="_compute_is_locked")
    is_latest = fields.Boolean(
        string="Latest Version",
        compute="_compute_is_latest",
        store=True,
        index=True,
    )
    adas_missing = fields.Char(
        string="ADAS Calibration Missing",
        compute="_compute_adas_missing",
        help="Components whose sensor must be recalibrated after this repair and "
        "for which the calculation has no calibration line.",
    )
    dossier_total_loss_suggested = fields.Boolean(
        related="dossier_id.total_loss_suggested"
    )

    _sql_constraints = [
        (
            "dossier_version_uniq",
            "unique(dossier_id, version)",
            "A dossier has one calculation per version number.",
        ),
    ]

    @api.depends()
    def _compute_version(self):
        """The next number of the dossier's versions, given at creation."""
        new = self
        dossiers = new.dossier_id
        last = {
            dossier.id: version
            for dossier, version in self.env["bodyshop.calculation"]
            .with_context(active_test=False)
            .sudo()
            ._read_group(
                [("dossier_id", "in", dossiers.ids)], ["dossier_id"], ["version:max"]
            )
        }
        for calc in new:
            dossier_id = calc.dossier_id.id
            last[dossier_id] = (last.get(dossier_id) or 0) + 1
            calc.version = last[dossier_id]

    @api.depends("dossier_id.name", "version")
    def _compute_name(self):
        for calc in self:
            calc.name = f"{calc.dossier_id.name or ''} v{calc.version}"

    @api.depends("dossier_id.current_calculation_id")
    def _compute_is_latest(self):
        for calc in self:
            calc.is_latest = calc.dossier_id.current_calculation_id == calc

    @api.depends(
        "line_ids.adas_component", "line_ids.operation", "line_ids.display_type"
    )
    def _compute_adas_missing(self):
        labels = self._adas_labels()
        for calc in self:
            missing = calc._adas_missing_components()
            calc.adas_missing = ", ".join(labels[c] for c in missing) or False

    def _adas_labels(self):
        """ADAS component labels in the user's language."""
        return dict(
            self.env["bodyshop.calculation.line"]
            ._fields["adas_component"]
            ._description_selection(self.env)
        )

    def _adas_missing_components(self):
        """ADAS components disturbed by a line and not calibrated by another."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda li: not li.display_type)
        triggered = {li.adas_component for li in lines if li._adas_triggers()}
        calibrated = {li.adas_component for li in lines if li.operation == "calibrate"}
        order = [key for key, _label in ADAS_COMPONENTS]
        return sorted(triggered - calibrated, key=order.index)

    def action_add_adas_calibration(self):
        """Propose a calibration sublet line for each disturbed ADAS sensor."""
        self.ensure_one()
        self._check_editable()
        missing = self._adas_missing_components()
        if not missing:
            raise UserError(
                _("%(name)s needs no further ADAS calibration.", name=self.name)
            )
        product = self.env.ref("bodyshop.product_product_adas_calibration")
        labels = self._adas_labels()
        taxes = (
            product.taxes_id._filter_taxes_by_company(self.company_id)
            or self.company_id.account_sale_tax_id
        )
        sequence = max(self.line_ids.mapped("sequence"), default=10) + 1
        self.env["bodyshop.calculation.line"].create(
            [
                {
                    "calculation_id": self.id,
                    "sequence": sequence,
                    "line_type": "sublet",
                    "operation": "calibrate",
                    "adas_component": component,
                    "product_id": product.id,
                    "name": _(
                        "ADAS calibration: %(component)s", component=labels[component]
                    ),
                    "quantity": 1.0,
                    "price_unit": product.lst_price,
                    "tax_ids": [fields.Command.set(taxes.ids)],
                    "vendor_id": product._select_seller().partner_id.id,
                }
                for component in missing
            ]
        )
        return True

    @api.depends("state")
    def _compute_is_locked(self):
        for calc in self:
            calc.is_locked = calc.state in LOCKED_STATES

    @api.depends(
        "line_ids.price_subtotal",
        "line_ids.tax_ids",
        "line_ids.customer_paid",
        "line_ids.display_type",
        "line_ids.line_type",
        "line_ids.labour_type",
        "line_ids.labour_units",
        *CALCULATION_PARAMETERS,
    )
    def _compute_amounts(self):
        for calc in self:
            totals = calc._get_totals()
            for name, value in totals.items():
                calc[name] = value

    def _generated_amounts(self):
        """Paint material and small parts the calculation computes itself
        (lines of those kinds add to them), from the paying party's lines,
        rounded: {"paint_material": amount, "small_parts": amount}."""
        self.ensure_one()
        currency = self.currency_id or self.env.company.currency_id
        payer_lines = self.line_ids.filtered(
            lambda li: not li.display_type and not li.customer_paid
        )
        paint = payer_lines.filtered(
            lambda li: li.line_type == "labour" and li.labour_type == "paint"
        )
        labour = payer_lines.filtered(lambda li: li.line_type == "labour")
        parts = payer_lines.filtered(lambda li: li.line_type == "part")
        return {
            "paint_material": currency.round(
                self._paint_material(
                    sum(paint.mapped("price_subtotal")),
                    sum(paint.mapped("labour_units")),
                )
            ),
            "small_parts": currency.round(
                self._small_parts(
                    sum(parts.mapped("price_subtotal")),
                    sum(labour.mapped("price_subtotal")),
                )
            ),
        }

    def _prepare_base_lines(self, lines, generated):
        """Base lines for Odoo's tax engine: ``lines`` at their rounded
        amounts and the ``generated`` paint material and small parts at the
        company's sales tax."""
        AccountTax = self.env["account.tax"]
        currency = self.currency_id or self.env.company.currency_id
        base_lines = [line._prepare_base_line_for_taxes_computation() for line in lines]
        for kind, amount in generated.items():
            if amount:
                base_lines.append(
                    AccountTax._prepare_base_line_for_taxes_computation(
                        None,
                        id=f"generated_{kind}",
                        price_unit=amount,
                        quantity=1.0,
                        tax_ids=self.company_id.account_sale_tax_id,
                        currency_id=currency,
                        partner_id=self.payer_id,
                    )
                )
        AccountTax._add_tax_details_in_base_lines(base_lines, self.company_id)
        AccountTax._round_base_lines_tax_details(base_lines, self.company_id)
        return base_lines

    def _tax_totals(self, lines, generated):
        return self.env["account.tax"]._get_tax_totals_summary(
            base_lines=self._prepare_base_lines(lines, generated),
            currency=self.currency_id or self.env.company.currency_id,
            company=self.company_id,
        )

    def _get_totals(self):
        """Every total of the calculation, with Odoo's tax engine for VAT.

        Lines are rounded one by one (price_subtotal). Paint material and small
        parts are computed from the paying party's lines; the extra work the
        customer pays himself is priced as entered.
        """
        self.ensure_one()
        currency = self.currency_id or self.env.company.currency_id
        lines = self.line_ids.filtered(lambda li: not li.display_type)
        payer_lines = lines.filtered(lambda li: not li.customer_paid)
        generated = self._generated_amounts()

        def total(lines_, line_type):
            return sum(
                lines_.filtered(lambda li: li.line_type == line_type).mapped(
                    "price_subtotal"
                )
            )

        summary = self._tax_totals(lines, generated)
        untaxed = summary["base_amount_currency"]
        tax = summary["tax_amount_currency"]
        if payer_lines == lines:
            payer_untaxed, payer_tax = untaxed, tax
        else:
            payer_summary = self._tax_totals(payer_lines, generated)
            payer_untaxed = payer_summary["base_amount_currency"]
            payer_tax = payer_summary["tax_amount_currency"]
        amount_total = currency.round(untaxed + tax)
        amount_payer = currency.round(payer_untaxed + payer_tax)
        return {
            "labour_units": sum(
                lines.filtered(lambda li: li.line_type == "labour").mapped(
                    "labour_units"
                )
            ),
            "amount_labour": total(lines, "labour"),
            "amount_paint_material_generated": generated["paint_material"],
            "amount_small_parts_generated": generated["small_parts"],
            "amount_paint_material": generated["paint_material"]
            + total(lines, "paint_material"),
            "amount_parts": total(lines, "part"),
            "amount_small_parts": generated["small_parts"]
            + total(lines, "small_parts"),
            "amount_sublet": total(lines, "sublet"),
            "amount_other": total(lines, "other"),
            "amount_untaxed": untaxed,
            "amount_tax": tax,
            "amount_total": amount_total,
            "amount_payer": amount_payer,
            "amount_payer_untaxed": payer_untaxed,
            "amount_payer_tax": payer_tax,
            "amount_customer_paid": currency.round(amount_total - amount_payer),
        }

    @api.depends(
        "line_ids.price_subtotal",
        "line_ids.tax_ids",
        "line_ids.display_type",
        "line_ids.customer_paid",
        *CALCULATION_PARAMETERS,
    )
    def _compute_tax_totals(self):
        """VAT per rate, as a sale order shows it (every line, the extra
        work the customer pays included)."""
        for calc in self:
            calc.tax_totals = calc._tax_totals(
                calc.line_ids.filtered(lambda li: not li.display_type),
                calc._generated_amounts(),
            )

    def _paint_material(self, paint_labour, paint_units):
        self.ensure_one()
        method = self.paint_material_method
        if method == "percent_paint_labour":
            return self.paint_material_pct / 100 * paint_labour
        if method == "fixed":
            return self.paint_material_fixed if paint_units else 0.0
        if method == "azt_index":
            return (
                paint_units
                * self.paint_material_index
                / 100
                * (self.paint_material_unit_value)
            )
        return 0.0

    def _labour_summary(self):
        """The paying party's labour per labour type, as an estimating system
        prints it: AE, hours, hourly rate and amount."""
        self.ensure_one()
        lines = self.line_ids.filtered(
            lambda li: (
                not li.display_type
                and li.line_type == "labour"
                and not li.customer_paid
            )
        )
        labels = dict(lines._fields["labour_type"]._description_selection(self.env))
        summary = []
        for labour_type, label in labels.items():
            group = lines.filtered(lambda li, t=labour_type: li.labour_type == t)
            if not group:
                continue
            units = sum(group.mapped("labour_units"))
            summary.append(
                {
                    "label": label,
                    "units": units,
                    "hours": units / self.units_per_hour,
                    "rate": self._rate_for(labour_type),
                    "amount": sum(group.mapped("price_subtotal")),
                }
            )
        return summary

    def _generated_basis(self):
        """How the paint material and the small parts were computed, in the
        user's words: {"paint_material": text, "small_parts": text}."""
        self.ensure_one()
        currency = self.currency_id

        def money(amount):
            return formatLang(self.env, amount, currency_obj=currency)

        def number(value):
            return formatLang(self.env, value, digits=1)

        payer_lines = self.line_ids.filtered(
            lambda li: not li.display_type and not li.customer_paid
        )
        paint = payer_lines.filtered(
            lambda li: li.line_type == "labour" and li.labour_type == "paint"
        )
        basis = {"paint_material": False, "small_parts": False}
        method = self.paint_material_method
        if method == "percent_paint_labour" and self.paint_material_pct:
            basis["paint_material"] = _(
                "%(pct)s%% of paint labour %(base)s",
                pct=number(self.paint_material_pct),
                base=money(sum(paint.mapped("price_subtotal"))),
            )
        elif method == "fixed" and self.paint_material_fixed:
            basis["paint_material"] = _("fixed amount")
        elif method == "azt_index" and self.paint_material_index:
            basis["paint_material"] = _(
                "%(units)s AE paint x AZT index %(index)s / 100 x %(value)s",
                units=number(sum(paint.mapped("labour_units"))),
                index=number(self.paint_material_index),
                value=money(self.paint_material_unit_value),
            )
        if self.small_parts_pct:
            parts = sum(
                payer_lines.filtered(lambda li: li.line_type == "part").mapped(
                    "price_subtotal"
                )
            )
            labour = sum(
                payer_lines.filtered(lambda li: li.line_type == "labour").mapped(
                    "price_subtotal"
                )
            )
            base = {
                "parts": parts,
                "labour": labour,
                "parts_labour": parts + labour,
            }[self.small_parts_base or "parts"]
            base_label = dict(
                self._fields["small_parts_base"]._description_selection(self.env)
            )[self.small_parts_base or "parts"]
            text = _(
                "%(pct)s%% of %(base_label)s %(base)s",
                pct=number(self.small_parts_pct),
                base_label=base_label.lower(),
                base=money(base),
            )
            if self.small_parts_min or self.small_parts_max:
                text = _(
                    "%(text)s (at least %(min)s, at most %(max)s)",
                    text=text,
                    min=money(self.small_parts_min),
                    max=money(self.small_parts_max) if self.small_parts_max else "-",
                )
            basis["small_parts"] = text
        return basis

    def _small_parts(self, parts, labour):
        """min(max(pct x base, minimum), maximum); nothing without a base."""
        self.ensure_one()
        base = {
            "parts": parts,
            "labour": labour,
            "parts_labour": parts + labour,
        }[self.small_parts_base or "parts"]
        if not self.small_parts_pct or not base:
            return 0.0
        amount = max(self.small_parts_pct / 100 * base, self.small_parts_min)
        if self.small_parts_max:
            amount = min(amount, self.small_parts_max)
        return amount

    @api.depends(
        "previous_id",
        "line_ids.price_subtotal",
        "amount_total",
        "previous_id.amount_total",
    )
    def _compute_difference_html(self):
        for calc in self:
            calc.difference_html = (
                calc._difference_html() if calc.previous_id else False
            )

    def _get_difference(self, other=None):
        """Lines added, removed and changed against the previous version (or
        against ``other``, an earlier version)."""
        self.ensure_one()
        other = self.previous_id if other is None else other
        before = {}
        for line in other.line_ids.filtered(lambda li: not li.display_type):
            before.setdefault(line._diff_key(), line)
        added, changed, seen = [], [], set()
        for line in self.line_ids.filtered(lambda li: not li.display_type):
            key = line._diff_key()
            old = before.get(key)
            if not old or key in seen:
                added.append(line)
            elif old._diff_values() != line._diff_values():
                changed.append((old, line))
            seen.add(key)
        removed = [line for key, line in before.items() if key not in seen]
        return {"added": added, "removed": removed, "changed": changed}

    def _difference_html(self):
        self.ensure_one()
        diff = self._get_difference()
        env = self.env
        currency = self.currency_id

        def money(amount):
            return formatLang(env, amount, currency_obj=currency)

        rows = []
        for line in diff["added"]:
            rows.append((_("Added"), line.name, "", money(line.price_subtotal)))
        for line in diff["removed"]:
            rows.append((_("Removed"), line.name, money(line.price_subtotal), ""))
        for old, new in diff["changed"]:
            rows.append(
                (
                    _("Changed"),
                    new.name,
                    money(old.price_subtotal),
                    money(new.price_subtotal),
                )
            )
        body = Markup("").join(
            Markup(
                "<tr><td>%s</td><td>%s</td><td class='text-end'>%s</td>"
                "<td class='text-end'>%s</td></tr>"
            )
            % (escape(a), escape(b), c, d)
            for a, b, c, d in rows
        )
        if not rows:
            body = Markup("<tr><td colspan='4'>%s</td></tr>") % _("No line changed.")
        previous = self.previous_id
        return Markup(
            "<table class='table table-sm o_bodyshop_difference'><thead><tr>"
            "<th>%s</th><th>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th></tr></thead><tbody>%s</tbody>"
            "<tfoot>%s</tfoot></table>"
        ) % (
            _("Change"),
            _("Line"),
            _("Version %(version)s", version=previous.version),
            _("Version %(version)s", version=self.version),
            body,
            Markup("").join(
                Markup(
                    "<tr><th colspan='2'>%s</th><th class='text-end'>%s</th>"
                    "<th class='text-end'>%s</th></tr>"
                )
                % (label, money(previous[name]), money(self[name]))
                for name, label in (
                    ("amount_paint_material", _("Paint Material")),
                    ("amount_small_parts", _("Small Parts")),
                    ("amount_untaxed", _("Untaxed Amount")),
                    ("amount_tax", _("VAT")),
                    ("amount_total", _("Total")),
                    ("amount_payer", _("For the paying party")),
                )
            ),
        )

    # locking

    def _check_editable(self):
        locked = self.filtered(lambda calc: calc.state in LOCKED_STATES)
        if locked:
            raise UserError(
                _(
                    "Calculation %(name)s has been sent and is read-only. Make a "
                    "new version (supplement or final calculation) to change it.",
                    name=locked[0].name,
                )
            )

    def write(self, vals):
        self._bodyshop_check_input(vals)
        if set(vals) - self._bodyshop_unlocked_fields - {"state"}:
            self._check_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_locked(self):
        self._check_editable()

    @api.model_create_multi
    def create(self, vals_list):
        # Wild values are refused before this method reads them.
        for vals in vals_list:
            self._bodyshop_check_input(vals)
        dossiers = self.env["bodyshop.dossier"]
        for vals in vals_list:
            dossier = dossiers.browse(vals.get("dossier_id"))
            agreement = dossier.agreement_id
            if agreement:
                for name, value in agreement._parameter_values().items():
                    vals.setdefault(name, value)
        return super().create(vals_list)

    # actions

    def action_send(self):
        """Lock the version and ask the paying party for approval."""
        for calc in self:
            calc._check_can_send()
        for calc in self:
            calc._do_send()
        return True

    def action_send_mail(self):
        """Open the quote mail; sending it sends the calculation."""
        self.ensure_one()
        self._check_can_send()
        return self._action_mail_composer()

    def message_post(self, **kwargs):
        if self.env.context.get("bodyshop_mark_sent"):
            self.filtered(lambda calc: calc.state == "draft").action_send()
        return super().message_post(**kwargs)

    def _check_can_send(self):
        self.ensure_one()
        if self.state != "draft":
            raise UserError(
                _("Calculation %(name)s has already been sent.", name=self.name)
            )
        if not self.line_ids.filtered(lambda li: not li.display_type):
            raise UserError(
                _("Calculation %(name)s has no lines: nothing to send.", name=self.name)
            )
        if self.dossier_id.current_calculation_id != self:
            raise UserError(
                _(
                    "Only the latest version of the calculation can be sent "
                    "(%(name)s).",
                    name=self.name,
                )
            )
        if not self.dossier_id.payer_id:
            raise UserError(
                _("Dossier %(name)s has no paying party.", name=self.dossier_id.name)
            )

    def _do_send(self):
        self.ensure_one()
        self._write_workflow({"state": "sent"})
        approval = (
            self.env["bodyshop.approval"]
            .sudo()
            .create(
                {
                    "calculation_id": self.id,
                    "channel": "email",
                }
            )
            .sudo(False)
        )
        self.dossier_id._set_state_from_calculation("approval")
        if self.calc_type == "supplement" and self.dossier_id.state == "repair":
            self.dossier_id._notify_customer("supplement")
        self.message_post(
            body=_(
                "Sent to %(payer)s for approval (%(amount)s).",
                payer=self.payer_id.display_name,
                amount=formatLang(
                    self.env, self.amount_payer, currency_obj=self.currency_id
                ),
            ),
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )
        return approval

    def _action_mail_composer(self):
        return self._bodyshop_mail_composer(
            "bodyshop.mail_template_calculation",
            _("Send the Calculation to the Paying Party"),
            default_partner_ids=self.payer_id.ids,
            bodyshop_mark_sent=True,
        )

    def action_new_version(self, calc_type="supplement"):
        """Copy this version into a new draft of type ``calc_type``."""
        self.ensure_one()
        if calc_type not in ("supplement", "final"):
            raise UserError(_("A new version is a supplement or a final calculation."))
        dossier = self.dossier_id
        if dossier.current_calculation_id != self:
            raise UserError(
                _("Only the latest version can be copied (%(name)s).", name=self.name)
            )
        if self.state == "draft":
            raise UserError(
                _(
                    "Calculation %(name)s is still a draft: change it instead.",
                    name=self.name,
                )
            )
        self.check_access("write")
        new = (
            self.sudo()
            .with_context(bodyshop_copy_version=True)
            .copy(
                {
                    "calc_type": calc_type,
                    "previous_id": self.id,
                    "dossier_id": dossier.id,
                    "validity_date": fields.Date.add(
                        fields.Date.context_today(self), days=30
                    ),
                }
            )
            .sudo(False)
        )
        dossier._message_log(
            body=_(
                "%(name)s started from %(previous)s.", name=new.name, previous=self.name
            )
        )
        return new._get_form_action()

    def _get_form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_register_answer(self):
        """Open the response wizard on the pending approval request."""
        self.ensure_one()
        approval = self.approval_ids.filtered(lambda a: a.state == "pending")[:1]
        if not approval:
            raise UserError(
                _("%(name)s has no approval request waiting.", name=self.name)
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Register the Paying Party's Answer"),
            "res_model": "bodyshop.approval.response",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_approval_id": approval.id,
                "default_channel": approval.channel,
            },
        }

    def action_new_supplement(self):
        return self.action_new_version(calc_type="supplement")

    def action_new_final(self):
        return self.action_new_version(calc_type="final")

    def action_print(self):
        return self.env.ref("bodyshop.action_report_calculation").report_action(self)
