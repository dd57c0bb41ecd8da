from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import formatLang

STATES = [
    ("intake", "Intake"),
    ("calculation", "Calculation"),
    ("approval", "Waiting Approval"),
    ("approved", "Approved"),
    ("repair", "In Repair"),
    ("ready", "Ready for Pickup"),
    ("delivered", "Delivered"),
    ("invoiced", "Invoiced"),
    ("total_loss", "Total Loss"),
    ("cancelled", "Cancelled"),
]
# Paying parties offered for a payer type: companies of that type, or not yet
# typed (the first dossier they pay types them).
PAYER_DOMAIN = (
    "[('is_company', '=', True), ('bodyshop_payer_type', 'in', [payer_type, False])]"
)
# States in which a car occupies workshop capacity.
PLANNED_STATES = ("intake", "calculation", "approval", "approved", "repair")
CLOSED_STATES = ("delivered", "invoiced", "total_loss", "cancelled")
INTAKE_CHANNELS = [
    ("physical", "Physical (car at the counter)"),
    ("digital", "Digital"),
]
PAYER_TYPES = [
    ("insurer", "Insurer"),
    ("lease", "Lease Company"),
    ("fleet", "Fleet Owner"),
    ("private", "Customer (private)"),
]
COVERAGES = [
    ("wa", "Liability (WA)"),
    ("wa_plus", "Limited Cover (WA-plus)"),
    ("casco", "All-risk (casco)"),
    ("none", "None"),
]
DAMAGE_CAUSES = [
    ("collision", "Collision"),
    ("single_vehicle", "Single-vehicle Accident"),
    ("parking", "Parking Damage"),
    ("hail", "Hail"),
    ("storm", "Storm"),
    ("vandalism", "Vandalism"),
    ("theft", "Theft or Attempted Theft"),
    ("animal", "Animal"),
    ("fire", "Fire"),
    ("flood", "Flooding"),
    ("glass", "Glass Damage"),
    ("other", "Other"),
]


class BodyshopDossier(models.Model):
    _name = "bodyshop.dossier"
    _description = "Damage Dossier"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "portal.mixin",
        "bodyshop.ev.triage.mixin",
        "bodyshop.guard.mixin",
    ]
    _order = "intake_date desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "license_plate", "claim_number", "customer_id"]
    # MODEL.md, "Fields the workflow owns": written by the action_* workers
    # only (the stored money and KPI fields are computed, so theirs too). The
    # portal's access token is made by code only.
    _bodyshop_workflow_fields = (
        "state",
        "invoiced_calculation_id",
        "repair_start",
        "repair_end",
        "delivery_date",
        "checkin_date",
        "checkin_user_id",
        "checkin_odometer",
        "checkin_new_damage",
        "checkin_note",
        "delivery_user_id",
        "delivery_inspected_by",
        "delivery_odometer",
        "delivered_to",
        "delivery_signature",
        "delivery_note",
        "checklist_line_ids",
        "access_token",
    )

    name = fields.Char(
        string="Dossier",
        required=True,
        readonly=True,
        copy=False,
        default="New",
        index="trigram",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        related="company_id.currency_id",
    )
    company_country_id = fields.Many2one(related="company_id.country_id")
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Damage Manager",
        default=lambda self: self.env.user,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        tracking=True,
        index=True,
    )
    state = fields.Selection(
        selection=STATES,
        default="intake",
        required=True,
        copy=False,
        tracking=True,
        index=True,
        group_expand="_group_expand_states",
    )
    color = fields.Integer(string="Color Index")

    # intake
    intake_channel = fields.Selection(
        selection=INTAKE_CHANNELS,
        default="physical",
        required=True,
    )
    intake_date = fields.Datetime(
        default=fields.Datetime.now,
        required=True,
        copy=False,
    )
    customer_id = fields.Many2one(
        comodel_name="res.partner",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
        help="The user or owner of the vehicle.",
    )
    payer_type = fields.Selection(
        selection=PAYER_TYPES,
        string="Paying Party Type",
        default="insurer",
        required=True,
        tracking=True,
    )
    payer_id = fields.Many2one(
        comodel_name="res.partner",
        string="Paying Party",
        compute="_compute_payer_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        index=True,
        check_company=True,
        domain=PAYER_DOMAIN,
        help="Who approves and pays the repair: the insurer, lease company or "
        "fleet owner, or the customer himself.",
    )
    agreement_id = fields.Many2one(
        comodel_name="bodyshop.agreement",
        compute="_compute_agreement_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        help="The rates and rules agreed with the paying party; the company "
        "default when the payer has none.",
    )
    claim_number = fields.Char(tracking=True, index="btree_not_null")
    policy_number = fields.Char()
    coverage = fields.Selection(
        selection=COVERAGES,
    )
    deductible_amount = fields.Monetary(
        string="Deductible",
        tracking=True,
        help="Eigen risico: the part of the damage the customer pays himself.",
    )
    customer_vat_liable = fields.Boolean(
        string="Customer VAT-registered",
        help="The customer is VAT-registered and pays the VAT himself; the "
        "paying party pays the amount excluding VAT.",
    )

    # vehicle
    vehicle_id = fields.Many2one(
        comodel_name="fleet.vehicle",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
    )
    license_plate = fields.Char(
        related="vehicle_id.license_plate",
        store=True,
        index="trigram",
    )
    vin_sn = fields.Char(related="vehicle_id.vin_sn", string="VIN")
    vehicle_brand_id = fields.Many2one(related="vehicle_id.brand_id", string="Make")
    vehicle_model_id = fields.Many2one(related="vehicle_id.model_id", string="Model")
    odometer_intake = fields.Integer(string="Odometer at Intake (km)")

    # damage
    damage_date = fields.Date()
    damage_cause = fields.Selection(
        selection=DAMAGE_CAUSES,
    )
    damage_zone_ids = fields.Many2many(
        comodel_name="bodyshop.damage.zone",
        string="Damage Zones",
    )
    damage_description = fields.Text()
    customer_wishes = fields.Text(
        help="What the customer asked for, including extra work (meerwerk) he "
        "pays himself.",
    )

    # quick estimate and planning
    estimate_hours = fields.Float(string="Estimated Repair Hours", tracking=True)
    estimate_amount = fields.Monetary(string="Estimated Repair Cost", tracking=True)
    planned_start_date = fields.Date(tracking=True)
    planned_delivery_date = fields.Date(tracking=True)
    repair_start = fields.Datetime(copy=False, readonly=True)
    repair_end = fields.Datetime(copy=False, readonly=True)
    delivery_date = fields.Datetime(copy=False, readonly=True)
    key_to_key_days = fields.Integer(
        string="Key-to-key Days",
        compute="_compute_key_to_key_days",
        store=True,
        aggregator="avg",
        help="Calendar days from intake to delivery.",
    )
    delivery_overdue = fields.Boolean(
        compute="_compute_delivery_overdue",
        search="_search_delivery_overdue",
    )

    # EV safety (NEN 9140)
    is_electric = fields.Boolean(
        string="Electric or Hybrid",
        compute="_compute_is_electric",
        store=True,
        precompute=True,
        index=True,
    )
    # the triage fields come from bodyshop.ev.triage.mixin
    ev_risk_class = fields.Selection(tracking=True)
    ev_safe_declared_by = fields.Char(tracking=True)
    ev_safe_declared_on = fields.Datetime(tracking=True)
    ev_safe_declared = fields.Boolean(
        string="Voltage-free Declared",
        compute="_compute_ev_safe_declared",
    )
    ev_repair_blocked = fields.Boolean(
        string="Repair Blocked by EV Safety",
        compute="_compute_ev_safe_declared",
    )

    # expertise and total loss
    expert_required = fields.Boolean(
        compute="_compute_expert_required",
        store=True,
        help="The estimate exceeds the paying party's expert threshold "
        "(grensbedrag): an expert must inspect the damage.",
    )
    expert_id = fields.Many2one(
        comodel_name="res.partner",
        check_company=True,
    )
    expertise_date = fields.Date()
    expertise_reference = fields.Char()
    value_before_damage = fields.Monetary(
        help="Dagwaarde: the value of the vehicle just before the damage.",
    )
    salvage_value = fields.Monetary(
        help="Restwaarde: what the damaged vehicle is still worth.",
    )
    total_loss_suggested = fields.Boolean(
        string="Economic Total Loss",
        compute="_compute_total_loss_suggested",
        store=True,
        help="The repair costs more than the value before the damage minus the "
        "salvage value.",
    )

    expertise_report = fields.Binary(attachment=True, copy=False)
    expertise_report_name = fields.Char()
    estimating_fee_amount = fields.Monetary(
        string="Estimating Fee",
        compute="_compute_estimating_fee_amount",
        help="Begrotingskosten: charged to the owner when the car is not repaired "
        "after the calculation (the agreement's labour units, at least 12, at "
        "the body rate).",
    )

    # calculations
    calculation_ids = fields.One2many(
        comodel_name="bodyshop.calculation",
        inverse_name="dossier_id",
        string="Calculations",
    )
    calculation_count = fields.Integer(compute="_compute_calculation_count")
    current_calculation_id = fields.Many2one(
        comodel_name="bodyshop.calculation",
        compute="_compute_current_calculation_id",
        store=True,
    )
    approved_amount = fields.Monetary(
        compute="_compute_current_calculation_id",
        store=True,
        tracking=True,
    )
    current_calculation_state = fields.Selection(
        related="current_calculation_id.state", string="Calculation Status"
    )
    current_calculation_type = fields.Selection(
        related="current_calculation_id.calc_type", string="Calculation Type"
    )
    calculation_amount = fields.Monetary(
        string="Calculation Amount",
        related="current_calculation_id.amount_payer",
    )

    # links
    photo_ids = fields.One2many(
        comodel_name="ir.attachment",
        inverse_name="res_id",
        string="Photos",
        domain=[
            ("res_model", "=", "bodyshop.dossier"),
            ("bodyshop_photo_phase", "!=", False),
        ],
    )
    photo_count = fields.Integer(compute="_compute_photo_count")
    purchase_order_ids = fields.One2many(
        comodel_name="purchase.order",
        inverse_name="bodyshop_dossier_id",
        string="Purchase Orders",
    )
    purchase_order_count = fields.Integer(compute="_compute_purchase_order_count")
    invoice_ids = fields.One2many(
        comodel_name="account.move",
        inverse_name="bodyshop_dossier_id",
        string="Invoices",
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count")

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "The dossier number must be unique per company.",
        ),
    ]

    # computes

    def _group_expand_states(self, states, domain):
        """Kanban columns for every step of the process; the side exits (total
        loss, cancelled) only when dossiers are in them."""
        side_exits = {"total_loss", "cancelled"}
        return [key for key, _label in STATES if key not in side_exits or key in states]

    @api.depends("payer_type", "customer_id")
    def _compute_payer_id(self):
        for dossier in self:
            if dossier.payer_type == "private":
                dossier.payer_id = dossier.customer_id

    @api.depends("payer_id", "company_id")
    def _compute_agreement_id(self):
        found = self.env["bodyshop.agreement"]._find_for_dossiers(self)
        for dossier in self:
            dossier.agreement_id = found[dossier]

    @api.depends("calculation_ids.version", "calculation_ids.state")
    def _compute_current_calculation_id(self):
        for dossier in self:
            calculations = dossier.calculation_ids.sorted("version")
            dossier.current_calculation_id = calculations[-1:]
            approved = calculations.filtered(lambda c: c.state == "approved")[-1:]
            dossier.approved_amount = sum(
                approved.approval_ids.filtered(
                    lambda a: a.state in ("approved", "partial")
                ).mapped("approved_amount")
            )

    def _compute_calculation_count(self):
        counts = dict(
            self.env["bodyshop.calculation"]._read_group(
                [("dossier_id", "in", self.ids)], ["dossier_id"], ["__count"]
            )
        )
        for dossier in self:
            dossier.calculation_count = counts.get(dossier, 0)

    @api.depends("agreement_id.estimating_fee_units", "agreement_id.rate_body")
    def _compute_estimating_fee_amount(self):
        for dossier in self:
            agreement = dossier.agreement_id
            units = max(agreement.estimating_fee_units, 12.0) if agreement else 12.0
            per_hour = agreement.units_per_hour or 10.0
            dossier.estimating_fee_amount = dossier.currency_id.round(
                units / per_hour * agreement.rate_body
            )

    @api.depends("vehicle_id.bodyshop_is_electric")
    def _compute_is_electric(self):
        for dossier in self:
            dossier.is_electric = dossier.vehicle_id.bodyshop_is_electric

    @api.depends("intake_date", "delivery_date")
    def _compute_key_to_key_days(self):
        for dossier in self:
            if dossier.intake_date and dossier.delivery_date:
                delta = dossier.delivery_date.date() - dossier.intake_date.date()
                dossier.key_to_key_days = delta.days
            else:
                dossier.key_to_key_days = 0

    @api.depends("planned_delivery_date", "state")
    def _compute_delivery_overdue(self):
        today = fields.Date.context_today(self)
        for dossier in self:
            dossier.delivery_overdue = bool(
                dossier.planned_delivery_date
                and dossier.planned_delivery_date < today
                and dossier.state not in CLOSED_STATES
            )

    def _search_delivery_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on overdue delivery."))
        domain = [
            ("planned_delivery_date", "<", fields.Date.context_today(self)),
            ("state", "not in", CLOSED_STATES),
        ]
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

    @api.depends(
        "is_electric", "ev_risk_class", "ev_safe_declared_by", "ev_safe_declared_on"
    )
    def _compute_ev_safe_declared(self):
        for dossier in self:
            declared = bool(dossier.ev_safe_declared_by and dossier.ev_safe_declared_on)
            dossier.ev_safe_declared = declared
            dossier.ev_repair_blocked = (
                dossier.is_electric
                and dossier.ev_risk_class in ("amber", "red")
                and not declared
            )

    @api.depends(
        "estimate_amount",
        "current_calculation_id.amount_payer",
        "agreement_id.expert_threshold",
        "company_id.bodyshop_expert_threshold",
    )
    def _compute_expert_required(self):
        for dossier in self:
            threshold = dossier._get_expert_threshold()
            dossier.expert_required = bool(
                threshold
                and dossier.currency_id.compare_amounts(
                    dossier._repair_amount(), threshold
                )
                > 0
            )

    @api.depends(
        "estimate_amount",
        "current_calculation_id.amount_payer",
        "value_before_damage",
        "salvage_value",
    )
    def _compute_total_loss_suggested(self):
        for dossier in self:
            limit = dossier.value_before_damage - dossier.salvage_value
            dossier.total_loss_suggested = bool(
                dossier.value_before_damage
                and dossier.currency_id.compare_amounts(dossier._repair_amount(), limit)
                > 0
            )

    def _compute_photo_count(self):
        counts = dict(
            self.env["ir.attachment"]._read_group(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("bodyshop_photo_phase", "!=", False),
                ],
                ["res_id"],
                ["__count"],
            )
        )
        for dossier in self:
            dossier.photo_count = counts.get(dossier.id, 0)

    def _compute_purchase_order_count(self):
        counts = dict(
            self.env["purchase.order"]._read_group(
                [("bodyshop_dossier_id", "in", self.ids)],
                ["bodyshop_dossier_id"],
                ["__count"],
            )
        )
        for dossier in self:
            dossier.purchase_order_count = counts.get(dossier, 0)

    def _compute_invoice_count(self):
        counts = dict(
            self.env["account.move"]._read_group(
                [("bodyshop_dossier_id", "in", self.ids)],
                ["bodyshop_dossier_id"],
                ["__count"],
            )
        )
        for dossier in self:
            dossier.invoice_count = counts.get(dossier, 0)

    # constraints

    @api.constrains("payer_type", "payer_id", "customer_id")
    def _check_payer(self):
        for dossier in self:
            if (
                dossier.payer_type == "private"
                and dossier.payer_id != dossier.customer_id
            ):
                raise ValidationError(
                    _(
                        "Paying Party: the customer of dossier %(name)s pays "
                        "himself, so he is the paying party.",
                        name=dossier.name,
                    )
                )
            if dossier.payer_type != "private" and not dossier.payer_id:
                raise ValidationError(
                    _(
                        "Paying Party: dossier %(name)s needs its paying party "
                        "(%(type)s).",
                        name=dossier.name,
                        type=dict(
                            self._fields["payer_type"]._description_selection(self.env)
                        )[dossier.payer_type],
                    )
                )

    @api.constrains("damage_date")
    def _check_damage_date(self):
        today = fields.Date.context_today(self)
        for dossier in self:
            if dossier.damage_date and dossier.damage_date > today:
                raise ValidationError(
                    _(
                        "Damage Date: %(date)s lies in the future.",
                        date=dossier.damage_date,
                    )
                )

    @api.constrains("deductible_amount", "estimate_hours", "estimate_amount")
    def _check_amounts(self):
        for dossier in self:
            if dossier.currency_id.compare_amounts(dossier.deductible_amount, 0) < 0:
                raise ValidationError(
                    _("Deductible: the deductible cannot be negative.")
                )
            if dossier.estimate_hours < 0 or dossier.estimate_amount < 0:
                raise ValidationError(
                    _("Estimate: estimated hours and cost cannot be negative.")
                )

    @api.constrains("planned_start_date", "planned_delivery_date")
    def _check_planned_dates(self):
        for dossier in self:
            if (
                dossier.planned_start_date
                and dossier.planned_delivery_date
                and dossier.planned_delivery_date < dossier.planned_start_date
            ):
                raise ValidationError(
                    _(
                        "Planned Delivery Date: the car cannot be delivered "
                        "before the repair starts."
                    )
                )

    @api.constrains("vehicle_id", "is_electric", "ev_risk_class")
    def _check_ev_triage(self):
        for dossier in self:
            if dossier.vehicle_id.bodyshop_is_electric and not dossier.ev_risk_class:
                raise ValidationError(
                    _(
                        "EV Risk Class: %(vehicle)s has a high-voltage system; "
                        "record the EV safety triage (NEN 9140) with its risk "
                        "class.",
                        vehicle=dossier.vehicle_id.display_name,
                    )
                )

    @api.constrains(
        "ev_quarantine_start",
        "ev_quarantine_end",
        "ev_safe_declared_on",
        "ev_state_of_charge",
    )
    def _check_ev_dates(self):
        now = fields.Datetime.now()
        for dossier in self:
            if (
                dossier.ev_quarantine_start
                and dossier.ev_quarantine_end
                and dossier.ev_quarantine_end < dossier.ev_quarantine_start
            ):
                raise ValidationError(
                    _("Quarantine End: the quarantine cannot end before it starts.")
                )
            if dossier.ev_safe_declared_on and dossier.ev_safe_declared_on > now:
                raise ValidationError(
                    _(
                        "Declared Voltage-free On: the declaration cannot be "
                        "dated in the future."
                    )
                )
            if not 0 <= dossier.ev_state_of_charge <= 100:
                raise ValidationError(
                    _("State of Charge: give a percentage from 0 to 100.")
                )

    @api.constrains(
        "state",
        "ev_risk_class",
        "ev_safe_declared_by",
        "ev_safe_declared_on",
        "vehicle_id",
    )
    def _check_ev_safe_for_repair(self):
        for dossier in self:
            if dossier.state == "repair" and dossier.ev_repair_blocked:
                raise ValidationError(
                    _(
                        "Dossier %(name)s: an electric or hybrid car of risk class "
                        "%(risk)s may only be repaired after an ev-VP declared it "
                        "voltage-free (fill in who and when).",
                        name=dossier.name,
                        risk=dict(
                            self._fields["ev_risk_class"]._description_selection(
                                self.env
                            )
                        )[dossier.ev_risk_class],
                    )
                )

    # CRUD

    @api.model_create_multi
    def create(self, vals_list):
        # Wild values are refused before this method reads them.
        for vals in vals_list:
            self._bodyshop_check_input(vals)
        for vals in vals_list:
            if vals.get("payer_type") == "private":
                # A private customer pays himself: the compute sets the payer.
                vals.pop("payer_id", None)
            if vals.get("name", "New") == "New":
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                sequence = self.env["ir.sequence"].with_company(company)
                if vals.get("intake_date"):
                    intake_day = fields.Datetime.to_datetime(vals["intake_date"]).date()
                    sequence = sequence.with_context(
                        ir_sequence_date=fields.Date.to_string(intake_day)
                    )
                vals["name"] = sequence.next_by_code("bodyshop.dossier") or _("New")
        dossiers = super().create(vals_list)
        for dossier in dossiers:
            dossier.vehicle_id.filtered(
                lambda v: not v.driver_id
            ).driver_id = dossier.customer_id
        dossiers._type_payers()
        return dossiers

    def write(self, vals):
        self._bodyshop_check_input(vals)
        if vals.get("payer_type") == "private":
            vals = dict(vals)
            vals.pop("payer_id", None)
        result = super().write(vals)
        if {"payer_id", "payer_type"} & set(vals):
            self._type_payers()
        return result

    def _type_payers(self):
        """A company that pays a dossier is offered for that payer type."""
        for dossier in self:
            payer = dossier.payer_id
            if (
                dossier.payer_type != "private"
                and payer
                and not payer.bodyshop_payer_type
            ):
                payer.sudo().bodyshop_payer_type = dossier.payer_type

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_progress(self):
        if any(dossier.state not in ("intake", "cancelled") for dossier in self):
            raise UserError(
                _(
                    "Only dossiers still at intake or cancelled can be deleted; "
                    "cancel the others."
                )
            )

    # actions: each public action checks (_check_can_*), then works (_do_*)

    def action_cancel(self):
        self._check_can_cancel()
        open_orders = self._do_cancel()
        if not open_orders:
            return True
        # Confirmed orders are the supplier's too: they stay, and say so.
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "sticky": True,
                "title": _("Purchase orders still open"),
                "message": _(
                    "These orders were confirmed with the supplier and stay open: "
                    "%(orders)s. Cancel or return them in Purchase.",
                    orders=", ".join(
                        f"{order.name} ({order.partner_id.name})"
                        for order in open_orders
                    ),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _check_can_cancel(self):
        for dossier in self:
            if dossier.state in CLOSED_STATES:
                raise UserError(
                    _(
                        "Dossier %(name)s is %(state)s and can no longer be cancelled.",
                        name=dossier.name,
                        state=dossier._state_label(),
                    )
                )

    def _do_cancel(self):
        """Cancel the dossiers, their courtesy reservations and the requests
        for quotation not sent on; returns the confirmed purchase orders,
        which stay open."""
        self._write_workflow({"state": "cancelled"})
        self._cancel_courtesy_reservations()
        orders = self.purchase_order_ids
        drafts = orders.filtered(lambda po: po.state in ("draft", "sent", "to approve"))
        if drafts:
            drafts.button_cancel()
        open_orders = orders.filtered(lambda po: po.state in ("purchase", "done"))
        for dossier in self:
            cancelled = drafts.filtered(
                lambda po, d=dossier: po.bodyshop_dossier_id == d
            )
            still_open = open_orders.filtered(
                lambda po, d=dossier: po.bodyshop_dossier_id == d
            )
            if cancelled or still_open:
                dossier._message_log(
                    body=_(
                        "Requests for quotation cancelled: %(cancelled)s. Confirmed "
                        "purchase orders still open: %(open)s.",
                        cancelled=", ".join(cancelled.mapped("name")) or "-",
                        open=", ".join(still_open.mapped("name")) or "-",
                    )
                )
        return open_orders

    def action_reopen(self):
        """Bring a cancelled dossier back to intake."""
        self._check_can_reopen()
        self._write_workflow({"state": "intake"})
        return True

    def _check_can_reopen(self):
        for dossier in self:
            if dossier.state != "cancelled":
                raise UserError(
                    _(
                        "Only a cancelled dossier can be reopened (%(name)s).",
                        name=dossier.name,
                    )
                )

    def action_start_calculation(self):
        """Open the current calculation; make version 1 when there is none."""
        self.ensure_one()
        self._check_can_calculate()
        calculation = self.current_calculation_id
        if not calculation:
            calculation = self.env["bodyshop.calculation"].create(
                {"dossier_id": self.id}
            )
        self.filtered(lambda d: d.state == "intake")._write_workflow(
            {"state": "calculation"}
        )
        return calculation._get_form_action()

    def _check_can_calculate(self):
        for dossier in self:
            if dossier.state in CLOSED_STATES:
                raise UserError(
                    _(
                        "Dossier %(name)s is closed: no calculation can be made.",
                        name=dossier.name,
                    )
                )

    def action_request_approval(self):
        """Send the current draft calculation to the paying party."""
        self.ensure_one()
        calculation = self.current_calculation_id
        if not calculation or calculation.state != "draft":
            raise UserError(
                _("Dossier %(name)s has no draft calculation to send.", name=self.name)
            )
        return calculation.action_send_mail()

    def action_create_supplement(self):
        """Hidden damage: a new version copied from the current one."""
        return self._new_calculation_version("supplement")

    def action_create_final(self):
        return self._new_calculation_version("final")

    def _new_calculation_version(self, calc_type):
        self.ensure_one()
        calculation = self.current_calculation_id
        if not calculation:
            raise UserError(
                _("Dossier %(name)s has no calculation yet.", name=self.name)
            )
        return calculation.action_new_version(calc_type=calc_type)

    def action_open_calculations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bodyshop.bodyshop_calculation_action"
        )
        action["domain"] = [("dossier_id", "=", self.id)]
        action["context"] = {"default_dossier_id": self.id}
        return action

    def action_total_loss(self):
        """Close the dossier as a total loss."""
        self._check_can_total_loss()
        self._do_total_loss()
        return True

    def _check_can_total_loss(self):
        for dossier in self:
            if dossier.state in CLOSED_STATES:
                raise UserError(
                    _(
                        "Dossier %(name)s is closed and cannot become a total loss.",
                        name=dossier.name,
                    )
                )

    def _do_total_loss(self):
        self._write_workflow({"state": "total_loss"})
        self._cancel_courtesy_reservations()
        for dossier in self:
            body = _("Closed as total loss.")
            if dossier.calculation_ids:
                body = _(
                    "Closed as total loss. The paying party is invoiced the "
                    "estimating fee (%(fee)s), the storage and the towing "
                    "(Create Invoices).",
                    fee=formatLang(
                        self.env,
                        dossier.estimating_fee_amount,
                        currency_obj=dossier.currency_id,
                    ),
                )
            dossier._message_log(body=body)

    def action_request_expertise(self):
        """Mail the expert the photos and the calculation PDF."""
        self.ensure_one()
        if not self.expert_id:
            raise UserError(_("Expert: choose the expert first (Expertise tab)."))
        attachments = self.photo_ids
        calculation = self.current_calculation_id
        if calculation:
            pdf, _format = self.env["ir.actions.report"]._render_qweb_pdf(
                "bodyshop.action_report_calculation", calculation.ids
            )
            attachments |= self.env["ir.attachment"].create(
                {
                    "name": f"{calculation.name}.pdf",
                    "raw": pdf,
                    "res_model": self._name,
                    "res_id": self.id,
                    "mimetype": "application/pdf",
                }
            )
        template = self.env.ref("bodyshop.mail_template_expertise_request")
        return {
            "type": "ir.actions.act_window",
            "name": _("Request an Expertise"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_partner_ids": self.expert_id.ids,
                "default_attachment_ids": attachments.ids,
                "force_email": True,
            },
        }

    def action_open_vehicle(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "fleet.vehicle",
            "res_id": self.vehicle_id.id,
            "views": [
                (self.env.ref("bodyshop.fleet_vehicle_view_form_bodyshop").id, "form")
            ],
            "target": "current",
        }

    def action_open_photos(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bodyshop.bodyshop_photo_action"
        )
        action["domain"] = [
            ("res_model", "=", self._name),
            ("res_id", "=", self.id),
            ("bodyshop_photo_phase", "!=", False),
        ]
        action["context"] = {
            "default_res_model": self._name,
            "default_res_id": self.id,
            "search_default_group_phase": 1,
        }
        return action

    def action_upload_photos(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Add Photos"),
            "res_model": "bodyshop.photo.upload",
            "view_mode": "form",
            "target": "new",
            "context": {"default_dossier_id": self.id},
        }

    def action_open_purchase_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("purchase.purchase_rfq")
        action["domain"] = [("bodyshop_dossier_id", "=", self.id)]
        action["context"] = {"default_bodyshop_dossier_id": self.id}
        return action

    def action_open_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("bodyshop_dossier_id", "=", self.id)]
        action["context"] = {
            "default_bodyshop_dossier_id": self.id,
            "default_move_type": "out_invoice",
        }
        return action

    @api.model
    def _get_thread_with_access(self, thread_id, mode="read", **kwargs):
        """A token given for a dossier that has none cannot match (portal's
        comparison would fail on the missing one)."""
        if kwargs.get("token"):
            dossier = self.browse(thread_id).sudo().exists()
            if not dossier.access_token:
                kwargs = dict(kwargs, token=None)
        return super()._get_thread_with_access(thread_id, mode, **kwargs)

    # helpers

    def _get_expert_threshold(self):
        """The amount above which an expert inspects (0: never)."""
        self.ensure_one()
        return (
            self.agreement_id.expert_threshold
            or self.company_id.bodyshop_expert_threshold
        )

    def _repair_amount(self):
        """The repair cost: the current calculation's, else the intake estimate."""
        self.ensure_one()
        if self.current_calculation_id:
            return self.current_calculation_id.amount_payer
        return self.estimate_amount

    def _set_state_from_calculation(self, state):
        """Follow the calculation in the early states; a supplement during the
        repair leaves the dossier in repair."""
        self.filtered(
            lambda d: (
                d.state in ("intake", "calculation", "approval", "approved")
                and d.state != state
            )
        )._write_workflow({"state": state})

    def _write_workflow(self, vals):
        """The workflow's own write of the fields it owns: the user must be
        allowed to change the dossier; the write itself is the workflow's."""
        if not self:
            return True
        self.check_access("write")
        return self.sudo().write(vals)

    def _state_label(self):
        """The dossier's state as the user reads it."""
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _photo_phase_for_state(self):
        self.ensure_one()
        if self.state in ("intake", "calculation", "approval", "approved"):
            return "intake"
        if self.state == "repair":
            return "repair"
        return "delivery"
