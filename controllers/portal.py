"""The portal of the customer and of the paying party: /my/dossiers.

Portal users have no rights on the body shop's models (an RPC caller must not
read margins or prices): every route checks the access token or the ownership
itself (``_dossier_check_access``), reads in sudo and renders only what the
viewer may see.
"""

import binascii
from urllib.parse import quote

from odoo import _, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

DOSSIERS_PER_PAGE = 20


class BodyshopCustomerPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "bodyshop_dossier_count" in counters:
            Dossier = request.env["bodyshop.dossier"].sudo()
            values["bodyshop_dossier_count"] = Dossier.search_count(
                Dossier._portal_domain(request.env.user.partner_id), limit=1
            )
        return values

    def _dossier_check_access(self, dossier_id, access_token=None):
        """The dossier in sudo and the viewer's roles on it: a valid token
        (the customer's) or the ownership rule; else AccessError."""
        dossier_sudo = (
            request.env["bodyshop.dossier"].sudo().browse(dossier_id).exists()
        )
        if not dossier_sudo:
            raise MissingError(_("This dossier does not exist."))
        roles = dossier_sudo._portal_get_roles(request.env.user, access_token)
        if not roles:
            raise AccessError(_("You cannot open this dossier."))
        return dossier_sudo, roles

    def _dossier_denied(self):
        if request.env.user._is_public():
            return request.redirect(
                f"/web/login?redirect={request.httprequest.full_path}"
            )
        return request.redirect("/my")

    # ------------------------------------------------------------
    # ROUTES
    # ------------------------------------------------------------

    @http.route(
        ["/my/dossiers", "/my/dossiers/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_dossiers(self, page=1, **kw):
        Dossier = request.env["bodyshop.dossier"].sudo()
        partner = request.env.user.partner_id
        total = Dossier.search_count(Dossier._portal_domain(partner))
        pager = portal_pager(
            url="/my/dossiers", total=total, page=page, step=DOSSIERS_PER_PAGE
        )
        dossiers, _total = Dossier._portal_search(
            partner, offset=pager["offset"], limit=DOSSIERS_PER_PAGE
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "dossiers": dossiers,
                "commercial_partner": partner.commercial_partner_id,
                "page_name": "bodyshop_dossier",
                "pager": pager,
                "default_url": "/my/dossiers",
            }
        )
        return request.render("bodyshop.portal_my_dossiers", values)

    @http.route(
        "/my/dossiers/<int:dossier_id>", type="http", auth="public", website=True
    )
    def portal_my_dossier(self, dossier_id, access_token=None, message=None, **kw):
        try:
            dossier_sudo, roles = self._dossier_check_access(dossier_id, access_token)
        except (AccessError, MissingError):
            return self._dossier_denied()
        values = self._dossier_page_values(dossier_sudo, roles, access_token, message)
        return request.render("bodyshop.portal_dossier_page", values)

    @http.route(
        "/my/dossiers/<int:dossier_id>/document/<string:kind>",
        type="http",
        auth="public",
        website=True,
    )
    def portal_dossier_document(self, dossier_id, kind, access_token=None, **kw):
        """The calculation PDF (for the paying party) and the delivery note."""
        try:
            dossier_sudo, roles = self._dossier_check_access(dossier_id, access_token)
        except (AccessError, MissingError):
            return self._dossier_denied()
        if kind == "calculation" and "payer" in roles:
            record = dossier_sudo._portal_calculation()
            report = "bodyshop.action_report_calculation"
        elif kind == "delivery_note" and dossier_sudo.delivery_date:
            record = dossier_sudo
            report = "bodyshop.action_report_delivery_note"
        else:
            record = None
        if not record:
            raise request.not_found()
        return self._show_report(
            model=record, report_type="pdf", report_ref=report, download=True
        )

    @http.route(
        "/my/dossiers/<int:dossier_id>/file/<int:attachment_id>",
        type="http",
        auth="public",
        website=True,
    )
    def portal_dossier_file(
        self, dossier_id, attachment_id, access_token=None, size=None, **kw
    ):
        """A photo or report the shop shares on the portal."""
        try:
            dossier_sudo, _roles = self._dossier_check_access(dossier_id, access_token)
        except (AccessError, MissingError):
            return self._dossier_denied()
        shared = dossier_sudo._portal_shared_photos() | (
            dossier_sudo._portal_shared_reports()
        )
        attachment = shared.filtered(lambda a: a.id == attachment_id)
        if not attachment:
            raise request.not_found()
        binary = request.env["ir.binary"]
        if size and attachment.mimetype.startswith("image/"):
            stream = binary._get_image_stream_from(attachment, width=480, height=480)
        else:
            stream = binary._get_stream_from(attachment)
        return stream.get_response()

    @http.route(
        "/my/dossiers/<int:dossier_id>/sign", type="json", auth="public", website=True
    )
    def portal_dossier_sign(
        self, dossier_id, access_token=None, name=None, signature=None
    ):
        access_token = access_token or request.httprequest.args.get("access_token")
        try:
            dossier_sudo, roles = self._dossier_check_access(dossier_id, access_token)
        except (AccessError, MissingError):
            return {"error": _("Invalid dossier.")}
        if "customer" not in roles:
            return {"error": _("Only the customer signs the repair order.")}
        try:
            with request.env.cr.savepoint():
                dossier_sudo._portal_sign(name, signature)
        except (UserError, ValidationError) as error:
            return {"error": error.args[0]}
        except (TypeError, binascii.Error):
            return {"error": _("Invalid signature data.")}
        return {
            "force_refresh": True,
            "redirect_url": self._dossier_url(dossier_sudo, access_token, "signed"),
        }

    @http.route(
        "/my/dossiers/<int:dossier_id>/answer",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_dossier_answer(
        self,
        dossier_id,
        access_token=None,
        approval_id=None,
        decision=None,
        amount=None,
        reference=None,
        note=None,
        **kw,
    ):
        """The paying party approves, approves a lower amount or rejects."""
        try:
            dossier_sudo, roles = self._dossier_check_access(dossier_id, access_token)
        except (AccessError, MissingError):
            return self._dossier_denied()
        if "payer" not in roles:
            return self._dossier_denied()
        approval = (
            dossier_sudo.env["bodyshop.approval"]
            .browse(int(approval_id) if str(approval_id or "").isdigit() else 0)
            .exists()
        )
        user = request.env.user
        who = dossier_sudo.customer_id.name if user._is_public() else user.name
        try:
            # A refusal rolls back all of the answer (the redirect commits).
            with request.env.cr.savepoint():
                dossier_sudo._portal_answer(
                    approval,
                    decision,
                    self._parse_amount(amount) if decision == "partial" else None,
                    (reference or "").strip() or None,
                    (note or "").strip() or None,
                    who,
                )
        except (UserError, ValidationError) as error:
            # The reason goes by the session, not the URL: a link cannot
            # make the shop's page say anything.
            request.session["bodyshop_portal_error"] = error.args[0]
            return request.redirect(
                self._dossier_url(dossier_sudo, access_token, "answer_error")
            )
        return request.redirect(
            self._dossier_url(dossier_sudo, access_token, "answered")
        )

    @http.route(
        "/my/dossiers/<int:dossier_id>/extra-work",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_dossier_extra_work(
        self, dossier_id, access_token=None, calculation_id=None, confirm=None, **kw
    ):
        """The customer orders the extra work (meerwerk) he pays himself; the
        paying party does not answer for him."""
        try:
            dossier_sudo, roles = self._dossier_check_access(dossier_id, access_token)
        except (AccessError, MissingError):
            return self._dossier_denied()
        if "customer" not in roles or "payer" in roles:
            return self._dossier_denied()
        calculation = dossier_sudo._portal_extra_work_calculation()
        user = request.env.user
        who = dossier_sudo.customer_id.name if user._is_public() else user.name
        try:
            if str(calculation.id) != str(calculation_id or ""):
                raise UserError(
                    _("The calculation has changed: check the extra work again.")
                )
            if not confirm:
                raise UserError(_("Tick the box to order the extra work."))
            with request.env.cr.savepoint():
                calculation._portal_approve_extra_work(who)
        except (UserError, ValidationError) as error:
            # The reason goes by the session, not the URL: a link cannot
            # make the shop's page say anything.
            request.session["bodyshop_portal_error"] = error.args[0]
            return request.redirect(
                self._dossier_url(dossier_sudo, access_token, "extra_work_error")
            )
        return request.redirect(
            self._dossier_url(dossier_sudo, access_token, "extra_work_approved")
        )

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    @staticmethod
    def _parse_amount(amount):
        """An amount as a Dutch user types it: 1.234,56 or 1234.56."""
        text = (amount or "").strip().replace(" ", "").replace("€", "")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        return text or None

    @staticmethod
    def _dossier_url(dossier_sudo, access_token, message):
        url = f"{dossier_sudo.access_url}?message={message}"
        if access_token:
            url += f"&access_token={quote(access_token)}"
        return url

    def _dossier_page_values(self, dossier_sudo, roles, access_token, message):
        user = request.env.user
        partner = dossier_sudo._portal_viewer_partner(user, roles)
        is_payer = "payer" in roles
        is_customer = "customer" in roles
        calculation = dossier_sudo._portal_calculation() if is_payer else None
        extra_work_calculation = (
            dossier_sudo._portal_extra_work_calculation()
            if is_customer and not is_payer
            else None
        )
        if extra_work_calculation and (
            extra_work_calculation != dossier_sudo._portal_calculation()
        ):
            # The lines shown are the latest version's; no OK on older ones.
            extra_work_calculation = None
        values = self._prepare_portal_layout_values()
        values = self._get_page_view_values(
            dossier_sudo,
            access_token,
            values,
            "my_dossiers_history",
            False,
        )
        values.update(
            {
                "dossier": dossier_sudo,
                "page_name": "bodyshop_dossier",
                "is_customer": is_customer,
                "is_payer": is_payer,
                "message": message,
                "error_text": request.session.pop("bodyshop_portal_error", None),
                "access_token": access_token,
                "token_query": (
                    f"?access_token={quote(access_token)}" if access_token else ""
                ),
                "timeline": dossier_sudo._portal_timeline(),
                "photos": dossier_sudo._portal_shared_photos(),
                "reports": dossier_sudo._portal_shared_reports(),
                "calculation": calculation,
                "approval": (
                    dossier_sudo._portal_pending_approval() if is_payer else None
                ),
                "extra_work_lines": (
                    dossier_sudo._portal_extra_work_lines()
                    if "customer" in roles
                    else None
                ),
                "extra_work_calculation": extra_work_calculation,
                "can_approve_extra_work": bool(
                    extra_work_calculation
                    and extra_work_calculation._portal_can_approve_extra_work()
                ),
                "invoices": dossier_sudo._portal_invoices(partner),
                "can_sign": "customer" in roles and dossier_sudo._portal_can_sign(),
                "res_company": dossier_sudo.company_id,
            }
        )
        return values
