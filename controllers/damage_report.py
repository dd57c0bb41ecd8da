"""The public damage report: a customer reports damage with photos, no login.

``GET /bodyshop/damage-report`` shows the form, ``POST`` to the same URL makes
a dossier at intake (channel digital) with the photos as intake photos.
Everything the visitor sends is checked before anything is written; a refused
report re-shows the form with his values and what to correct.

The company is the one of the request (the public user's, the main company);
a multi-company shop links ``/bodyshop/damage-report?company=<id>`` for
another company that has a damage manager (a user of Body Shop / User).
"""

import base64
import io
import logging
from datetime import timedelta

from markupsafe import Markup
from PIL import Image

from odoo import fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import email_normalize

from ..models.bodyshop_guard_mixin import MIN_YEAR
from ..tools import vehicle_identification as vid

_logger = logging.getLogger(__name__)

# What one visitor may send.
MAX_PHOTOS = 10
MAX_PHOTO_SIZE = 10 * 1024 * 1024
MAX_TEXT_LENGTHS = {
    "name": 128,
    "email": 254,
    "phone": 32,
    "license_plate": 16,
    "payer_name": 128,
    "claim_number": 64,
    "damage_description": 5000,
}
# One IP address makes at most RATE_LIMIT reports in RATE_WINDOW.
RATE_LIMIT = 3
RATE_WINDOW = timedelta(minutes=10)
# A field hidden from people: a bot that fills it in gets the confirmation
# page, and nothing is made.
HONEYPOT_FIELD = "homepage"

FORM_FIELDS = [
    "name",
    "email",
    "phone",
    "license_plate",
    "damage_date",
    "damage_description",
    "payer_name",
    "claim_number",
]
REQUIRED_FIELDS = ["name", "email", "license_plate", "damage_date"]

# HEIF brands of the 'ftyp' box (ISO/IEC 23008-12) a phone camera writes.
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"}
HEIF_BRANDS = {b"mif1", b"msf1"}
AVIF_BRANDS = {b"avif", b"avis"}


def image_mimetype(data):
    """The image type of ``data`` read from its first bytes (not from its
    name or the browser's content type), or None if it is no photo."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in HEIC_BRANDS:
            return "image/heic"
        if brand in HEIF_BRANDS:
            return "image/heif"
        if brand in AVIF_BRANDS:
            return "image/avif"
    return None


def image_is_readable(data, mimetype):
    """Whether a JPEG or PNG is intact. The other types are judged by their
    header: Odoo loads Pillow's JPEG, PNG, GIF and BMP decoders only
    (odoo.tools.image), and Pillow reads no HEIF."""
    if mimetype not in ("image/jpeg", "image/png"):
        return True
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception:  # noqa: BLE001 - any decoder error: not a photo
        return False
    return True


class DamageReportRefused(Exception):
    """The visitor's report is refused; ``errors`` maps fields to messages."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


class BodyshopDamageReport(http.Controller):
    @http.route(
        "/bodyshop/damage-report",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def damage_report(self, **kwargs):
        self._set_visitor_lang(kwargs.get("lang"))
        company = self._get_report_company(kwargs.get("company"))
        if not company:
            raise request.not_found()
        if request.httprequest.method != "POST":
            return self._render_form(company, {"damage_date": self._today()}, {})
        values = {
            name: (kwargs.get(name) or "").strip().replace("\x00", "")
            for name in FORM_FIELDS
        }
        values["consent"] = bool(kwargs.get("consent"))
        if kwargs.get(HONEYPOT_FIELD):
            _logger.info(
                "Damage report from %s ignored: honeypot filled in",
                request.httprequest.remote_addr,
            )
            return self._render_confirmation(company, None)
        ip_address = request.httprequest.remote_addr or ""
        Dossier = request.env["bodyshop.dossier"].sudo()
        since = fields.Datetime.now() - RATE_WINDOW
        if Dossier._bodyshop_digital_intake_count(ip_address, since) >= RATE_LIMIT:
            return request.render(
                "bodyshop.damage_report_rate_limited",
                self._page_values(company),
                status=429,
                headers=[("Retry-After", str(int(RATE_WINDOW.total_seconds())))],
            )
        try:
            photos = self._check_report(values)
            with request.env.cr.savepoint():
                dossier = self._create_dossier(company, values, photos, ip_address)
        except DamageReportRefused as refused:
            return self._render_form(company, values, refused.errors)
        except (UserError, ValidationError) as error:
            return self._render_form(company, values, {"form": error.args[0]})
        return self._render_confirmation(company, dossier)

    # ------------------------------------------------------------
    # RENDERING
    # ------------------------------------------------------------

    def _page_values(self, company):
        langs = request.env["res.lang"].sudo().search([("active", "=", True)])
        return {
            "company": company,
            "company_param": (
                company.id if company != self._default_company() else False
            ),
            "languages": [(lang.code, lang.name) for lang in langs],
            "current_lang": request.env.lang,
            "privacy_url": self._privacy_url(company),
            "max_photos": MAX_PHOTOS,
            "max_photo_mb": MAX_PHOTO_SIZE // (1024 * 1024),
            "honeypot_field": HONEYPOT_FIELD,
        }

    def _render_form(self, company, values, errors):
        page = self._page_values(company)
        page.update({"values": values, "errors": errors, "today": self._today()})
        return request.render(
            "bodyshop.damage_report_form",
            page,
        )

    def _render_confirmation(self, company, dossier):
        page = self._page_values(company)
        page["dossier_name"] = dossier.name if dossier else False
        return request.render("bodyshop.damage_report_done", page)

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    def _set_visitor_lang(self, code):
        """``?lang=nl_NL``: the page in that installed language (without the
        website app there is no /nl/ in the URL)."""
        if not code:
            return
        lang = request.env["res.lang"]._get_data(code=code)
        if not lang.active:
            return
        request.update_context(lang=lang.code)
        request.lang = lang
        request.future_response.set_cookie("frontend_lang", lang.code)

    def _default_company(self):
        return request.env.company

    def _get_report_company(self, company_param):
        """The request's company, or ``?company=<id>`` when that company has a
        damage manager to take the report."""
        if not company_param:
            return self._default_company()
        try:
            company_id = int(company_param)
        except (TypeError, ValueError):
            return None
        if not 0 < company_id < 2**31:
            return None
        company = request.env["res.company"].sudo().browse(company_id).exists()
        if not company or not self._company_damage_managers(company):
            return None
        return company

    def _company_damage_managers(self, company):
        return (
            request.env.ref("bodyshop.group_bodyshop_user")
            .sudo()
            .users.filtered(lambda user: not user.share and company in user.company_ids)
            .sorted("id")
        )

    def _get_responsible_user(self, company):
        """Who takes the report: the company's first damage manager (a user of
        Body Shop / User, not a workshop manager), else its first Body Shop
        user of a higher group, else the administrator."""
        managers = self._company_damage_managers(company)
        workshop = request.env.ref("bodyshop.group_bodyshop_workshop").sudo()
        plain = managers.filtered(lambda user: user not in workshop.users)
        admin = request.env.ref("base.user_admin").sudo()
        return plain[:1] or managers[:1] or admin

    def _privacy_url(self, company):
        """The shop's privacy page (system parameter ``bodyshop.privacy_url``),
        or False: the form then states the terms in plain text."""
        params = request.env["ir.config_parameter"].sudo()
        url = params.get_param("bodyshop.privacy_url") or ""
        return url if url.startswith(("https://", "http://", "/")) else False

    def _today(self):
        return fields.Date.context_today(request.env["bodyshop.dossier"])

    # ------------------------------------------------------------
    # CHECKS: everything before anything is written
    # ------------------------------------------------------------

    def _check_report(self, values):
        """The visitor's photos as ``(name, data, mimetype)``; raises
        DamageReportRefused with every problem found."""
        _ = request.env._
        errors = {}
        for name in REQUIRED_FIELDS:
            if not values[name]:
                errors[name] = _("Please fill in this field.")
        for name, length in MAX_TEXT_LENGTHS.items():
            if len(values[name]) > length:
                errors[name] = _(
                    "This is too long: at most %(length)s characters.", length=length
                )
        if values["email"] and "email" not in errors:
            normalized = email_normalize(values["email"])
            if not normalized:
                errors["email"] = _(
                    "%(email)s is not a valid e-mail address.", email=values["email"]
                )
        if values["license_plate"] and "license_plate" not in errors:
            plate = vid.format_nl_plate(values["license_plate"].upper())
            if plate:
                values["license_plate"] = plate
            else:
                errors["license_plate"] = _(
                    "%(plate)s is not a valid Dutch license plate.",
                    plate=values["license_plate"],
                )
        if values["damage_date"]:
            try:
                damage_date = fields.Date.to_date(values["damage_date"])
            except ValueError:
                damage_date = None
            if not damage_date or damage_date.year < MIN_YEAR:
                errors["damage_date"] = _("Please give a valid date.")
            elif damage_date > self._today():
                errors["damage_date"] = _("The damage date cannot be in the future.")
        if not values["consent"]:
            errors["consent"] = _(
                "Please agree to the privacy terms: we need your details to handle "
                "the damage."
            )
        photos, photo_error = self._read_photos()
        if photo_error:
            errors["photos"] = photo_error
        if errors:
            raise DamageReportRefused(errors)
        return photos

    def _read_photos(self):
        """The uploaded photos and the message refusing them (or None)."""
        _ = request.env._
        uploads = [
            upload
            for upload in request.httprequest.files.getlist("photos")
            if upload.filename
        ]
        if not uploads:
            return [], _("Please add at least one photo of the damage.")
        if len(uploads) > MAX_PHOTOS:
            return [], _("Please send at most %(count)s photos.", count=MAX_PHOTOS)
        photos = []
        for upload in uploads:
            data = upload.read(MAX_PHOTO_SIZE + 1)
            filename = (upload.filename or "photo").replace("\x00", "")[-128:]
            if len(data) > MAX_PHOTO_SIZE:
                return [], _(
                    "%(file)s is too large: a photo can be at most %(size)s MB.",
                    file=filename,
                    size=MAX_PHOTO_SIZE // (1024 * 1024),
                )
            mimetype = image_mimetype(data)
            if not mimetype or not image_is_readable(data, mimetype):
                return [], _(
                    "%(file)s is not a photo: send JPEG, PNG, HEIC or WebP "
                    "images only.",
                    file=filename,
                )
            photos.append((filename, data, mimetype))
        return photos, None

    # ------------------------------------------------------------
    # CREATION
    # ------------------------------------------------------------

    def _create_dossier(self, company, values, photos, ip_address):
        """The customer, vehicle (through the intake's register lookup),
        dossier, photos, activity and confirmation mail, as the public user in
        superuser mode."""
        env = request.env(su=True)
        _ = env._
        responsible = self._get_responsible_user(company)
        customer = (
            env["res.partner"]
            .with_company(company)
            .create(
                {
                    "name": values["name"],
                    "email": email_normalize(values["email"]),
                    "phone": values["phone"] or False,
                    "lang": env.lang,
                    "company_id": company.id,
                }
            )
        )
        insurer = self._match_insurer(env, company, values["payer_name"])
        wizard = (
            env["bodyshop.intake.wizard"]
            .with_company(company)
            .create(
                {
                    "company_id": company.id,
                    "user_id": responsible.id,
                    "intake_channel": "digital",
                    "license_plate": values["license_plate"],
                    "customer_id": customer.id,
                    "payer_type": "insurer" if insurer else "private",
                    "payer_id": insurer.id or customer.id,
                    "claim_number": values["claim_number"] or False,
                    "damage_date": values["damage_date"],
                    "damage_description": values["damage_description"] or False,
                }
            )
        )
        # The intake's own lookup: a known vehicle of the shop, else the
        # register (RDW); when that does not answer, the plate alone.
        wizard._lookup_plate()
        wizard.customer_id = customer
        rdw_status = wizard.rdw_status
        if not wizard.vehicle_id and not (wizard.brand_name and wizard.model_name):
            wizard.brand_name = "Unknown"
            wizard.model_name = "Unknown"
        if wizard.is_electric:
            # Nobody has looked at the high-voltage system yet: amber (observe)
            # until the damage manager does the triage; never green.
            wizard.ev_risk_class = "amber"
            wizard.ev_checked_on = False
        vehicle = wizard._get_or_create_vehicle()
        dossier_vals = wizard._prepare_dossier_vals(vehicle)
        dossier_vals.update(
            {
                "digital_intake_ip": ip_address,
                "digital_intake_payer_name": values["payer_name"] or False,
            }
        )
        dossier = (
            env["bodyshop.dossier"]
            .with_company(company)
            .with_context(mail_create_nolog=True)
            .create(dossier_vals)
        )
        attachments = env["ir.attachment"].create(
            [
                {
                    "name": filename,
                    "datas": base64.b64encode(data),
                    "mimetype": mimetype,
                    "res_model": "bodyshop.intake.wizard",
                    "res_id": wizard.id,
                }
                for filename, data, mimetype in photos
            ]
        )
        attachments._bodyshop_attach_photos(dossier, "intake")
        dossier._message_log(
            body=_(
                "Damage reported online by %(name)s (%(email)s) with %(count)s "
                "photo(s).",
                name=customer.name,
                email=customer.email,
                count=len(attachments),
            ),
        )
        dossier.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=responsible.id,
            summary=_("Damage reported online: check and plan"),
            note=self._activity_note(values, insurer, rdw_status, wizard),
        )
        dossier._portal_ensure_token()
        template = env.ref(
            "bodyshop.mail_template_damage_report", raise_if_not_found=False
        )
        if template:
            dossier.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        wizard.unlink()
        return dossier

    def _match_insurer(self, env, company, payer_name):
        """The insurer of that name among the shop's insurers, or nothing."""
        if not payer_name:
            return env["res.partner"]
        return env["res.partner"].search(
            [
                ("is_company", "=", True),
                ("bodyshop_payer_type", "=", "insurer"),
                ("name", "=ilike", payer_name),
                ("company_id", "in", [company.id, False]),
            ],
            limit=1,
        )

    def _activity_note(self, values, insurer, rdw_status, wizard):
        _ = request.env._
        lines = []
        if insurer:
            lines.append(
                _("Insurer: %(insurer)s (matched).", insurer=insurer.display_name)
            )
        elif values["payer_name"]:
            lines.append(
                _(
                    "Insurer given: %(name)s, not found among the insurers: the "
                    "customer is the paying party until you choose it.",
                    name=values["payer_name"],
                )
            )
        else:
            lines.append(
                _(
                    "No insurer given: the customer is the paying party until you "
                    "choose another."
                )
            )
        if values["claim_number"]:
            lines.append(_("Claim number: %(claim)s.", claim=values["claim_number"]))
        if rdw_status not in ("found", "known"):
            lines.append(
                _(
                    "The vehicle register did not give this car: fill in its make "
                    "and model."
                )
            )
        if wizard.is_electric:
            lines.append(
                _(
                    "Electric or hybrid: risk class set to amber until you do the "
                    "EV safety triage."
                )
            )
        # The visitor's words are escaped: Markup joins escape plain strings.
        return Markup("<br/>").join(lines)
