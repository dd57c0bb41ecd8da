import re

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare
from odoo.tools.misc import format_date, formatLang

from .bodyshop_calculation_line import BODYSHOP_PRODUCTS

PLATE_NOISE = re.compile(r"[^0-9A-Z]")


def compact_plate(plate):
    """'tt-601-d' -> 'TT601D': the plate without its notation."""
    return PLATE_NOISE.sub("", plate.upper()) if plate else False


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
# Searched as "in" (the state's index finds the few open dossiers among a
# shop's history), never as "not in" CLOSED_STATES (reads every dossier).
OPEN_STATES = tuple(code for code, _label in STATES if code not in CLOSED_STATES)

# The longest request key a client may give (a UUID is 36 characters).
REQUEST_KEY_SIZE = 100

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

# The mails that keep the customer informed, by milestone.
MILESTONE_TEMPLATES = {
    "received": "bodyshop.mail_template_milestone_received",
    "repair": "bodyshop.mail_template_milestone_repair",
    "supplement": "bodyshop.mail_template_milestone_supplement",
    "ready": "bodyshop.mail_template_milestone_ready",
}


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
    _rec_names_search = [
        "name",
        "license_plate_search",
        "claim_number",
        "customer_id.complete_name",
    ]

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
        "analytic_account_id",
    )

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

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
    is_closed = fields.Boolean(
        compute="_compute_is_closed",
        help="Delivered, invoiced, a total loss or cancelled.",
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
        index=True,
    )
    request_key = fields.Char(
        readonly=True,
        copy=False,
        help="Chosen by the intake (or the program) that made the dossier: the "
        "same key from the same user in the same company gives this dossier "
        "again instead of a second one, so a retried request doubles nothing.",
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
    claim_number = fields.Char(tracking=True, index="trigram")
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
    # The plate in letters and digits only: 'TT-601-D', 'tt601d' and 'TT 601 D'
    # find the same car. Searched through license_plate_search.
    license_plate_compact = fields.Char(
        compute="_compute_license_plate_compact",
        store=True,
        index="trigram",
    )
    license_plate_search = fields.Char(
        string="License Plate (any notation)",
        compute="_compute_license_plate_search",
        search="_search_license_plate_search",
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
    delivery_date = fields.Datetime(copy=False, readonly=True, index=True)
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

    # what the dossier earned: its analytic account
    analytic_account_id = fields.Many2one(
        comodel_name="account.analytic.account",
        readonly=True,
        copy=False,
        check_company=True,
        ondelete="restrict",
        help="Every invoice line, purchase line (so vendor bill) and cost of "
        "this dossier is booked on it: Odoo's analytic reports show what the "
        "dossier earned.",
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
    customer_updates = fields.Boolean(
        string="Customer Updates by E-mail",
        default=True,
        help="Mail the customer at the milestones: car received, repair "
        "started, supplement waiting for approval, ready for pickup.",
    )
    checkin_date = fields.Datetime(string="Checked In On", readonly=True, copy=False)
    checkin_user_id = fields.Many2one(
        comodel_name="res.users", string="Checked In By", readonly=True, copy=False
    )
    checkin_odometer = fields.Integer(
        string="Odometer at Check-in (km)", readonly=True, copy=False
    )
    checkin_new_damage = fields.Boolean(
        string="New Damage at Check-in", readonly=True, copy=False
    )
    checkin_note = fields.Text(string="Check-in Note", readonly=True, copy=False)
    courtesy_booking_ids = fields.One2many(
        comodel_name="bodyshop.courtesy.booking",
        inverse_name="dossier_id",
        string="Courtesy Car Bookings",
    )
    courtesy_vehicle_id = fields.Many2one(
        comodel_name="fleet.vehicle",
        string="Courtesy Car",
        compute="_compute_courtesy",
        store=True,
    )
    courtesy_out = fields.Datetime(
        string="Courtesy Car Out", compute="_compute_courtesy", store=True
    )
    courtesy_in = fields.Datetime(
        string="Courtesy Car Back", compute="_compute_courtesy", store=True
    )
    courtesy_state = fields.Selection(
        related="courtesy_booking_id.state", string="Courtesy Car Status"
    )
    courtesy_booking_id = fields.Many2one(
        comodel_name="bodyshop.courtesy.booking",
        string="Current Booking",
        compute="_compute_courtesy",
        store=True,
    )
    parts_line_ids = fields.One2many(
        comodel_name="bodyshop.calculation.line",
        inverse_name="dossier_id",
        string="Parts and Sublet Work",
        domain=[
            ("display_type", "=", False),
            ("line_type", "in", ("part", "sublet")),
            ("calculation_id.state", "=", "approved"),
        ],
    )
    parts_status = fields.Char(
        string="Parts",
        compute="_compute_parts_status",
        help="Parts and sublet work of the approved calculation received, of "
        "all of them.",
    )
    parts_to_order = fields.Boolean(
        compute="_compute_parts_status",
        help="The approved calculation has parts or sublet work not ordered yet.",
    )
    parts_late = fields.Boolean(
        compute="_compute_parts_status",
        search="_search_parts_late",
    )
    operation_line_ids = fields.One2many(
        comodel_name="bodyshop.calculation.line",
        inverse_name="dossier_id",
        string="Operations",
        domain=[
            ("display_type", "=", False),
            ("line_type", "=", "labour"),
            ("calculation_id.is_latest", "=", True),
        ],
    )
    repair_info_ids = fields.Many2many(
        comodel_name="bodyshop.repair.info",
        string="OEM Repair Information",
        compute="_compute_repair_info_ids",
    )
    oem_coverage = fields.Char(
        string="OEM Instructions",
        compute="_compute_oem_coverage",
        help="Operations of the current calculation for which the "
        "manufacturer's instruction has been recorded.",
    )
    document_ids = fields.One2many(
        comodel_name="ir.attachment",
        inverse_name="res_id",
        string="Reports",
        domain=[
            ("res_model", "=", "bodyshop.dossier"),
            ("bodyshop_document_type", "!=", False),
        ],
    )
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
    invoiced_calculation_id = fields.Many2one(
        comodel_name="bodyshop.calculation",
        string="Last Invoiced Calculation",
        readonly=True,
        copy=False,
        help="The calculation version the invoices so far were made from; a "
        "later approved supplement is invoiced as the difference.",
    )
    can_create_invoices = fields.Boolean(compute="_compute_can_create_invoices")
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
        help="The hours clocked on the dossier at each technician's hourly cost; "
        "while nothing is clocked, the sold hours at the standard cost per hour "
        "of Settings.",
    )
    labour_margin = fields.Monetary(
        compute="_compute_margin",
        store=True,
        help="The labour the paying party approved (the calculation's labour "
        "amount) less its cost: below zero the workshop needed more hours, or "
        "dearer ones, than were sold.",
    )
    cost_labour_standard = fields.Boolean(
        string="Labour at Standard Cost",
        compute="_compute_margin",
        store=True,
        help="Nothing was clocked on the dossier: its labour cost is the sold "
        "hours at the standard cost per hour.",
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
    # the workshop
    planning_slot_ids = fields.One2many(
        comodel_name="bodyshop.planning.slot",
        inverse_name="dossier_id",
        string="Workshop Planning",
    )
    planned_ready_date = fields.Date(
        compute="_compute_planned_ready_date",
        store=True,
        help="The last day the workshop planned work on the car.",
    )
    time_entry_ids = fields.One2many(
        comodel_name="bodyshop.time.entry",
        inverse_name="dossier_id",
        string="Clocked Time",
    )
    labour_summary_ids = fields.One2many(
        comodel_name="bodyshop.dossier.labour",
        inverse_name="dossier_id",
        string="Hours per Labour Type",
    )
    sold_hours = fields.Float(
        compute="_compute_labour_hours",
        store=True,
        digits=(16, 2),
        help="The labour units of the latest approved calculation, in hours.",
    )
    clocked_hours = fields.Float(
        compute="_compute_labour_hours",
        store=True,
        digits=(16, 2),
        help="The hours the technicians clocked on the dossier.",
    )
    labour_efficiency = fields.Float(
        string="Labour Efficiency (%)",
        compute="_compute_labour_hours",
        store=True,
        aggregator="avg",
        digits=(16, 1),
        help="Sold hours over clocked hours: above 100 % the workshop needed "
        "fewer hours than were sold.",
    )
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
    # The approval lead time of Key Figures: the first answered request,
    # stored so that the report reads one row per dossier (no subquery per
    # dossier over the approvals of 100,000 dossiers).
    first_approval_requested_on = fields.Datetime(
        compute="_compute_first_approval",
        store=True,
        help="When the first calculation that was answered was sent to the "
        "paying party.",
    )
    first_approval_answered_on = fields.Datetime(
        compute="_compute_first_approval",
        store=True,
        help="When the paying party answered it.",
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "The dossier number must be unique per company.",
        ),
        (
            "request_key_uniq",
            "unique(company_id, create_uid, request_key)",
            "A user makes one dossier per request key in a company.",
        ),
    ]

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    def _group_expand_states(self, states, domain):
        """Kanban columns for every step of the process; the side exits (total
        loss, cancelled) only when dossiers are in them."""
        side_exits = {"total_loss", "cancelled"}
        return [key for key, _label in STATES if key not in side_exits or key in states]

    @api.depends("state")
    def _compute_is_closed(self):
        for dossier in self:
            dossier.is_closed = dossier.state in CLOSED_STATES

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
            approved = dossier._approved_calculation()
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
            per_hour = agreement.units_per_hour if agreement else 10.0
            dossier.estimating_fee_amount = dossier.currency_id.round(
                units / per_hour * agreement.rate_body
            )

    @api.depends("vehicle_id.bodyshop_is_electric")
    def _compute_is_electric(self):
        for dossier in self:
            dossier.is_electric = dossier.vehicle_id.bodyshop_is_electric

    @api.depends("license_plate")
    def _compute_license_plate_compact(self):
        for dossier in self:
            dossier.license_plate_compact = compact_plate(dossier.license_plate)

    @api.depends("license_plate")
    def _compute_license_plate_search(self):
        for dossier in self:
            dossier.license_plate_search = dossier.license_plate

    def _search_license_plate_search(self, operator, value):
        """A plate typed with or without hyphens or spaces, in any case."""
        if operator not in ("ilike", "not ilike", "=", "!=") or not isinstance(
            value, str
        ):
            return [("license_plate", operator, value)]
        compact = compact_plate(value)
        if not compact:
            return [("license_plate", operator, value)]
        return [("license_plate_compact", operator, compact)]

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
                and not dossier.is_closed
            )

    def _search_delivery_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on overdue delivery."))
        domain = [
            ("planned_delivery_date", "<", fields.Date.context_today(self)),
            ("state", "in", OPEN_STATES),
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

    @api.depends(
        "courtesy_booking_ids.state",
        "courtesy_booking_ids.out_date",
        "courtesy_booking_ids.in_date",
        "courtesy_booking_ids.date_start",
    )
    def _compute_courtesy(self):
        for dossier in self:
            bookings = dossier.courtesy_booking_ids.filtered(
                lambda b: b.state != "cancelled"
            ).sorted(lambda b: (b.date_start, b.id))
            booking = bookings[-1:]
            dossier.courtesy_booking_id = booking
            dossier.courtesy_vehicle_id = booking.vehicle_id
            dossier.courtesy_out = booking.out_date
            dossier.courtesy_in = booking.in_date

    def _compute_parts_status(self):
        for dossier in self:
            lines = dossier.parts_line_ids
            statuses = lines.mapped("purchase_status")
            dossier.parts_late = "late" in statuses
            dossier.parts_to_order = "to_order" in statuses
            dossier.parts_status = (
                _(
                    "%(received)s / %(total)s received",
                    received=statuses.count("received"),
                    total=len(lines),
                )
                if lines
                else False
            )

    def _search_parts_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on late parts."))
        late_lines = self.env["purchase.order.line"].search(
            [
                ("bodyshop_calculation_line_id", "!=", False),
                ("state", "in", ("purchase", "done")),
                (
                    "date_planned",
                    "<",
                    self.env["bodyshop.calculation.line"]._start_of_today(),
                ),
                ("order_id.bodyshop_dossier_id.state", "in", OPEN_STATES),
            ]
        )
        precision = self.env["decimal.precision"].precision_get(
            "Product Unit of Measure"
        )
        dossier_ids = (
            late_lines.filtered(
                lambda pol: (
                    float_compare(
                        pol.qty_received, pol.product_qty, precision_digits=precision
                    )
                    < 0
                )
            )
            .mapped("order_id.bodyshop_dossier_id")
            .ids
        )
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", dossier_ids)]

    @api.depends("vehicle_id.brand_id", "vehicle_id.model_id")
    def _compute_repair_info_ids(self):
        found = self.env["bodyshop.repair.info"]._for_vehicles(self.vehicle_id)
        for dossier in self:
            dossier.repair_info_ids = found.get(
                dossier.vehicle_id, self.env["bodyshop.repair.info"]
            )

    def _compute_oem_coverage(self):
        for dossier in self:
            lines = dossier.operation_line_ids.filtered("operation")
            covered = lines.filtered("oem_instruction")
            dossier.oem_coverage = (
                _(
                    "%(covered)s of %(total)s operations",
                    covered=len(covered),
                    total=len(lines),
                )
                if lines
                else False
            )

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
        "analytic_account_id",
        # Settings' cost rates count until the costs are booked.
        "company_id.bodyshop_cost_rate_body",
        "company_id.bodyshop_cost_rate_paint",
        "company_id.bodyshop_cost_rate_mechanical",
        "company_id.bodyshop_cost_rate_electrical",
        "company_id.bodyshop_cost_rate_trim",
        "company_id.bodyshop_cost_rate_pdr",
        "company_id.bodyshop_paint_cost_pct",
        "time_entry_ids.cost",
    )
    def _compute_margin(self):
        """Revenue and cost from the dossier's posted analytic lines (its
        invoices, its vendor bills, the technicians' clocked time, the paint
        cost booked at invoicing); a confirmed purchase not billed yet counts
        at its order amount. Labour nobody clocked counts at its standard
        cost (booked at invoicing), paint before the invoicing too."""
        lines_by_account = self._analytic_lines_by_account()
        products = self._standard_cost_products()
        for dossier in self:
            currency = dossier.currency_id
            company = dossier.company_id
            lines = lines_by_account.get(dossier.analytic_account_id.id, [])
            revenue = parts = sublet = labour = paint = 0.0
            labour_booked = paint_booked = False
            for line in lines:
                move_type = line.move_line_id.move_id.move_type
                if move_type in ("out_invoice", "out_refund"):
                    revenue += line.amount
                elif move_type in ("in_invoice", "in_refund"):
                    purchase_line = line.move_line_id.purchase_line_id
                    is_sublet = (
                        purchase_line._bodyshop_is_sublet()
                        if purchase_line
                        else line.product_id.type == "service"
                    )
                    if is_sublet:
                        sublet -= line.amount
                    else:
                        parts -= line.amount
                elif line.product_id == products["labour"]:
                    labour -= line.amount
                    labour_booked = True
                elif line.product_id == products["paint_material"]:
                    paint -= line.amount
                    paint_booked = True
            # Confirmed with the supplier, not billed yet: the order amount.
            for purchase_line in dossier.purchase_order_ids.filtered(
                lambda po: po.state in ("purchase", "done")
            ).order_line.filtered(
                lambda pol: (
                    not pol.display_type
                    and not pol.invoice_lines.filtered(
                        lambda aml: aml.parent_state == "posted"
                    )
                )
            ):
                amount = purchase_line.currency_id._convert(
                    purchase_line.price_subtotal,
                    currency,
                    company,
                    purchase_line.order_id.date_approve
                    or fields.Date.context_today(dossier),
                )
                if purchase_line._bodyshop_is_sublet():
                    sublet += amount
                else:
                    parts += amount
            calculation = dossier._margin_calculation()
            # A total loss was not repaired: no labour or paint was spent.
            standard = calculation and dossier.state != "total_loss"
            clocked = bool(dossier.time_entry_ids)
            labour_standard = bool(standard and not labour_booked and not clocked)
            if labour_standard or (standard and not paint_booked):
                standard_labour, standard_paint = dossier._standard_costs(calculation)
                if labour_standard:
                    labour = standard_labour
                if not paint_booked:
                    paint = standard_paint
            dossier.cost_labour_standard = labour_standard or (
                labour_booked and not clocked
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
            dossier.labour_margin = (
                currency.round(calculation.amount_labour - labour) if standard else 0.0
            )
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

    @api.depends(
        "calculation_ids.approval_ids.requested_on",
        "calculation_ids.approval_ids.responded_on",
    )
    def _compute_first_approval(self):
        for dossier in self:
            answered = dossier.calculation_ids.approval_ids.filtered("responded_on")
            first = answered.sorted(lambda a: (a.requested_on, a.id))[:1]
            dossier.first_approval_requested_on = first.requested_on
            dossier.first_approval_answered_on = first.responded_on

    @api.depends("planning_slot_ids.date")
    def _compute_planned_ready_date(self):
        for dossier in self:
            dates = dossier.planning_slot_ids.mapped("date")
            dossier.planned_ready_date = max(dates) if dates else False

    @api.depends(
        "calculation_ids.state",
        "calculation_ids.labour_units",
        "calculation_ids.units_per_hour",
        "time_entry_ids.hours",
    )
    def _compute_labour_hours(self):
        for dossier in self:
            calculation = dossier._approved_calculation()
            sold = (
                calculation.labour_units / calculation.units_per_hour
                if calculation and calculation.units_per_hour
                else 0.0
            )
            clocked = sum(dossier.time_entry_ids.mapped("hours"))
            dossier.sold_hours = sold
            dossier.clocked_hours = clocked
            dossier.labour_efficiency = sold / clocked * 100 if clocked else 0.0

    # ------------------------------------------------------------
    # CONSTRAINT METHODS
    # ------------------------------------------------------------

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
                        type=dossier._selection_label("payer_type"),
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
                        risk=dossier._selection_label("ev_risk_class"),
                    )
                )

    @api.constrains("checkin_odometer", "odometer_intake")
    def _check_checkin_odometer(self):
        for dossier in self:
            if (
                dossier.checkin_odometer
                and dossier.odometer_intake
                and dossier.checkin_odometer < dossier.odometer_intake
            ):
                raise ValidationError(
                    _(
                        "Odometer at Check-in: %(checkin)s km is less than at "
                        "intake (%(intake)s km).",
                        checkin=dossier.checkin_odometer,
                        intake=dossier.odometer_intake,
                    )
                )

    # ------------------------------------------------------------
    # CRUD METHODS
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # Wild values are refused before this method reads them.
        for vals in vals_list:
            self._bodyshop_check_input(vals)
        # A request key that came before (a retried request) gives the dossier
        # it made, in its place in the result.
        made = []
        new_vals = []
        for vals in vals_list:
            key = self._bodyshop_request_key(vals.get("request_key"))
            if key:
                vals["request_key"] = key
                company_id = vals.get("company_id") or self.env.company.id
                dossier_id = self._bodyshop_request_dossier_id(company_id, key)
                if dossier_id:
                    made.append(dossier_id)
                    continue
            made.append(None)
            new_vals.append(vals)
        if not new_vals:
            return self.browse(made)
        self._bodyshop_prepare_create(new_vals)
        dossiers = super().create(new_vals)
        for dossier in dossiers:
            dossier.vehicle_id.filtered(
                lambda v: not v.driver_id
            ).driver_id = dossier.customer_id
        dossiers._type_payers()
        dossiers._create_analytic_accounts()
        if all(dossier_id is None for dossier_id in made):
            return dossiers
        new_ids = iter(dossiers.ids)
        return self.browse([dossier_id or next(new_ids) for dossier_id in made])

    @api.model
    def _bodyshop_prepare_create(self, vals_list):
        """The payer and the number of new dossiers."""
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

    def write(self, vals):
        self._bodyshop_check_input(vals)
        if "request_key" in vals and not self.env.su:
            raise UserError(
                _(
                    "The request key of a dossier is given when the dossier is "
                    "made and never changed."
                )
            )
        if vals.get("payer_type") == "private":
            vals = dict(vals)
            vals.pop("payer_id", None)
        result = super().write(vals)
        if {"payer_id", "payer_type"} & set(vals):
            self._type_payers()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_progress(self):
        if any(dossier.state not in ("intake", "cancelled") for dossier in self):
            raise UserError(
                _(
                    "Only dossiers still at intake or cancelled can be deleted; "
                    "cancel the others."
                )
            )

    @api.model
    def _get_thread_with_access(self, thread_id, mode="read", **kwargs):
        """A token given for a dossier that has none cannot match (portal's
        comparison would fail on the missing one)."""
        if kwargs.get("token"):
            dossier = self.browse(thread_id).sudo().exists()
            if not dossier.access_token:
                kwargs = dict(kwargs, token=None)
        return super()._get_thread_with_access(thread_id, mode, **kwargs)

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

    # ------------------------------------------------------------
    # ACTION METHODS
    # ------------------------------------------------------------

    def action_ask_cancel(self):
        """The cancel button: says first what happens to the purchases."""
        self.ensure_one()
        self._check_can_cancel()
        return {
            "type": "ir.actions.act_window",
            "name": _("Cancel the Dossier"),
            "res_model": "bodyshop.dossier.cancel",
            "view_mode": "form",
            "target": "new",
            "context": {"default_dossier_id": self.id},
        }

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
            if dossier.is_closed:
                raise UserError(
                    _(
                        "Dossier %(name)s is %(state)s and can no longer be cancelled.",
                        name=dossier.name,
                        state=dossier._selection_label(),
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
            if dossier.is_closed:
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
            if dossier.is_closed:
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
        return self._bodyshop_mail_composer(
            "bodyshop.mail_template_expertise_request",
            _("Request an Expertise"),
            default_partner_ids=self.expert_id.ids,
            default_attachment_ids=attachments.ids,
        )

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

    def action_order_parts(self):
        """Draft purchase orders, one per supplier, for the approved version's
        part and sublet lines that are not ordered yet."""
        self.ensure_one()
        self._bodyshop_lock()
        calculation = self._approved_calculation()
        if self.state not in ("approved", "repair", "ready") or not calculation:
            raise UserError(
                _(
                    "Dossier %(name)s: parts and sublet work are ordered once "
                    "the paying party approved the calculation.",
                    name=self.name,
                )
            )
        lines = calculation.line_ids.filtered(
            lambda li: not li.display_type and li.line_type in ("part", "sublet")
        )
        family = lines._family_purchase_lines()
        to_order = {}
        for line in lines:
            quantity = line._qty_to_order(family)
            if float_compare(quantity, 0.0, precision_digits=6) > 0:
                to_order[line] = quantity
        if not to_order:
            raise UserError(
                _(
                    "Everything on calculation %(name)s has been ordered already.",
                    name=calculation.name,
                )
            )
        by_vendor = {}
        missing = []
        for line, quantity in to_order.items():
            product = line._purchase_product()
            # The product's own vendor; never one of the catch-all products.
            vendor = line.vendor_id
            if not vendor and line.product_id:
                vendor = line.product_id._select_seller(quantity=quantity).partner_id
            if not vendor:
                missing.append(line.name)
                continue
            by_vendor.setdefault(vendor, []).append((line, product, quantity))
        if missing:
            raise UserError(
                _(
                    "Supplier: choose the supplier of these lines first (tab "
                    "Parts and Sublet Work): %(lines)s.",
                    lines=", ".join(missing),
                )
            )
        PurchaseOrder = self.env["purchase.order"]
        orders = PurchaseOrder
        for vendor, items in by_vendor.items():
            order = PurchaseOrder.search(
                [
                    ("bodyshop_dossier_id", "=", self.id),
                    ("partner_id", "=", vendor.id),
                    ("state", "=", "draft"),
                ],
                limit=1,
            )
            line_commands = [
                fields.Command.create(self._prepare_purchase_line(*item, vendor=vendor))
                for item in items
            ]
            if order:
                order.order_line = line_commands
            else:
                order = PurchaseOrder.create(
                    {
                        "partner_id": vendor.id,
                        "company_id": self.company_id.id,
                        "bodyshop_dossier_id": self.id,
                        "origin": self.name,
                        "order_line": line_commands,
                    }
                )
            orders |= order
        self._message_log(
            body=_(
                "Requests for quotation prepared: %(orders)s.",
                orders=", ".join(orders.mapped("name")),
            )
        )
        action = self.env["ir.actions.act_window"]._for_xml_id("purchase.purchase_rfq")
        action["context"] = {"default_bodyshop_dossier_id": self.id}
        if len(orders) == 1:
            action.update(views=[(False, "form")], view_mode="form", res_id=orders.id)
        else:
            action["domain"] = [("id", "in", orders.ids)]
        return action

    def action_checkin(self):
        self.ensure_one()
        self._check_can_checkin()
        return {
            "type": "ir.actions.act_window",
            "name": _("Check In the Car"),
            "res_model": "bodyshop.checkin.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_dossier_id": self.id},
        }

    def _check_can_checkin(self):
        for dossier in self:
            if dossier.is_closed or dossier.state in ("repair", "ready"):
                raise UserError(
                    _(
                        "Dossier %(name)s is %(state)s: the check-in is done "
                        "before the repair.",
                        name=dossier.name,
                        state=dossier._selection_label(),
                    )
                )

    def _do_checkin(self, date, odometer, new_damage=False, note=False, photos=None):
        """Record the new-damage check of the car brought in for the repair."""
        self.ensure_one()
        self._write_workflow(
            {
                "checkin_date": date,
                "checkin_user_id": self.env.user.id,
                "checkin_odometer": odometer,
                "checkin_new_damage": new_damage,
                "checkin_note": note,
            }
        )
        if photos:
            photos._bodyshop_attach_photos(self, "checkin")
        if new_damage:
            body = _(
                "Car checked in (%(km)s km). New damage since intake: %(note)s",
                km=odometer,
                note=note,
            )
        else:
            body = _(
                "Car checked in (%(km)s km): no new damage since intake.",
                km=odometer,
            )
        self._message_log(body=body)
        self._notify_customer("received")

    def action_start_repair(self):
        self._check_can_start_repair()
        self._do_start_repair()
        return True

    def _do_start_repair(self):
        self._write_workflow({"state": "repair", "repair_start": fields.Datetime.now()})
        for dossier in self:
            dossier._message_log(body=_("Repair started."))
        self._notify_customer("repair")

    def _check_can_start_repair(self):
        for dossier in self:
            if dossier.state != "approved":
                raise UserError(
                    _(
                        "Dossier %(name)s is %(state)s: the repair starts only after "
                        "the paying party approved the calculation.",
                        name=dossier.name,
                        state=dossier._selection_label(),
                    )
                )
            if dossier.ev_repair_blocked:
                raise UserError(
                    _(
                        "Dossier %(name)s: an electric or hybrid car of risk class "
                        "amber or red may only be repaired after an ev-VP declared it "
                        "voltage-free (tab EV Safety).",
                        name=dossier.name,
                    )
                )
            if not dossier.checkin_date:
                raise UserError(
                    _(
                        "Dossier %(name)s: check the car in (new-damage check) before "
                        "the repair starts.",
                        name=dossier.name,
                    )
                )

    def action_ready(self):
        self._check_can_be_ready()
        self._do_ready()
        return True

    def _do_ready(self):
        self._write_workflow({"state": "ready", "repair_end": fields.Datetime.now()})
        for dossier in self:
            dossier._message_log(body=_("Repair finished: ready for pickup."))
        self._notify_customer("ready")

    def _check_can_be_ready(self):
        for dossier in self:
            if dossier.state != "repair":
                raise UserError(
                    _(
                        "Dossier %(name)s is %(state)s: only a car in repair can be "
                        "made ready for pickup.",
                        name=dossier.name,
                        state=dossier._selection_label(),
                    )
                )
            calculation = dossier.current_calculation_id
            if calculation.state != "approved":
                raise UserError(
                    _(
                        "Dossier %(name)s: %(calculation)s is %(state)s; it must be "
                        "approved before the car is ready.",
                        name=dossier.name,
                        calculation=calculation.name,
                        state=calculation._selection_label(),
                    )
                )
            waiting = dossier.parts_line_ids.filtered(
                lambda li: li.purchase_status in ("requested", "ordered", "late")
            )
            if waiting:
                raise UserError(
                    _(
                        "Dossier %(name)s: these parts or sublet work have not been "
                        "received yet: %(lines)s.",
                        name=dossier.name,
                        lines=", ".join(waiting.mapped("name")),
                    )
                )

    def action_resume_repair(self):
        """Back to the workshop (rework after the final check)."""
        self._check_can_resume_repair()
        self._write_workflow({"state": "repair", "repair_end": False})
        return True

    def _check_can_resume_repair(self):
        for dossier in self:
            if dossier.state != "ready":
                raise UserError(
                    _(
                        "Dossier %(name)s is not ready for pickup.",
                        name=dossier.name,
                    )
                )

    def action_book_courtesy_car(self):
        self.ensure_one()
        if self.is_closed:
            raise UserError(
                _(
                    "Dossier %(name)s is closed: no courtesy car can be booked.",
                    name=self.name,
                )
            )
        start = fields.Datetime.now()
        if self.planned_start_date and self.planned_start_date > start.date():
            start = fields.Datetime.to_datetime(self.planned_start_date).replace(hour=8)
        end_day = self.planned_delivery_date or fields.Date.add(start.date(), days=5)
        end = fields.Datetime.to_datetime(end_day).replace(hour=18)
        if end <= start:
            end = fields.Datetime.add(start, days=1)
        return {
            "type": "ir.actions.act_window",
            "name": _("Book a Courtesy Car"),
            "res_model": "bodyshop.courtesy.booking",
            "view_mode": "form",
            "views": [
                (
                    self.env.ref("bodyshop.bodyshop_courtesy_booking_view_form").id,
                    "form",
                )
            ],
            "target": "new",
            "context": {
                "default_dossier_id": self.id,
                "default_date_start": fields.Datetime.to_string(start),
                "default_date_end": fields.Datetime.to_string(end),
            },
        }

    def action_open_courtesy_bookings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bodyshop.bodyshop_courtesy_booking_action"
        )
        action["context"] = {"default_dossier_id": self.id}
        bookings = self.courtesy_booking_ids
        if len(bookings) == 1:
            action.update(views=[(False, "form")], view_mode="form", res_id=bookings.id)
            return action
        action["domain"] = [("dossier_id", "=", self.id)]
        action["views"] = [(False, "list"), (False, "form"), (False, "calendar")]
        action["view_mode"] = "list,form,calendar"
        return action

    def action_print_work_order(self):
        return self.env.ref("bodyshop.action_report_work_order").report_action(self)

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
                        state=dossier._selection_label(),
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
        self._do_create_invoices(calculation, previous)
        return self.action_open_invoices()

    def _do_create_invoices(self, calculation, previous):
        """Invoice ``calculation`` (the difference with ``previous`` for a
        supplement after the final calculation); post when the company says
        so; book the standard labour and paint cost of what was invoiced."""
        self.ensure_one()
        invoices_vals = self.with_company(self.company_id)._prepare_invoices(
            calculation, previous
        )
        if not invoices_vals:
            raise UserError(
                _("%(name)s has nothing to invoice.", name=calculation.name)
            )
        invoices = self.env["account.move"].create(invoices_vals)
        self._write_workflow({"invoiced_calculation_id": calculation.id})
        self._book_standard_costs(calculation, previous)
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
        return invoices

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
                    state=self._selection_label(),
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

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    @api.model
    def _bodyshop_request_key(self, key):
        """A client's request key as stored: stripped text of at most 100
        characters (empty: no key)."""
        if not key:
            return False
        if not isinstance(key, str) or len(key.strip()) > REQUEST_KEY_SIZE:
            raise ValidationError(
                _(
                    "Request Key: give a text of at most %(size)s characters.",
                    size=REQUEST_KEY_SIZE,
                )
            )
        return key.strip() or False

    @api.model
    def _bodyshop_request_dossier_id(self, company_id, key):
        """The id of the dossier the current user made in ``company_id`` with
        request key ``key``, or None.

        A request with that key that is still running (the client gave up
        waiting, or the retry came in on another worker) holds a lock on the
        key until it commits or fails: this waits for it. What it committed
        may be newer than this transaction's snapshot, so the key is also
        looked up in a transaction of its own. Another user's or another
        company's key never matches (``create_uid`` is set by the ORM, never
        by the caller).
        """
        self.env.cr.execute(
            SQL(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, %s))",
                key,
                company_id * 2**31 + self.env.uid,
            )
        )
        query = SQL(
            "SELECT id FROM bodyshop_dossier WHERE company_id = %s "
            "AND create_uid = %s AND request_key = %s",
            company_id,
            self.env.uid,
            key,
        )
        self.flush_model(["request_key"])
        self.env.cr.execute(query)
        row = self.env.cr.fetchone()
        if not row:
            with self.env.registry.cursor() as cr:
                cr.execute(query)
                row = cr.fetchone()
        return row[0] if row else None

    def _bodyshop_lock(self):
        """Claim the dossiers for a workflow step that makes records without
        writing the dossier itself (purchase orders): the same step asked
        twice at once (a client that retried while its first request still
        ran) waits here for the first, then fails on the concurrent update
        and is retried by Odoo, and so sees what the first made. (A new
        calculation version writes the dossier's current version, which
        serialises it already.)"""
        self.env.cr.execute(
            SQL(
                "UPDATE bodyshop_dossier SET write_uid = %s, write_date = %s "
                "WHERE id IN %s",
                self.env.uid,
                fields.Datetime.now(),
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["write_uid", "write_date"])

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

    def _new_calculation_version(self, calc_type):
        self.ensure_one()
        calculation = self.current_calculation_id
        if not calculation:
            raise UserError(
                _("Dossier %(name)s has no calculation yet.", name=self.name)
            )
        return calculation.action_new_version(calc_type=calc_type)

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

    def _photo_phase_for_state(self):
        self.ensure_one()
        if self.state in ("intake", "calculation", "approval", "approved"):
            return "intake"
        if self.state == "repair":
            return "repair"
        return "delivery"

    def _approved_calculation(self):
        self.ensure_one()
        return self.calculation_ids.filtered(lambda c: c.state == "approved").sorted(
            "version"
        )[-1:]

    def _sold_hours_by_type(self):
        """{dossier: {labour type: hours}} of the latest approved calculation
        of each dossier, in three queries for all of them."""
        result = {dossier: {} for dossier in self}
        calculations = self.env["bodyshop.calculation"].search(
            [("dossier_id", "in", self.ids), ("state", "=", "approved")],
            order="version desc",
        )
        latest = {}
        for calculation in calculations:
            latest.setdefault(calculation.dossier_id, calculation)
        if not latest:
            return result
        groups = self.env["bodyshop.calculation.line"]._read_group(
            [
                ("calculation_id", "in", [calc.id for calc in latest.values()]),
                ("display_type", "=", False),
                ("line_type", "=", "labour"),
                ("labour_type", "!=", False),
            ],
            ["calculation_id", "labour_type"],
            ["labour_units:sum"],
        )
        for calculation, labour_type, units in groups:
            if calculation.units_per_hour and units:
                hours = units / calculation.units_per_hour
                result[calculation.dossier_id][labour_type] = hours
        return result

    def _unplanned_hours_by_type(self):
        """{dossier: {labour type: sold hours not planned yet}}: the sold
        hours less what was clocked before today and what is planned from
        today on (a plan of days gone by that nobody clocked is to plan
        again)."""
        result = self._sold_hours_by_type()
        today = fields.Date.context_today(self)
        midnight = fields.Datetime.to_datetime(today)
        done = self.env["bodyshop.time.entry"]._read_group(
            [
                ("dossier_id", "in", self.ids),
                ("date_end", "!=", False),
                ("date_start", "<", midnight),
            ],
            ["dossier_id", "labour_type"],
            ["hours:sum"],
        )
        planned = self.env["bodyshop.planning.slot"]._read_group(
            [("dossier_id", "in", self.ids), ("date", ">=", today)],
            ["dossier_id", "labour_type"],
            ["hours:sum"],
        )
        for dossier, labour_type, hours in done + planned:
            sold = result[dossier]
            sold[labour_type] = sold.get(labour_type, 0.0) - hours
        return result

    def _delivery_at_risk(self, unplanned=None):
        """{dossier: bool}: the plan ends after the planned delivery, or hours
        are still to plan shortly before it."""
        unplanned = unplanned or {}
        missing = self.filtered(lambda d: d not in unplanned)
        if missing:
            unplanned = {**unplanned, **missing._unplanned_hours_by_type()}
        today = fields.Date.context_today(self)
        result = {}
        for dossier in self:
            delivery = dossier.planned_delivery_date
            to_plan = any(hours > 0.005 for hours in unplanned[dossier].values())
            result[dossier] = bool(
                delivery
                and (
                    (
                        dossier.planned_ready_date
                        and dossier.planned_ready_date > delivery
                    )
                    or (to_plan and delivery <= fields.Date.add(today, days=2))
                )
            )
        return result

    def _prepare_purchase_line(self, line, product, quantity, vendor=None):
        name = line.name
        if line.part_number and line.part_number not in name:
            name = f"[{line.part_number}] {name}"
        vals = {
            "product_id": product.id,
            "name": name,
            "product_qty": quantity,
            "bodyshop_calculation_line_id": line.id,
            "analytic_distribution": self._analytic_distribution(),
        }
        price = line._purchase_price(vendor or line.vendor_id, product, quantity)
        if price is not None:
            vals["price_unit"] = price
        if (
            self.planned_start_date
            and self.planned_start_date >= fields.Date.context_today(self)
        ):
            # Needed on the planned start day, in the morning.
            vals["date_planned"] = fields.Datetime.to_datetime(
                self.planned_start_date
            ).replace(hour=7)
        return vals

    def _cancel_courtesy_reservations(self):
        """A closed dossier frees the courtesy cars it had reserved."""
        self.courtesy_booking_ids.filtered(
            lambda b: b.state == "reserved"
        ).action_cancel()

    def _work_order_calculation(self):
        """The version the workshop works from: the approved one, else the
        latest."""
        self.ensure_one()
        return self._approved_calculation() or self.current_calculation_id

    def _work_order_labour_groups(self, labour_lines):
        """Labour lines by labour type, in the order of the labour types."""
        labels = dict(
            labour_lines._fields["labour_type"]._description_selection(self.env)
        )
        groups = []
        for labour_type, label in labels.items():
            lines = labour_lines.filtered(lambda li, t=labour_type: li.labour_type == t)
            if lines:
                groups.append(
                    {
                        "label": label,
                        "units": sum(lines.mapped("labour_units")),
                        "lines": lines,
                    }
                )
        return groups

    def _notify_customer(self, milestone):
        """Mail the customer at ``milestone`` through the chatter, unless the
        dossier opted out."""
        template = self.env.ref(
            MILESTONE_TEMPLATES[milestone], raise_if_not_found=False
        )
        if not template:
            return
        for dossier in self.filtered("customer_updates"):
            if not dossier.customer_id.email:
                dossier._message_log(
                    body=_(
                        "No update mailed to %(customer)s: no e-mail address.",
                        customer=dossier.customer_id.display_name,
                    )
                )
                continue
            dossier.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )

    def _margin_calculation(self):
        """The version the margin counts: the invoiced one, else the approved."""
        self.ensure_one()
        return self.invoiced_calculation_id or self._approved_calculation()

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

    # invoicing, the way sale.order does it: the lines come from the
    # calculation lines (bodyshop.calculation.line._prepare_invoice_line), the
    # header from _prepare_invoice; one method per way of splitting the bill.

    def _prepare_invoices(self, calculation, previous):
        """The invoices' values: a total loss to the paying party; a
        supplement after the final calculation as the difference; else the
        whole calculation, split as MODEL.md says."""
        if self.state == "total_loss":
            lines = self._total_loss_invoice_lines(calculation)
            return [self._prepare_invoice(calculation, "payer", self.payer_id, lines)]
        if previous:
            payer_lines, customer_lines, untaxed = self._supplement_invoice_lines(
                calculation, previous
            )
            deductible = 0.0
        else:
            payer_lines, customer_lines = self._calculation_invoice_lines(calculation)
            untaxed = calculation.amount_payer_untaxed
            deductible = self.deductible_amount
        if self.payer_type == "private":
            return self._invoices_private(calculation, payer_lines + customer_lines)
        if self.customer_vat_liable:
            return self._invoices_vat_registered(
                calculation, payer_lines, customer_lines, untaxed, deductible
            )
        return self._invoices_with_deductible(
            calculation, payer_lines, customer_lines, deductible
        )

    def _invoices_private(self, calculation, lines):
        """A private customer pays everything himself: one invoice."""
        return [self._prepare_invoice(calculation, "customer", self.customer_id, lines)]

    def _invoices_with_deductible(
        self, calculation, payer_lines, customer_lines, deductible
    ):
        """The paying party pays every line less the deductible (VAT
        included); the customer pays the deductible and his extra work."""
        currency = calculation.currency_id
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
            tax = self.company_id._bodyshop_deductible_tax()
            label = _(
                "Deductible (eigen risico) of %(amount)s, VAT included, claim "
                "%(claim)s",
                amount=formatLang(self.env, deductible, currency_obj=currency),
                claim=self.claim_number or self.name,
            )
            payer_lines = payer_lines + [
                self._prepare_generated_invoice_line(
                    "deductible",
                    _(
                        "%(label)s paid by %(customer)s",
                        label=label,
                        customer=self.customer_id.display_name,
                    ),
                    -deductible,
                    taxes=tax,
                )
            ]
            customer_lines = [
                self._prepare_generated_invoice_line(
                    "deductible", label, deductible, taxes=tax
                )
            ] + customer_lines
        invoices = []
        if payer_lines:
            invoices.append(
                self._prepare_invoice(calculation, "payer", self.payer_id, payer_lines)
            )
        if customer_lines:
            invoices.append(
                self._prepare_invoice(
                    calculation, "customer", self.customer_id, customer_lines
                )
            )
        return invoices

    def _invoices_vat_registered(
        self, calculation, payer_lines, customer_lines, untaxed, deductible
    ):
        """A VAT-registered customer gets every line with its VAT less the
        paying party's share (the amount excluding VAT less the deductible),
        which the paying party pays untaxed."""
        currency = calculation.currency_id
        share = currency.round(untaxed - deductible)
        if currency.compare_amounts(share, 0) < 0:
            raise UserError(
                _(
                    "Deductible: %(deductible)s is more than the amount "
                    "excluding VAT of %(total)s.",
                    deductible=formatLang(self.env, deductible, currency_obj=currency),
                    total=formatLang(self.env, untaxed, currency_obj=currency),
                )
            )
        invoices = []
        if payer_lines:
            label = _(
                "Paid by %(payer)s: repair excluding VAT less the deductible "
                "(claim %(claim)s)",
                payer=self.payer_id.display_name,
                claim=self.claim_number or self.name,
            )
            no_tax = self.env["account.tax"]
            customer_lines = (
                payer_lines
                + [
                    self._prepare_generated_invoice_line(
                        "payer_share", label, -share, taxes=no_tax
                    )
                ]
                + customer_lines
            )
            invoices.append(
                self._prepare_invoice(
                    calculation,
                    "payer",
                    self.payer_id,
                    [
                        self._prepare_generated_invoice_line(
                            "payer_share", label, share, taxes=no_tax
                        )
                    ],
                )
            )
        if customer_lines:
            invoices.append(
                self._prepare_invoice(
                    calculation, "customer", self.customer_id, customer_lines
                )
            )
        return invoices

    def _calculation_invoice_lines(self, calculation):
        """(paying party's lines, customer-paid lines) of a whole calculation."""
        lines = calculation.line_ids.filtered(lambda li: not li.display_type)
        payer = [
            line._prepare_invoice_line()
            for line in lines.filtered(lambda li: not li.customer_paid)
        ]
        generated = {
            "paint_material": calculation.amount_paint_material_generated,
            "small_parts": calculation.amount_small_parts_generated,
        }
        for kind, label in (
            ("paint_material", _("Paint material")),
            ("small_parts", _("Small parts")),
        ):
            if not calculation.currency_id.is_zero(generated[kind]):
                payer.append(
                    self._prepare_generated_invoice_line(kind, label, generated[kind])
                )
        customer = [
            line._prepare_invoice_line()
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
                line._prepare_invoice_line()
            )
        for line in diff["removed"]:
            (customer if line.customer_paid else payer).append(
                line._prepare_invoice_line(
                    name=_("Removed: %(line)s", line=line.name),
                    quantity=1.0,
                    price_unit=-line.price_subtotal,
                    discount=0.0,
                )
            )
        for old, new in diff["changed"]:
            delta = currency.round(new.price_subtotal - old.price_subtotal)
            if currency.is_zero(delta):
                continue
            (customer if new.customer_paid else payer).append(
                new._prepare_invoice_line(
                    name=_("Changed: %(line)s", line=new.name),
                    quantity=1.0,
                    price_unit=delta,
                    discount=0.0,
                )
            )
        for kind, field_name, label in (
            (
                "paint_material",
                "amount_paint_material_generated",
                _("Paint material (difference)"),
            ),
            (
                "small_parts",
                "amount_small_parts_generated",
                _("Small parts (difference)"),
            ),
        ):
            delta = currency.round(calculation[field_name] - previous[field_name])
            if not currency.is_zero(delta):
                payer.append(self._prepare_generated_invoice_line(kind, label, delta))
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

    def _came_in(self):
        """The day the car came in: its check-in, else a physical intake (the
        car at the counter); False for a car that never stood at the shop."""
        self.ensure_one()
        if self.checkin_date:
            return self.checkin_date.date()
        if self.intake_channel == "physical":
            return self.intake_date.date()
        return False

    def _storage_days(self):
        """Calendar days the car stood at the shop, from the day it came in up
        to the invoice (both counted); 0 when it never came in."""
        self.ensure_one()
        came_in = self._came_in()
        if not came_in:
            return 0
        today = fields.Date.context_today(self)
        return max((today - came_in).days + 1, 1)

    def _estimating_fee_units(self):
        """Begrotingskosten: the agreement's labour units, at least 12."""
        self.ensure_one()
        return max(self.agreement_id.estimating_fee_units, 12.0)

    def _total_loss_invoice_lines(self, calculation):
        """The estimating fee (begrotingskosten), the storage days
        (stallingskosten) and the towing and other costs of ``calculation``:
        what the paying party owes for a car that is not repaired. No
        deductible."""
        agreement = self.agreement_id
        units = self._estimating_fee_units()
        hours = units / agreement.units_per_hour if agreement else 0.0
        fee = self._prepare_generated_invoice_line(
            "estimating_fee",
            _(
                "Estimating fee: %(units)s AE at the body work rate",
                units=formatLang(self.env, units, digits=1),
            ),
            self.estimating_fee_amount,
        )
        if agreement.rate_body and not self.currency_id.compare_amounts(
            hours * agreement.rate_body, self.estimating_fee_amount
        ):
            fee.update(quantity=hours, price_unit=agreement.rate_body)
        lines = [fee]
        days = self._storage_days()
        if agreement.storage_day_rate and days:
            lines.append(
                self._prepare_generated_invoice_line(
                    "storage",
                    _(
                        "Storage: %(days)s days from %(date)s",
                        days=days,
                        date=format_date(self.env, self._came_in()),
                    ),
                    agreement.storage_day_rate,
                    quantity=days,
                )
            )
        lines += [
            line._prepare_invoice_line()
            for line in calculation.line_ids.filtered(
                lambda li: (
                    not li.display_type
                    and li.line_type == "other"
                    and not li.customer_paid
                )
            )
        ]
        return lines

    def _prepare_generated_invoice_line(
        self, kind, name, price, taxes=None, quantity=1.0
    ):
        """Values of an invoice line the dossier makes itself (paint material,
        small parts, deductible, payer's share, estimating fee, storage), at
        the company's sales tax unless ``taxes`` says otherwise."""
        if taxes is None:
            taxes = self.company_id.account_sale_tax_id
        return {
            "display_type": "product",
            "product_id": self.env.ref(BODYSHOP_PRODUCTS[kind]).id,
            "name": name,
            "quantity": quantity,
            "price_unit": price,
            "tax_ids": [Command.set(taxes.ids)],
        }

    def _prepare_invoice(self, calculation, role, partner, lines):
        """The values of an invoice to ``partner`` (``role``: payer or
        customer) with ``lines``: the partner's fiscal position maps the
        lines' taxes (a paying party abroad, btw verlegd), the dossier's
        analytic account takes them; the paying party pays as agreed, the
        customer as he always does (his own payment terms)."""
        fiscal_position = (
            self.env["account.fiscal.position"]
            .with_company(self.company_id)
            ._get_fiscal_position(partner)
        )
        Tax = self.env["account.tax"]
        distribution = self._analytic_distribution()
        for vals in lines:
            taxes = Tax.browse(vals["tax_ids"][0][2])
            vals["tax_ids"] = [Command.set(fiscal_position.map_tax(taxes).ids)]
            if distribution:
                vals["analytic_distribution"] = distribution
        vals = {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "company_id": self.company_id.id,
            "fiscal_position_id": fiscal_position.id,
            "invoice_user_id": self.user_id.id,
            "invoice_origin": calculation.name,
            "ref": self.claim_number or self.name,
            "bodyshop_dossier_id": self.id,
            "bodyshop_calculation_id": calculation.id,
            "bodyshop_invoice_role": role,
            "invoice_line_ids": [Command.create(line_vals) for line_vals in lines],
        }
        if role == "payer" and self.agreement_id.payment_term_id:
            vals["invoice_payment_term_id"] = self.agreement_id.payment_term_id.id
        return vals

    # what the dossier earned (analytic accounting)

    def _create_analytic_accounts(self):
        """An analytic account per dossier, in its company's plan of damage
        dossiers."""
        Account = self.env["account.analytic.account"].sudo()
        for dossier in self.filtered(lambda d: not d.analytic_account_id):
            dossier.sudo().analytic_account_id = Account.create(
                {
                    "name": " ".join(
                        filter(None, [dossier.name, dossier.license_plate])
                    ),
                    "code": dossier.name,
                    "plan_id": dossier.company_id._bodyshop_analytic_plan().id,
                    "company_id": dossier.company_id.id,
                    "partner_id": dossier.customer_id.id,
                }
            )

    def _analytic_distribution(self):
        """The distribution that books a line on this dossier."""
        self.ensure_one()
        account = self.sudo().analytic_account_id
        return {str(account.id): 100} if account else {}

    def _analytic_lines_by_account(self):
        """The posted analytic lines of the dossiers' accounts, by account."""
        accounts = self.sudo().analytic_account_id
        if not accounts:
            return {}
        result = {}
        for plan, plan_accounts in accounts.grouped("root_plan_id").items():
            column = plan._column_name()
            for line in (
                self.env["account.analytic.line"]
                .sudo()
                .search([(column, "in", plan_accounts.ids)])
            ):
                result.setdefault(line[column].id, []).append(line)
        return result

    @api.model
    def _standard_cost_products(self):
        return {
            kind: self.env.ref(BODYSHOP_PRODUCTS[kind])
            for kind in ("labour", "paint_material")
        }

    def _standard_costs(self, calculation):
        """(labour, paint) of ``calculation`` at the shop's standard cost: the
        sold hours at the cost per hour of their labour type, the paint
        material at its cost percentage (Settings)."""
        self.ensure_one()
        company = self.company_id
        labour = sum(
            line.labour_units
            / calculation.units_per_hour
            * company._bodyshop_labour_cost_rate(line.labour_type)
            for line in calculation.line_ids.filtered(
                lambda li: not li.display_type and li.line_type == "labour"
            )
        )
        pct = company.bodyshop_paint_cost_pct
        paint = calculation.amount_paint_material * pct / 100
        return labour, paint

    def _drop_standard_labour_cost(self):
        """Clocked time is the labour cost: a standard labour cost booked at
        invoicing, before the workshop manager added forgotten time, goes."""
        products = self._standard_cost_products()
        for dossier in self.sudo():
            account = dossier.analytic_account_id
            if not account:
                continue
            standard = (
                self.env["account.analytic.line"]
                .sudo()
                .search(
                    [
                        (account.root_plan_id._column_name(), "=", account.id),
                        ("product_id", "=", products["labour"].id),
                        ("move_line_id", "=", False),
                        ("id", "not in", dossier.time_entry_ids.analytic_line_id.ids),
                    ]
                )
            )
            if standard:
                standard.unlink()
                for field in self._fields.values():
                    if field.compute == "_compute_margin":
                        self.env.add_to_compute(field, dossier)

    def _book_standard_costs(self, calculation, previous=None):
        """Book the paint cost, and the labour cost when nobody clocked on the
        dossier, of what was invoiced on the dossier's analytic account (the
        difference with ``previous`` for a supplement): analytic lines, as
        Odoo books timesheets."""
        self.ensure_one()
        account = self.sudo().analytic_account_id
        if not account or self.state == "total_loss":
            return
        labour, paint = self._standard_costs(calculation)
        if previous:
            labour_before, paint_before = self._standard_costs(previous)
            labour, paint = labour - labour_before, paint - paint_before
        if self.time_entry_ids:
            # The technicians' clocked time is the labour cost, booked as
            # they clock.
            labour = 0.0
        products = self._standard_cost_products()
        column = account.root_plan_id._column_name()
        currency = self.currency_id
        values = []
        for kind, amount, label in (
            (
                "labour",
                labour,
                _("Labour at standard cost: %(name)s", name=calculation.name),
            ),
            (
                "paint_material",
                paint,
                _("Paint material at cost: %(name)s", name=calculation.name),
            ),
        ):
            amount = currency.round(amount)
            if currency.is_zero(amount):
                continue
            values.append(
                {
                    "name": label,
                    "amount": -amount,
                    "date": fields.Date.context_today(self),
                    "product_id": products[kind].id,
                    "company_id": self.company_id.id,
                    column: account.id,
                }
            )
        if values:
            self.env["account.analytic.line"].sudo().create(values)
