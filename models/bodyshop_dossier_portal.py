from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq
from odoo.tools.misc import formatLang

from .bodyshop_calculation import BodyshopCalculation
from .bodyshop_dossier import BodyshopDossier

# States in which the customer can still sign the repair order.
SIGNABLE_STATES = ("intake", "calculation", "approval", "approved", "repair")
# States of a calculation whose extra work the customer can approve.
EXTRA_WORK_APPROVABLE_STATES = ("sent", "approved")


class BodyshopDossierPortal(models.Model):
    """The portal of the customer and of the paying party (/my/dossiers).

    Portal users have no rights on the body shop's models: the controller
    checks the token or the ownership with ``_portal_get_roles`` and reads in
    sudo; these helpers return only what the viewer may see.
    """

    _inherit = "bodyshop.dossier"
    _bodyshop_workflow_fields = BodyshopDossier._bodyshop_workflow_fields + (
        "assignment_signature",
        "assignment_signed_by",
        "assignment_signed_on",
    )

    assignment_signature = fields.Binary(
        readonly=True,
        copy=False,
        attachment=True,
        help="The customer's signature of the repair order with the assignment "
        "of his claim (akte van cessie), given on the portal.",
    )
    assignment_signed_by = fields.Char(readonly=True, copy=False)
    assignment_signed_on = fields.Datetime(readonly=True, copy=False)

    def _compute_access_url(self):  # pylint: disable=missing-return
        super()._compute_access_url()
        for dossier in self:
            dossier.access_url = f"/my/dossiers/{dossier.id}"

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.name

    # ------------------------------------------------------------
    # ACTION METHODS
    # ------------------------------------------------------------

    def action_send_portal_link(self):
        """Open the mail composer with the customer's portal link."""
        return self._bodyshop_mail_composer(
            "bodyshop.mail_template_portal_link",
            _("Send Portal Link"),
            default_email_layout_xmlid="mail.mail_notification_light",
        )

    # ------------------------------------------------------------
    # PORTAL HELPERS (called in sudo by the controller)
    # ------------------------------------------------------------

    @api.model
    def _portal_domain(self, partner):
        """The dossiers ``partner``'s company is the customer or payer of."""
        commercial = partner.commercial_partner_id
        return [
            "|",
            ("customer_id.commercial_partner_id", "=", commercial.id),
            ("payer_id.commercial_partner_id", "=", commercial.id),
        ]

    @api.model
    def _portal_search(self, partner, offset=0, limit=20):
        """One page of ``partner``'s dossiers and their count."""
        domain = self._portal_domain(partner)
        return (
            self.search(domain, offset=offset, limit=limit),
            self.search_count(domain),
        )

    def _portal_get_roles(self, user, access_token=None):
        """What the viewer is to this dossier: a set of ``customer`` and
        ``payer`` (empty: no access). A valid access token is the customer's
        (the mails go to him)."""
        self.ensure_one()
        roles = set()
        if (
            access_token
            and self.access_token
            and consteq(self.access_token, access_token)
        ):
            roles.add("customer")
        if not user._is_public():
            commercial = user.partner_id.commercial_partner_id
            if self.customer_id.commercial_partner_id == commercial:
                roles.add("customer")
            if self.payer_id.commercial_partner_id == commercial:
                roles.add("payer")
        if "customer" in roles and self.payer_type == "private":
            # A private customer pays himself: he answers the calculation.
            roles.add("payer")
        return roles

    def _portal_viewer_partner(self, user, roles):
        """The commercial partner the viewer acts for."""
        self.ensure_one()
        if not user._is_public():
            return user.partner_id.commercial_partner_id
        return self.customer_id.commercial_partner_id

    def _portal_timeline(self):
        """The steps of the repair as the customer follows them."""
        self.ensure_one()
        approvals = self.calculation_ids.approval_ids.filtered(
            lambda a: a.state in ("approved", "partial") and a.responded_on
        )
        approved_on = min(approvals.mapped("responded_on"), default=False)
        steps = [
            (_("Car registered"), self.intake_date),
            (_("Repair approved"), approved_on),
            (_("Repair started"), self.repair_start),
            (_("Ready for pickup"), self.repair_end),
            (_("Picked up"), self.delivery_date),
        ]
        return [
            {
                "label": label,
                "date": date and fields.Datetime.context_timestamp(self, date).date(),
                "done": bool(date),
            }
            for label, date in steps
        ]

    def _portal_shared_photos(self):
        self.ensure_one()
        return self.photo_ids.filtered("bodyshop_portal_shared").sorted("id")

    def _portal_shared_reports(self):
        self.ensure_one()
        return self.document_ids.filtered("bodyshop_portal_shared").sorted("id")

    def _portal_calculation(self):
        """The latest version the paying party has been sent."""
        self.ensure_one()
        sent = self.calculation_ids.filtered(lambda c: c.state != "draft")
        return sent.sorted("version")[-1:]

    def _portal_extra_work_calculation(self):
        """The version whose extra work the customer approves: the latest one
        sent or approved (a rejected or superseded one no longer counts)."""
        self.ensure_one()
        current = self.calculation_ids.filtered(
            lambda c: c.state in EXTRA_WORK_APPROVABLE_STATES
        )
        return current.sorted("version")[-1:]

    def _portal_pending_approval(self):
        self.ensure_one()
        calculation = self._portal_calculation()
        if calculation.state != "sent":
            return self.env["bodyshop.approval"]
        return calculation.approval_ids.filtered(lambda a: a.state == "pending")[:1]

    def _portal_extra_work_lines(self):
        """The extra work (meerwerk) the customer pays himself."""
        self.ensure_one()
        return self._portal_calculation().line_ids.filtered(
            lambda li: not li.display_type and li.customer_paid
        )

    def _portal_invoices(self, partner):
        """The posted invoices of this dossier addressed to ``partner``."""
        self.ensure_one()
        return self.invoice_ids.filtered(
            lambda m: (
                m.state == "posted"
                and m.move_type in ("out_invoice", "out_refund")
                and m.partner_id.commercial_partner_id == partner
            )
        )

    def _portal_can_sign(self):
        self.ensure_one()
        return not self.assignment_signed_on and self.state in SIGNABLE_STATES

    def _portal_sign(self, name, signature):
        """The customer signs the repair order and the assignment."""
        self.ensure_one()
        if not self._portal_can_sign():
            raise UserError(_("This repair order can no longer be signed."))
        name = (name or "").strip()
        if not name or not signature:
            raise UserError(_("Give your name and your signature."))
        self._write_workflow(
            {
                "assignment_signature": signature,
                "assignment_signed_by": name,
                "assignment_signed_on": fields.Datetime.now(),
            }
        )
        self.message_post(
            body=_(
                "Repair order and assignment signed on the portal by %(name)s.",
                name=name,
            ),
            author_id=self.customer_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            partner_ids=self.user_id.partner_id.ids,
        )

    def _portal_answer(self, approval, decision, amount, reference, note, who):
        """The paying party's answer on the portal, as the response wizard
        registers it, with its guards."""
        self.ensure_one()
        if approval.dossier_id != self:
            raise UserError(_("This approval request is not of this dossier."))
        with self.env.cr.savepoint():
            approval._check_can_respond()
            approval.channel = "portal"
            if decision == "reject":
                approval.action_reject(reference, who, note)
            elif decision == "partial":
                if amount is None:
                    raise UserError(_("Give the amount you approve."))
                approval.action_approve(amount, reference, who, note)
            elif decision == "approve":
                approval.action_approve(None, reference, who, note)
            else:
                raise UserError(_("Choose approve, approve a lower amount or reject."))


class BodyshopCalculationPortal(models.Model):
    """The customer's OK, on the portal, of the extra work (meerwerk) he pays
    himself on a dossier the paying party pays."""

    _inherit = "bodyshop.calculation"
    _bodyshop_workflow_fields = BodyshopCalculation._bodyshop_workflow_fields + (
        "customer_approved_on",
        "customer_approved_by",
    )
    # Given on a sent or approved (locked) version, by the workflow only.
    _bodyshop_unlocked_fields = BodyshopCalculation._bodyshop_unlocked_fields | {
        "customer_approved_on",
        "customer_approved_by",
    }

    customer_approved_on = fields.Datetime(
        string="Extra Work Approved On",
        readonly=True,
        copy=False,
        help="When the customer approved on the portal the extra work he pays himself.",
    )
    customer_approved_by = fields.Char(
        string="Extra Work Approved By",
        readonly=True,
        copy=False,
        help="Who approved on the portal the extra work the customer pays himself.",
    )

    def _extra_work_lines(self):
        self.ensure_one()
        return self.line_ids.filtered(
            lambda li: not li.display_type and li.customer_paid
        )

    def _portal_can_approve_extra_work(self):
        self.ensure_one()
        return (
            self.state in EXTRA_WORK_APPROVABLE_STATES
            and bool(self._extra_work_lines())
            and not self.customer_approved_on
        )

    def _check_can_approve_extra_work(self):
        self.ensure_one()
        if self.state not in EXTRA_WORK_APPROVABLE_STATES:
            raise UserError(
                _(
                    "Calculation %(name)s has not been sent: its extra work cannot "
                    "be approved.",
                    name=self.name,
                )
            )
        if not self._extra_work_lines():
            raise UserError(
                _(
                    "Calculation %(name)s has no extra work paid by the customer.",
                    name=self.name,
                )
            )
        if self.customer_approved_on:
            raise UserError(
                _(
                    "The extra work of calculation %(name)s has already been "
                    "approved by %(who)s.",
                    name=self.name,
                    who=self.customer_approved_by,
                )
            )

    def _portal_approve_extra_work(self, who):
        """The customer orders the extra work he pays himself."""
        self.ensure_one()
        self._check_can_approve_extra_work()
        who = (who or "").strip() or self.dossier_id.customer_id.name
        self._write_workflow(
            {"customer_approved_by": who, "customer_approved_on": fields.Datetime.now()}
        )
        dossier = self.dossier_id
        money = formatLang(
            self.env, self.amount_customer_paid, currency_obj=self.currency_id
        )
        lines = Markup("").join(
            Markup("<li>%s</li>") % line.name for line in self._extra_work_lines()
        )
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            _(
                "%(calc)s: extra work approved on the portal by %(who)s, paid by "
                "the customer: %(amount)s (VAT included).",
                calc=self.name,
                who=who,
                amount=money,
            ),
            lines,
        )
        dossier.message_post(
            body=body,
            author_id=dossier.customer_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            partner_ids=dossier.user_id.partner_id.ids,
        )


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    bodyshop_portal_shared = fields.Boolean(
        string="Shared on the Portal",
        help="The customer and the paying party see this photo or report of the "
        "damage dossier on the portal.",
    )
