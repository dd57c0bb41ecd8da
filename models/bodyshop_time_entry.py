from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .bodyshop_agreement import LABOUR_TYPES
from .bodyshop_calculation_line import BODYSHOP_PRODUCTS

# A technician clocks on a dossier the paying party approved, until the car is
# ready.
CLOCKING_STATES = ("approved", "repair")
# A workshop manager adds forgotten time to a dossier that was repaired.
CORRECTION_STATES = ("approved", "repair", "ready", "delivered", "invoiced")
# A clock still running this long after the end of the working day was
# forgotten: it stops at that end, flagged. Sooner, the technician is working
# late and his time counts as he clocks it.
FORGOTTEN_AFTER = timedelta(hours=2)

# One technician is never clocked twice at once, also between concurrent
# transactions (two kiosks); a running entry reaches to infinity. The
# employee id as a one-value range keeps this to core PostgreSQL.
NO_OVERLAP = (
    "EXCLUDE USING gist (int4range(employee_id, employee_id, '[]'::text) WITH &&, "
    "tsrange(date_start, date_end) WITH &&)"
)


class BodyshopTimeEntry(models.Model):
    """One stretch of work a technician clocked on a dossier, as a work
    order's time in Odoo's manufacturing: its cost (the hours at the
    technician's hourly cost) is an analytic line on the dossier's account."""

    _name = "bodyshop.time.entry"
    _description = "Clocked Time"
    _inherit = ["mail.thread", "bodyshop.guard.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    # MODEL.md, "The workshop": the kiosk starts and stops entries, the
    # workshop manager corrects them with a reason (wizard).
    _bodyshop_workflow_fields = (
        "dossier_id",
        "employee_id",
        "labour_type",
        "date_start",
        "date_end",
        "hourly_cost",
        "automatic_stop",
        "unsold_labour_type",
        "to_check",
        "analytic_line_id",
    )

    name = fields.Char(compute="_compute_name")
    dossier_id = fields.Many2one(
        comodel_name="bodyshop.dossier",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="dossier_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    license_plate = fields.Char(related="dossier_id.license_plate")
    employee_id = fields.Many2one(
        comodel_name="hr.employee",
        string="Technician",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    labour_type = fields.Selection(selection=LABOUR_TYPES, required=True, tracking=True)
    date_start = fields.Datetime(string="Start", required=True, tracking=True)
    date_end = fields.Datetime(
        string="Stop", tracking=True, help="Empty while the technician works."
    )
    hours = fields.Float(
        compute="_compute_hours",
        store=True,
        digits=(16, 2),
        help="Hours from start to stop; nothing while the clock runs.",
    )
    hourly_cost = fields.Monetary(
        readonly=True,
        help="The technician's hourly cost (Employees) when he started.",
    )
    cost = fields.Monetary(
        compute="_compute_cost",
        store=True,
        help="The hours at the technician's hourly cost: the labour cost of "
        "the dossier's margin.",
    )
    automatic_stop = fields.Boolean(
        string="Stopped Automatically",
        readonly=True,
        help="The clock ran past the end of the technician's working day and "
        "was stopped at that end.",
    )
    unsold_labour_type = fields.Boolean(
        string="Not Sold",
        readonly=True,
        help="The approved calculation has no hours of this labour type.",
    )
    to_check = fields.Boolean(
        readonly=True,
        tracking=True,
        help="Stopped automatically or clocked on work that was not sold: the "
        "workshop manager checks it.",
    )
    analytic_line_id = fields.Many2one(
        comodel_name="account.analytic.line",
        readonly=True,
        copy=False,
    )

    _sql_constraints = [
        (
            "dates_check",
            "CHECK (date_end IS NULL OR date_end > date_start)",
            "Clocked time stops after it starts.",
        ),
        (
            "employee_period_excl",
            NO_OVERLAP,
            "A technician cannot be clocked on two jobs at once.",
        ),
    ]

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("dossier_id.name", "labour_type")
    def _compute_name(self):
        for entry in self:
            label = entry._selection_label("labour_type") if entry.labour_type else ""
            entry.name = f"{entry.dossier_id.name or ''} · {label}"

    @api.depends("date_start", "date_end")
    def _compute_hours(self):
        for entry in self:
            if entry.date_start and entry.date_end:
                seconds = (entry.date_end - entry.date_start).total_seconds()
                entry.hours = seconds / 3600
            else:
                entry.hours = 0.0

    @api.depends("date_start", "date_end", "hourly_cost", "currency_id")
    def _compute_cost(self):
        # From the exact time worked, not from the hours rounded for display.
        for entry in self:
            seconds = (
                (entry.date_end - entry.date_start).total_seconds()
                if entry.date_start and entry.date_end
                else 0.0
            )
            entry.cost = entry.currency_id.round(seconds / 3600 * entry.hourly_cost)

    # ------------------------------------------------------------
    # CONSTRAINT METHODS
    # ------------------------------------------------------------

    @api.constrains("employee_id", "date_start", "date_end")
    def _check_overlap(self):
        """The exclusion constraint guarantees it; this says which entry."""
        for entry in self:
            self._check_free(entry.employee_id, entry.date_start, entry.date_end, entry)

    @api.model
    def _check_free(self, employee, date_start, date_end, entry=None):
        """Refuse time of ``employee`` that overlaps his other clocked time
        (checked before writing, so the user reads which entry)."""
        domain = [
            ("employee_id", "=", employee.id),
            "|",
            ("date_end", "=", False),
            ("date_end", ">", date_start),
        ]
        if entry:
            domain.append(("id", "!=", entry.id))
        if date_end:
            domain.append(("date_start", "<", date_end))
        other = self.sudo().search(domain, limit=1)
        if other:
            raise ValidationError(
                _(
                    "%(employee)s was already clocked on %(other)s from "
                    "%(start)s: one technician works on one job at a time.",
                    employee=employee.name,
                    other=other.name,
                    start=fields.Datetime.to_string(
                        fields.Datetime.context_timestamp(self, other.date_start)
                    )[:16],
                )
            )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        now = fields.Datetime.now()
        for entry in self:
            if entry.date_end and entry.date_end <= entry.date_start:
                raise ValidationError(
                    _("%(name)s: the stop must come after the start.", name=entry.name)
                )
            if entry.date_start > fields.Datetime.add(now, minutes=1) or (
                entry.date_end and entry.date_end > fields.Datetime.add(now, minutes=1)
            ):
                raise ValidationError(
                    _(
                        "%(name)s: time cannot be clocked in the future.",
                        name=entry.name,
                    )
                )

    # ------------------------------------------------------------
    # CRUD METHODS
    # ------------------------------------------------------------

    def unlink(self):
        self.sudo().analytic_line_id.unlink()
        return super().unlink()

    # ------------------------------------------------------------
    # ACTION METHODS
    # ------------------------------------------------------------

    def action_correct(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Correct Clocked Time"),
            "res_model": "bodyshop.time.entry.correction",
            "view_mode": "form",
            "target": "new",
            "context": {"default_entry_id": self.id},
        }

    def action_mark_checked(self):
        self._check_can_correct()
        self.filtered("to_check")._write_workflow({"to_check": False})
        return True

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    @api.model
    def _check_can_clock_in(self, employee, dossier, labour_type):
        if not employee.bodyshop_technician or not employee.active:
            raise UserError(
                _(
                    "%(employee)s is not a workshop technician: a workshop "
                    "manager marks technicians on their employee form.",
                    employee=employee.name,
                )
            )
        if not dossier or dossier.company_id != employee.company_id:
            raise UserError(
                _(
                    "This job is not a dossier of %(company)s.",
                    company=employee.company_id.name,
                )
            )
        if dossier.state not in CLOCKING_STATES:
            raise UserError(
                _(
                    "Dossier %(name)s is %(state)s: technicians clock on a dossier "
                    "once the paying party approved it, until the car is ready.",
                    name=dossier.name,
                    state=dossier._selection_label(),
                )
            )
        if labour_type not in dict(LABOUR_TYPES):
            raise UserError(
                _("%(value)s is not a labour type.", value=repr(labour_type))
            )
        if dossier.ev_repair_blocked and labour_type != "electrical":
            raise UserError(
                _(
                    "Dossier %(name)s: this electric car is not declared "
                    "voltage-free yet. Only the ev-VP works on it (electrical) "
                    "until then.",
                    name=dossier.name,
                )
            )

    @api.model
    def _do_clock_in(self, employee, dossier, labour_type, now):
        unsold = self._is_unsold(dossier, labour_type)
        entry = (
            self.sudo()
            .with_context(tracking_disable=True)
            .create(
                {
                    "dossier_id": dossier.id,
                    "employee_id": employee.id,
                    "labour_type": labour_type,
                    "date_start": now,
                    "hourly_cost": employee.sudo().hourly_cost,
                    "unsold_labour_type": unsold,
                    "to_check": unsold,
                }
            )
        )
        return entry.with_env(self.env)

    @api.model
    def _is_unsold(self, dossier, labour_type):
        """Clocking on a labour type the approved calculation has no hours
        for is allowed (the car needs it), but flagged for the workshop
        manager."""
        return not dossier._sold_hours_by_type()[dossier].get(labour_type)

    def _do_stop(self, date_end, automatic=False):
        for entry in self:
            vals = {"date_end": max(date_end, entry.date_start)}
            if automatic:
                vals.update(automatic_stop=True, to_check=True)
            if vals["date_end"] == entry.date_start:
                # Nothing was worked: the entry goes, no zero-length time.
                entry.sudo().unlink()
                continue
            entry.sudo().write(vals)
            if automatic:
                entry.sudo()._message_log(
                    body=_(
                        "The clock ran past the end of the working day: stopped "
                        "at its end. Check the time."
                    )
                )
            entry._post_analytic_line()

    def _post_analytic_line(self):
        """The entry's cost on the dossier's analytic account, as Odoo's
        manufacturing books a work order's time; kept equal to the entry."""
        product = self.env.ref(BODYSHOP_PRODUCTS["labour"])
        for entry in self.sudo():
            if not entry.date_end:
                continue
            account = entry.dossier_id.analytic_account_id
            if not account:
                continue
            vals = {
                "name": _(
                    "%(entry)s: %(employee)s",
                    entry=entry.name,
                    employee=entry.employee_id.name,
                ),
                "amount": -entry.cost,
                "unit_amount": entry.hours,
                "product_uom_id": self.env.ref("uom.product_uom_hour").id,
                "date": entry.employee_id._bodyshop_local_date(entry.date_start),
                "product_id": product.id,
                "company_id": entry.company_id.id,
                account.root_plan_id._column_name(): account.id,
            }
            if entry.analytic_line_id:
                entry.analytic_line_id.write(vals)
            else:
                entry.analytic_line_id = self.env["account.analytic.line"].create(vals)
        self.dossier_id._drop_standard_labour_cost()

    def _check_can_correct(self):
        if not (
            self.env.su or self.env.user.has_group("bodyshop.group_bodyshop_workshop")
        ):
            raise UserError(_("Only a workshop manager corrects clocked time."))
        self.check_access("write")

    def _do_correct(self, vals, reason):
        """The workshop manager's correction: tracked, with its reason."""
        self.ensure_one()
        vals = dict(vals, to_check=False)
        if {"dossier_id", "labour_type"} & set(vals):
            dossier = self.env["bodyshop.dossier"].browse(
                vals.get("dossier_id", self.dossier_id.id)
            )
            vals["unsold_labour_type"] = self._is_unsold(
                dossier, vals.get("labour_type", self.labour_type)
            )
        self._check_free(
            self.employee_id,
            vals.get("date_start", self.date_start),
            vals.get("date_end", self.date_end),
            self,
        )
        self._write_workflow(vals)
        self._post_analytic_line()
        self.message_post(
            body=_("Corrected: %(reason)s", reason=reason),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    @api.model
    def _do_add(self, vals, reason):
        """Time the technician forgot to clock, added by the workshop manager."""
        employee = self.env["hr.employee"].browse(vals["employee_id"])
        dossier = self.env["bodyshop.dossier"].browse(vals["dossier_id"])
        self._check_free(employee, vals["date_start"], vals["date_end"])
        entry = self.sudo().create(
            {
                **vals,
                "hourly_cost": employee.sudo().hourly_cost,
                "unsold_labour_type": self._is_unsold(dossier, vals["labour_type"]),
            }
        )
        entry._post_analytic_line()
        entry.message_post(
            body=_("Added by the workshop manager: %(reason)s", reason=reason),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return entry.with_env(self.env)

    @api.model
    def _load_demo_clock_history(self, rows):
        """Demo data: clocked time of the days before, through the stop the
        kiosk uses. ``rows``: (employee xmlid, dossier xmlid, labour type,
        working days ago, start hour, hours)."""
        for employee_ref, dossier_ref, labour_type, days_ago, hour, hours in rows:
            employee = self.env.ref(employee_ref)
            dossier = self.env.ref(dossier_ref)
            tz = employee._bodyshop_tz()
            day = fields.Date.context_today(self)
            while days_ago or day.weekday() >= 5:
                day -= timedelta(days=1)
                if day.weekday() < 5:
                    days_ago -= 1
            start = tz.localize(datetime.combine(day, time()) + timedelta(hours=hour))
            start = start.astimezone(pytz.utc).replace(tzinfo=None)
            entry = self.sudo().create(
                {
                    "dossier_id": dossier.id,
                    "employee_id": employee.id,
                    "labour_type": labour_type,
                    "date_start": start,
                    "hourly_cost": employee.hourly_cost,
                    "unsold_labour_type": self._is_unsold(dossier, labour_type),
                }
            )
            entry._do_stop(start + timedelta(hours=hours))

    @api.model
    def _cron_stop_forgotten(self):
        """A clock left running past the end of the working day stops at that
        end, flagged for the workshop manager."""
        now = fields.Datetime.now()
        running = self.sudo().search([("date_end", "=", False)])
        for employee in running.employee_id:
            entries = running.filtered(lambda e, emp=employee: e.employee_id == emp)
            if any(
                employee._bodyshop_day_end(entry.date_start) + FORGOTTEN_AFTER < now
                for entry in entries
            ):
                employee._bodyshop_clock_out(now)
