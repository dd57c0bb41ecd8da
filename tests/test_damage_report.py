import io
import re
from unittest.mock import patch

from PIL import Image

from odoo import fields
from odoo.tests import tagged
from odoo.tests.common import _super_send

from ..controllers import damage_report
from .common import BodyshopHttpCommon
from .rdw_server import RdwTestServer

URL = "/bodyshop/damage-report"


def image_bytes(fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


class DamageReportCase(BodyshopHttpCommon):
    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # The local stand-in of the register (tests/rdw_server.py).
        if r.url.startswith("http://127.0.0.1:"):
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.insurer.bodyshop_payer_type = "insurer"
        cls.company.phone = "+31 20 123 4567"

    def setUp(self):
        super().setUp()
        self.rdw = self.enterContext(RdwTestServer())
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("bodyshop.rdw_base_url", self.rdw.base_url)
        params.set_param("bodyshop.rdw_timeout", "1")
        self.url = f"{URL}?company={self.company.id}"
        # Reports the database holds already do not count against the tests.
        self.env.cr.execute(
            "UPDATE bodyshop_dossier SET digital_intake_ip = NULL "
            "WHERE digital_intake_ip IS NOT NULL"
        )

    def _dossiers(self):
        return self.env["bodyshop.dossier"].search(
            [("company_id", "=", self.company.id), ("intake_channel", "=", "digital")]
        )

    def _csrf_token(self, url=None):
        response = self.url_open(url or self.url)
        self.assertEqual(response.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def _post(self, photos=None, csrf=True, **values):
        data = {
            "company": str(self.company.id),
            "name": "Karin Klant",
            "email": "karin@example.com",
            "phone": "06 1234 5678",
            "license_plate": "gz-412-k",
            "damage_date": fields.Date.to_string(fields.Date.today()),
            "damage_description": "Kras op de voorbumper.",
            "payer_name": "",
            "claim_number": "",
            "consent": "1",
            **values,
        }
        if csrf:
            data["csrf_token"] = self._csrf_token()
        if photos is None:
            photos = [("front.jpg", image_bytes("JPEG"), "image/jpeg")]
        files = [("photos", photo) for photo in photos]
        return self.url_open(URL, data=data, files=files or None)

    def assertRefused(self, response, message):
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_bodyshop_damage_report_errors", response.text)
        self.assertIn(message, response.text)
        self.assertFalse(self._dossiers())
        self.assertFalse(
            self.env["res.partner"].search([("email", "=", "karin@example.com")])
        )


@tagged("post_install", "-at_install")
class TestDamageReport(DamageReportCase):
    def test_form_shows(self):
        response = self.url_open(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertIn('name="photos"', response.text)
        self.assertIn('capture="environment"', response.text)
        self.assertIn("Test Autoschade B.V.", response.text)
        # Without a privacy page the terms are plain text; with one, a link.
        self.assertNotIn("privacy statement", response.text)
        self.env["ir.config_parameter"].sudo().set_param(
            "bodyshop.privacy_url", "https://example.com/privacy"
        )
        response = self.url_open(self.url)
        self.assertIn('href="https://example.com/privacy"', response.text)

    def test_default_company_and_unknown_company(self):
        self.assertEqual(self.url_open(URL).status_code, 200)
        # Another company only when it has a damage manager to take the report.
        self.bs_user_other_company.groups_id -= self.env.ref(
            "bodyshop.group_bodyshop_user"
        )
        other = f"{URL}?company={self.other_company.id}"
        self.assertEqual(self.url_open(other).status_code, 404)
        self.assertEqual(self.url_open(f"{URL}?company=abc").status_code, 404)
        self.assertEqual(self.url_open(f"{URL}?company=99999999").status_code, 404)

    def test_report_register_answers(self):
        """A plate the register knows: the car is filled in, the dossier made
        with its photos, an activity for the damage manager and the mail
        with the link to follow the dossier."""
        photos = [
            ("front.jpg", image_bytes("JPEG"), "image/jpeg"),
            ("side.png", image_bytes("PNG"), "image/png"),
        ]
        response = self._post(
            photos=photos,
            license_plate="tt601d",
            payer_name="test verzekeringen n.v.",
            claim_number="SCH-991",
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_bodyshop_damage_report_done", response.text)
        dossier = self._dossiers()
        self.assertEqual(len(dossier), 1)
        self.assertIn(dossier.name, response.text)
        self.assertEqual(dossier.state, "intake")
        self.assertEqual(dossier.intake_channel, "digital")
        self.assertEqual(dossier.user_id, self.bs_user)
        self.assertEqual(dossier.license_plate, "TT-601-D")
        self.assertEqual(dossier.vehicle_id.brand_id.name, "Volkswagen")
        self.assertEqual(dossier.vehicle_id.model_id.name, "Kombi")
        self.assertEqual(dossier.vehicle_id.fuel_type, "diesel")
        self.assertEqual(dossier.vehicle_id.company_id, self.company)
        self.assertEqual(dossier.customer_id.name, "Karin Klant")
        self.assertEqual(dossier.customer_id.email, "karin@example.com")
        self.assertEqual(dossier.payer_type, "insurer")
        self.assertEqual(dossier.payer_id, self.insurer)
        self.assertEqual(dossier.claim_number, "SCH-991")
        self.assertEqual(dossier.damage_date, fields.Date.today())
        self.assertEqual(dossier.sudo().digital_intake_ip, "127.0.0.1")
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "bodyshop.dossier"), ("res_id", "=", dossier.id)]
        )
        self.assertEqual(sorted(attachments.mapped("name")), ["front.jpg", "side.png"])
        self.assertEqual(set(attachments.mapped("bodyshop_photo_phase")), {"intake"})
        self.assertEqual(
            sorted(attachments.mapped("mimetype")), ["image/jpeg", "image/png"]
        )
        activity = dossier.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.bs_user)
        self.assertEqual(
            activity.activity_type_id, self.env.ref("mail.mail_activity_data_todo")
        )
        self.assertIn("SCH-991", activity.note)
        self.assertTrue(dossier.access_token)
        mail = self.env["mail.message"].search(
            [
                ("model", "=", "bodyshop.dossier"),
                ("res_id", "=", dossier.id),
                ("message_type", "=", "comment"),
            ]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.partner_ids, dossier.customer_id)
        self.assertIn(dossier.get_portal_url(), mail.body.replace("&amp;", "&"))
        self.assertIn(f"access_token={dossier.access_token}", mail.body)

    def test_report_register_does_not_answer(self):
        """The register cannot be reached: the dossier is made with the plate
        only; an unknown insurer's name is kept for the damage manager."""
        self.env["ir.config_parameter"].sudo().set_param(
            "bodyshop.rdw_base_url", "http://127.0.0.1:1"
        )
        response = self._post(
            license_plate="f794kp",
            payer_name="Onbekende Verzekeraar <b>NV</b>",
            claim_number="X-1",
        )
        self.assertIn("o_bodyshop_damage_report_done", response.text)
        dossier = self._dossiers()
        self.assertEqual(len(dossier), 1)
        self.assertEqual(dossier.license_plate, "F-794-KP")
        self.assertEqual(dossier.vehicle_id.model_id.name, "Unknown")
        self.assertEqual(dossier.payer_type, "private")
        self.assertEqual(dossier.payer_id, dossier.customer_id)
        self.assertEqual(
            dossier.digital_intake_payer_name, "Onbekende Verzekeraar <b>NV</b>"
        )
        self.assertEqual(dossier.claim_number, "X-1")
        note = dossier.activity_ids.note
        self.assertIn("Onbekende Verzekeraar &lt;b&gt;NV&lt;/b&gt;", note)
        self.assertIn("make and model", note)

    def test_report_known_vehicle_electric(self):
        """A vehicle the shop knows is reused; an EV from the register gets
        risk class amber until the triage."""
        self._post(license_plate="TZ101B")
        self.assertEqual(self._dossiers().vehicle_id, self.vehicle)
        self._post(license_plate="L-213-GK", email="ev@example.com")
        ev_dossier = self._dossiers().filtered(lambda d: d.license_plate == "L-213-GK")
        self.assertTrue(ev_dossier.is_electric)
        self.assertEqual(ev_dossier.ev_risk_class, "amber")

    def test_csrf_required(self):
        response = self._post(csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._dossiers())

    def test_honeypot(self):
        response = self._post(homepage="http://spam.example.com")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_bodyshop_damage_report_done", response.text)
        self.assertFalse(self._dossiers())

    def test_rate_limit(self):
        for _index in range(damage_report.RATE_LIMIT):
            self.assertIn("o_bodyshop_damage_report_done", self._post().text)
        self.assertEqual(len(self._dossiers()), damage_report.RATE_LIMIT)
        response = self._post(email="fourth@example.com")
        self.assertEqual(response.status_code, 429)
        self.assertIn("try again in a few minutes", response.text)
        self.assertEqual(len(self._dossiers()), damage_report.RATE_LIMIT)
        self.assertFalse(
            self.env["res.partner"].search([("email", "=", "fourth@example.com")])
        )
        # Reports older than the window do not count.
        self.env.cr.execute(
            "UPDATE bodyshop_dossier SET create_date = create_date - interval "
            "'1 hour' WHERE id IN %s",
            [tuple(self._dossiers().ids)],
        )
        self.assertIn("o_bodyshop_damage_report_done", self._post().text)

    def test_photo_type_by_content(self):
        # Named and sent as a JPEG, but it is not one.
        response = self._post(
            photos=[
                ("front.jpg", image_bytes("JPEG"), "image/jpeg"),
                ("virus.jpg", b"MZ\x90\x00 not a photo", "image/jpeg"),
            ]
        )
        self.assertRefused(response, "virus.jpg is not a photo")
        self.assertIn('value="Karin Klant"', response.text)
        # The magic bytes of a JPEG in front of garbage: refused too.
        response = self._post(
            photos=[("fake.jpg", b"\xff\xd8\xff\xe0" + b"x" * 100, "image/jpeg")]
        )
        self.assertRefused(response, "fake.jpg is not a photo")
        self.assertFalse(
            self.env["ir.attachment"].search([("name", "in", ["front.jpg"])])
        )

    def test_photo_heic_and_webp(self):
        heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
        webp = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
        self._post(
            photos=[
                ("IMG_0001.HEIC", heic, "application/octet-stream"),
                ("shot.webp", webp, "image/webp"),
            ]
        )
        attachments = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "bodyshop.dossier"),
                ("res_id", "=", self._dossiers().id),
            ]
        )
        self.assertEqual(
            sorted(attachments.mapped("mimetype")), ["image/heic", "image/webp"]
        )

    def test_photo_count_and_size(self):
        photo = ("p.png", image_bytes(), "image/png")
        response = self._post(photos=[photo] * (damage_report.MAX_PHOTOS + 1))
        self.assertRefused(response, "at most 10 photos")
        with patch.object(damage_report, "MAX_PHOTO_SIZE", 50):
            response = self._post(photos=[("big.png", image_bytes(), "image/png")])
        self.assertRefused(response, "big.png is too large")
        response = self._post(photos=[])
        self.assertRefused(response, "at least one photo")

    def test_required_fields_email_consent(self):
        response = self._post(name="", email="not-an-address", consent="")
        self.assertRefused(response, "Please fill in this field.")
        self.assertIn("not-an-address is not a valid e-mail address", response.text)
        self.assertIn("Please agree to the privacy terms", response.text)
        # The visitor's values come back.
        self.assertIn('value="GZ-412-K"', response.text)
        self.assertIn("Kras op de voorbumper.", response.text)
        response = self._post(license_plate="NOT A PLATE")
        self.assertRefused(response, "is not a valid Dutch license plate")

    def test_damage_date_not_in_future(self):
        tomorrow = fields.Date.add(fields.Date.today(), days=2)
        response = self._post(damage_date=fields.Date.to_string(tomorrow))
        self.assertRefused(response, "The damage date cannot be in the future.")
        response = self._post(damage_date="31-02-2026")
        self.assertRefused(response, "Please give a valid date.")

    def test_language_switch(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        response = self.url_open(f"{self.url}&lang=nl_NL")
        self.assertIn('lang="nl-NL"', response.text)
        self.assertIn("lang=en_US", response.text)
        self._post(lang="nl_NL")
        self.assertEqual(self._dossiers().customer_id.lang, "nl_NL")


@tagged("post_install", "-at_install")
class TestDamageReportTour(DamageReportCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_damage_report_tour(self):
        """An anonymous report with two photos on a phone."""
        self.start_tour(self.url, "bodyshop_damage_report_tour", login=None)
        dossier = self._dossiers()
        self.assertEqual(len(dossier), 1)
        self.assertEqual(dossier.customer_id.email, "tina@example.com")
        self.assertEqual(dossier.license_plate, "GZ-412-K")
        self.assertEqual(len(dossier.activity_ids), 1)
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "bodyshop.dossier"), ("res_id", "=", dossier.id)]
        )
        self.assertEqual(
            sorted(attachments.mapped("name")), ["damage-car.png", "damage-close.png"]
        )
