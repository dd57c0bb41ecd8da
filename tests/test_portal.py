import base64
import re
import uuid
from urllib.parse import urlparse

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.http import Request
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import formatLang

from .common import BodyshopHttpCommon

# A 1x1 PNG, as the signature widget sends it (base64 without its prefix).
SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9"
    "awAAAABJRU5ErkJggg=="
)


class BodyshopPortalData:
    """Portal users of the customer and of the insurer, and their dossiers."""

    @classmethod
    def _setup_portal_data(cls):
        Partner = cls.env["res.partner"]
        cls.customer_user = new_test_user(
            cls.env,
            login="bs_portal_klant",
            groups="base.group_portal",
            partner_id=cls.customer.id,
            name=cls.customer.name,
        )
        cls.claims_handler = Partner.create(
            {"name": "Eva Schadebehandelaar", "parent_id": cls.insurer.id}
        )
        cls.payer_user = new_test_user(
            cls.env,
            login="bs_portal_payer",
            groups="base.group_portal",
            partner_id=cls.claims_handler.id,
            name=cls.claims_handler.name,
        )
        cls.other_customer = Partner.create({"name": "Piet Ander"})
        cls.other_user = new_test_user(
            cls.env,
            login="bs_portal_ander",
            groups="base.group_portal",
            partner_id=cls.other_customer.id,
            name=cls.other_customer.name,
        )
        cls.dossier = cls._create_dossier(claim_number="CLAIM-PORTAL")
        cls.dossier._portal_ensure_token()
        cls.lease_dossier = cls._create_dossier(
            payer_type="lease", payer_id=cls.lease_company.id, claim_number="LEASE-1"
        )
        cls.other_dossier = cls._create_dossier(
            customer_id=cls.other_customer.id, claim_number="OTHER-1"
        )
        cls.private_dossier = cls._create_dossier(payer_type="private")

    @classmethod
    def _send_calculation(cls, dossier, price=1000.0, extra=0.0):
        lines = [
            Command.create({"line_type": "part", "name": "Bumper", "price_unit": price})
        ]
        if extra:
            lines.append(
                Command.create(
                    {
                        "line_type": "part",
                        "name": "Tow bar",
                        "price_unit": extra,
                        "customer_paid": True,
                    }
                )
            )
        calculation = cls.env["bodyshop.calculation"].create(
            {"dossier_id": dossier.id, "line_ids": lines}
        )
        calculation.action_send()
        return calculation

    @classmethod
    def _post_invoice(cls, dossier, partner, amount):
        invoice = (
            cls.env["account.move"]
            .with_company(dossier.company_id)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "company_id": dossier.company_id.id,
                    "bodyshop_dossier_id": dossier.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Eigen risico",
                                "quantity": 1,
                                "price_unit": amount,
                            }
                        )
                    ],
                }
            )
        )
        invoice.action_post()
        return invoice


@tagged("post_install", "-at_install")
class TestPortal(BodyshopPortalData, BodyshopHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_portal_data()

    def _get(self, url):
        return self.url_open(url, allow_redirects=False)

    def assertDenied(self, response, login=False):
        self.assertIn(response.status_code, (303, 302, 403, 404))
        if response.status_code in (302, 303):
            path = urlparse(response.headers["Location"]).path
            self.assertEqual(path, "/my" if login else "/web/login")

    def _answer(self, dossier, approval, token=None, **values):
        url = f"/my/dossiers/{dossier.id}/answer"
        if token:
            url += f"?access_token={token}"
        return self.url_open(
            url,
            data={
                "csrf_token": self.csrf_token(),
                "approval_id": approval.id,
                **values,
            },
            allow_redirects=False,
        )

    def csrf_token(self):
        if not getattr(self, "session", None):
            self.authenticate(None, None)
        return Request.csrf_token(self)

    # anonymous visitors: the token only

    def test_anonymous_reaches_a_dossier_with_its_token_only(self):
        url = f"/my/dossiers/{self.dossier.id}"
        response = self._get(f"{url}?access_token={self.dossier.access_token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.dossier.name, response.text)
        for query in ("", "?access_token=", "?access_token=0123456789abcdef"):
            with self.subTest(query=query):
                self.assertDenied(self._get(url + query))
        # The token of one dossier opens no other.
        self.assertDenied(
            self._get(
                f"/my/dossiers/{self.other_dossier.id}"
                f"?access_token={self.dossier.access_token}"
            )
        )

    def test_empty_token_never_matches_a_dossier_without_token(self):
        self.assertFalse(self.other_dossier.access_token)
        url = f"/my/dossiers/{self.other_dossier.id}"
        for query in ("?access_token=", "?access_token=False", "?access_token=None"):
            with self.subTest(query=query):
                self.assertDenied(self._get(url + query))
        public = self.env.ref("base.public_user")
        for token in ("", False, None):
            self.assertFalse(self.other_dossier._portal_get_roles(public, token))
        self.assertFalse(self.other_dossier.access_token)

    def test_every_route_refuses_who_is_not_its_customer_or_payer(self):
        """Each route of a dossier, as an anonymous visitor (no token, a wrong
        one), another customer, another paying party and a user of another
        company: refused, and nothing written."""
        calculation = self._send_calculation(self.dossier, extra=50.0)
        approval = calculation.approval_ids
        photo = self.env["ir.attachment"].create(
            {
                "name": "shared.png",
                "raw": base64.b64decode(SIGNATURE),
                "mimetype": "image/png",
                "res_model": "bodyshop.dossier",
                "res_id": self.dossier.id,
                "bodyshop_photo_phase": "intake",
                "bodyshop_portal_shared": True,
            }
        )
        self.dossier._write_workflow({"delivery_date": fields.Datetime.now()})
        lease_handler = self.env["res.partner"].create(
            {"name": "Lease Handler", "parent_id": self.lease_company.id}
        )
        new_test_user(
            self.env,
            login="bs_portal_lease",
            groups="base.group_portal",
            partner_id=lease_handler.id,
        )
        base = f"/my/dossiers/{self.dossier.id}"
        viewers = [
            ("anonymous", None, ""),
            ("wrong token", None, "?access_token=" + "0" * 36),
            ("another customer", self.other_user.login, ""),
            ("another payer", "bs_portal_lease", ""),
            ("another company", self.bs_user_other_company.login, ""),
        ]
        for label, login, query in viewers:
            with self.subTest(viewer=label):
                self.authenticate(login, login)
                for path in (
                    "",
                    "/document/calculation",
                    "/document/delivery_note",
                    f"/file/{photo.id}",
                ):
                    response = self._get(f"{base}{path}{query}")
                    self.assertDenied(response, login=bool(login))
                    self.assertNotIn(self.dossier.claim_number, response.text)
                token = query.split("=", 1)[1] if query else None
                self._answer(self.dossier, approval, token=token, decision="approve")
                self._approve_extra_work(self.dossier, calculation, token=token)
                result = self.make_jsonrpc_request(
                    f"{base}/sign{query}", {"name": "X", "signature": SIGNATURE}
                )
                self.assertIn("error", result)
                self.assertEqual(approval.state, "pending")
                self.assertFalse(calculation.customer_approved_on)
                self.assertFalse(self.dossier.assignment_signed_on)

    def test_tokens_are_long_and_random(self):
        tokens = {self.dossier.access_token, self.other_dossier._portal_ensure_token()}
        self.assertEqual(len(tokens), 2)
        for token in tokens:
            self.assertEqual(str(uuid.UUID(token, version=4)), token)
        # Made by code only: nobody writes one.
        with self.assertRaisesRegex(UserError, "set by the workflow"):
            self.lease_dossier.with_user(self.bs_user).write({"access_token": "x" * 36})

    # portal users: their own dossiers only

    def test_customer_sees_his_own_dossiers_only(self):
        self.authenticate(self.customer_user.login, self.customer_user.login)
        response = self._get("/my/dossiers")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.dossier.name, response.text)
        self.assertIn(self.private_dossier.name, response.text)
        self.assertNotIn(self.other_dossier.name, response.text)
        response = self._get(f"/my/dossiers/{self.dossier.id}")
        self.assertEqual(response.status_code, 200)
        self.assertDenied(
            self._get(f"/my/dossiers/{self.other_dossier.id}"), login=True
        )
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["bodyshop_dossier_count"]}
        )
        self.assertTrue(counters["bodyshop_dossier_count"])

    def test_payer_sees_the_dossiers_his_company_pays_only(self):
        self.authenticate(self.payer_user.login, self.payer_user.login)
        response = self._get("/my/dossiers")
        self.assertIn(self.dossier.name, response.text)
        self.assertIn(self.other_dossier.name, response.text)
        self.assertNotIn(self.lease_dossier.name, response.text)
        self.assertNotIn(self.private_dossier.name, response.text)
        self.assertDenied(
            self._get(f"/my/dossiers/{self.lease_dossier.id}"), login=True
        )
        self.assertEqual(self._get(f"/my/dossiers/{self.dossier.id}").status_code, 200)

    def test_no_dossier_of_another_company(self):
        other_company_dossier = self.env["bodyshop.dossier"].create(
            {
                "company_id": self.other_company.id,
                "customer_id": self.other_customer.id,
                "payer_type": "private",
                "vehicle_id": self._create_vehicle(
                    "XB-999-Z",
                    self.model_petrol,
                    company_id=self.other_company.id,
                    driver_id=self.other_customer.id,
                ).id,
                "damage_zone_ids": [Command.set(self.zone_front.ids)],
            }
        )
        other_company_dossier._portal_ensure_token()
        self.authenticate(self.customer_user.login, self.customer_user.login)
        self.assertNotIn(other_company_dossier.name, self._get("/my/dossiers").text)
        self.assertDenied(
            self._get(f"/my/dossiers/{other_company_dossier.id}"), login=True
        )

    def test_no_rights_through_rpc(self):
        """The portal reads in sudo; the portal user's own rights stay none."""
        for user in (self.customer_user, self.payer_user):
            for model in (
                "bodyshop.dossier",
                "bodyshop.calculation",
                "bodyshop.approval",
            ):
                with self.subTest(user=user.login, model=model):
                    self.assertFalse(self.env[model].with_user(user).has_access("read"))

    # what a viewer sees

    def test_no_internal_notes(self):
        self.dossier.message_post(
            body="Marge te laag, klant is lastig",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self.authenticate(self.customer_user.login, self.customer_user.login)
        response = self._get(f"/my/dossiers/{self.dossier.id}")
        self.assertNotIn("Marge te laag", response.text)
        self.assertNotIn("o_portal_chatter", response.text)
        result = self.make_jsonrpc_request(
            "/mail/thread/messages",
            {"thread_model": "bodyshop.dossier", "thread_id": self.dossier.id},
        )
        self.assertNotIn("Marge te laag", str(result))

    def test_customer_of_insurer_paid_dossier_sees_no_prices(self):
        calculation = self._send_calculation(self.dossier, price=1234.0, extra=50.0)
        amount = formatLang(
            self.env, calculation.amount_payer, currency_obj=calculation.currency_id
        )
        self.authenticate(self.customer_user.login, self.customer_user.login)
        page = self._get(f"/my/dossiers/{self.dossier.id}").text
        self.assertNotIn("Bumper", page)
        self.assertNotIn("bodyshop_answer", page)
        self.assertNotIn("/document/calculation", page)
        self.assertNotIn(amount.replace("\xa0", "&nbsp;"), page)
        self.assertNotIn(amount, page)
        # His own extra work he does see.
        self.assertIn("Tow bar", page)
        response = self._get(f"/my/dossiers/{self.dossier.id}/document/calculation")
        self.assertEqual(response.status_code, 404)
        # The payer sees the calculation and its PDF.
        self.authenticate(self.payer_user.login, self.payer_user.login)
        page = self._get(f"/my/dossiers/{self.dossier.id}").text
        self.assertIn("bodyshop_answer", page)
        self.assertIn(f"/my/dossiers/{self.dossier.id}/document/calculation", page)

    def test_private_customer_sees_his_calculation(self):
        self._send_calculation(self.private_dossier, price=400.0)
        self.authenticate(self.customer_user.login, self.customer_user.login)
        page = self._get(f"/my/dossiers/{self.private_dossier.id}").text
        self.assertIn("bodyshop_answer", page)
        self.assertIn("/document/calculation", page)

    def test_customer_sees_his_own_invoices_only(self):
        own = self._post_invoice(self.dossier, self.customer, 385.0)
        payer = self._post_invoice(self.dossier, self.insurer, 2000.0)
        self.authenticate(self.customer_user.login, self.customer_user.login)
        page = self._get(f"/my/dossiers/{self.dossier.id}").text
        self.assertIn(own.name, page)
        self.assertIn(f"/my/invoices/{own.id}?access_token=", page)
        self.assertNotIn(payer.name, page)
        self.authenticate(self.payer_user.login, self.payer_user.login)
        page = self._get(f"/my/dossiers/{self.dossier.id}").text
        self.assertIn(payer.name, page)
        self.assertNotIn(own.name, page)

    def test_shared_photos_only(self):
        Attachment = self.env["ir.attachment"]
        photos = Attachment.create(
            [
                {
                    "name": name,
                    "raw": base64.b64decode(SIGNATURE),
                    "mimetype": "image/png",
                    "res_model": "bodyshop.dossier",
                    "res_id": dossier.id,
                    "bodyshop_photo_phase": "intake",
                    "bodyshop_portal_shared": shared,
                }
                for name, dossier, shared in (
                    ("shared.png", self.dossier, True),
                    ("hidden.png", self.dossier, False),
                    ("other.png", self.other_dossier, True),
                )
            ]
        )
        token = self.dossier.access_token
        base = f"/my/dossiers/{self.dossier.id}"
        page = self._get(f"{base}?access_token={token}").text
        self.assertIn(f"{base}/file/{photos[0].id}", page)
        self.assertNotIn(f"/file/{photos[1].id}", page)
        response = self._get(f"{base}/file/{photos[0].id}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, base64.b64decode(SIGNATURE))
        for photo in photos[1:]:
            with self.subTest(photo=photo.name):
                response = self._get(f"{base}/file/{photo.id}?access_token={token}")
                self.assertEqual(response.status_code, 404)
        self.assertDenied(self._get(f"{base}/file/{photos[0].id}"))

    # the customer signs

    def test_customer_signs_the_repair_order(self):
        with self.assertRaisesRegex(UserError, "set by the workflow"):
            self.dossier.with_user(self.bs_user).write(
                {"assignment_signed_by": "Jan Klant"}
            )
        url = f"/my/dossiers/{self.dossier.id}/sign?access_token=wrong"
        result = self.make_jsonrpc_request(
            url, {"name": "Jan Klant", "signature": SIGNATURE}
        )
        self.assertIn("error", result)
        self.assertFalse(self.dossier.assignment_signed_on)
        token = self.dossier.access_token
        url = f"/my/dossiers/{self.dossier.id}/sign?access_token={token}"
        result = self.make_jsonrpc_request(
            url, {"name": "Jan Klant", "signature": SIGNATURE}
        )
        self.assertNotIn("error", result)
        self.assertEqual(self.dossier.assignment_signed_by, "Jan Klant")
        self.assertTrue(self.dossier.assignment_signed_on)
        self.assertTrue(self.dossier.assignment_signature)
        self.assertIn(
            "signed on the portal by Jan Klant",
            str(self.dossier.message_ids.mapped("body")),
        )
        result = self.make_jsonrpc_request(
            url, {"name": "Iemand Anders", "signature": SIGNATURE}
        )
        self.assertIn("error", result)
        self.assertEqual(self.dossier.assignment_signed_by, "Jan Klant")

    def test_payer_cannot_sign_for_the_customer(self):
        self.authenticate(self.payer_user.login, self.payer_user.login)
        result = self.make_jsonrpc_request(
            f"/my/dossiers/{self.dossier.id}/sign",
            {"name": "Eva", "signature": SIGNATURE},
        )
        self.assertIn("error", result)
        self.assertFalse(self.dossier.assignment_signed_on)

    # the payer answers

    def test_payer_approves_and_a_second_answer_is_refused(self):
        calculation = self._send_calculation(self.dossier)
        approval = calculation.approval_ids
        self.authenticate(self.payer_user.login, self.payer_user.login)
        response = self._answer(
            self.dossier,
            approval,
            decision="approve",
            reference="PL-77",
            note="Akkoord",
        )
        self.assertIn("message=answered", response.headers["Location"])
        self.assertRecordValues(
            approval,
            [
                {
                    "state": "approved",
                    "channel": "portal",
                    "reference": "PL-77",
                    "responded_by": self.payer_user.name,
                    "note": "Akkoord",
                    "approved_amount": calculation.amount_payer,
                }
            ],
        )
        self.assertEqual(calculation.state, "approved")
        self.assertEqual(self.dossier.state, "approved")
        self.assertIn("via Portal", str(self.dossier.message_ids.mapped("body")))
        response = self._answer(self.dossier, approval, decision="reject")
        self.assertIn("message=answer_error", response.headers["Location"])
        self.assertEqual(approval.state, "approved")
        self.assertEqual(calculation.state, "approved")

    def test_payer_approves_a_lower_amount_or_rejects(self):
        calculation = self._send_calculation(self.dossier, price=1000.0)
        approval = calculation.approval_ids
        self.authenticate(self.payer_user.login, self.payer_user.login)
        response = self._answer(self.dossier, approval, decision="partial", amount="")
        self.assertIn("message=answer_error", response.headers["Location"])
        self.assertEqual(approval.state, "pending")
        response = self._answer(
            self.dossier, approval, decision="partial", amount="1.000,50"
        )
        self.assertIn("message=answered", response.headers["Location"])
        self.assertEqual(approval.state, "partial")
        self.assertAlmostEqual(approval.approved_amount, 1000.5)
        supplement = self.env["bodyshop.calculation"].browse(
            calculation.action_new_supplement()["res_id"]
        )
        supplement.line_ids[0].price_unit = 1200.0
        supplement.action_send()
        page = self._get(f"/my/dossiers/{self.dossier.id}").text
        self.assertIn("o_bodyshop_difference", page)
        self._answer(
            self.dossier,
            supplement.approval_ids,
            decision="reject",
            reference="PL-78",
            note="Te duur",
        )
        self.assertRecordValues(
            supplement.approval_ids,
            [{"state": "rejected", "channel": "portal", "note": "Te duur"}],
        )
        self.assertEqual(supplement.state, "rejected")

    def test_customer_cannot_answer_for_the_insurer(self):
        calculation = self._send_calculation(self.dossier)
        approval = calculation.approval_ids
        response = self._answer(
            self.dossier, approval, token=self.dossier.access_token, decision="approve"
        )
        self.assertNotIn("message=answered", response.headers.get("Location", ""))
        self.assertEqual(approval.state, "pending")
        # Nor may a payer answer through another dossier's page.
        self.authenticate(self.payer_user.login, self.payer_user.login)
        response = self._answer(self.other_dossier, approval, decision="approve")
        self.assertIn("message=answer_error", response.headers["Location"])
        self.assertEqual(approval.state, "pending")
        self.assertTrue(re.fullmatch(r"[0-9a-f-]{36}", self.dossier.access_token))

    # the customer approves the extra work he pays himself

    def _approve_extra_work(self, dossier, calculation, token=None, **values):
        url = f"/my/dossiers/{dossier.id}/extra-work"
        if token:
            url += f"?access_token={token}"
        return self.url_open(
            url,
            data={
                "csrf_token": self.csrf_token(),
                "calculation_id": calculation.id,
                "confirm": "1",
                **values,
            },
            allow_redirects=False,
        )

    def test_customer_approves_the_extra_work(self):
        calculation = self._send_calculation(self.dossier, extra=50.0)
        self.authenticate(self.customer_user.login, self.customer_user.login)
        page = self._get(f"/my/dossiers/{self.dossier.id}").text
        self.assertIn("bodyshop_extra_work_form", page)
        self.assertIn("I order this extra work", page)
        # Without the tick nothing is ordered, and the page says why.
        response = self._approve_extra_work(self.dossier, calculation, confirm="")
        self.assertIn("message=extra_work_error", response.headers["Location"])
        self.assertFalse(calculation.customer_approved_on)
        page = self._get(response.headers["Location"]).text
        self.assertIn("Tick the box to order the extra work.", page)
        # A crafted link cannot make the page say anything else.
        page = self._get(
            f"/my/dossiers/{self.dossier.id}?message=extra_work_error"
            "&error=Bel+ons+op+0900-1234"
        ).text
        self.assertNotIn("0900-1234", page)
        response = self._approve_extra_work(self.dossier, calculation)
        self.assertIn("message=extra_work_approved", response.headers["Location"])
        self.assertEqual(calculation.state, "sent")
        self.assertEqual(calculation.customer_approved_by, self.customer_user.name)
        self.assertTrue(calculation.customer_approved_on)
        message = self.dossier.message_ids[0]
        self.assertIn("extra work approved on the portal", message.body)
        self.assertIn("Tow bar", message.body)
        amount = formatLang(
            self.env,
            calculation.amount_customer_paid,
            currency_obj=calculation.currency_id,
        )
        self.assertIn(amount.replace("\xa0", "&nbsp;"), message.body)
        self.assertEqual(message.author_id, self.customer)
        self.assertEqual(message.partner_ids, self.dossier.user_id.partner_id)
        page = self._get(f"/my/dossiers/{self.dossier.id}").text
        self.assertIn("Extra work approved by", page)
        self.assertNotIn("bodyshop_extra_work_form", page)

    def test_a_second_extra_work_ok_is_refused(self):
        calculation = self._send_calculation(self.dossier, extra=50.0)
        calculation._portal_approve_extra_work("Jan Klant")
        approved_on = calculation.customer_approved_on
        with self.assertRaisesRegex(UserError, "already been approved by Jan Klant"):
            calculation._portal_approve_extra_work("Iemand Anders")
        response = self._approve_extra_work(
            self.dossier, calculation, token=self.dossier.access_token
        )
        self.assertIn("message=extra_work_error", response.headers["Location"])
        self.assertEqual(calculation.customer_approved_by, "Jan Klant")
        self.assertEqual(calculation.customer_approved_on, approved_on)

    def test_payer_cannot_approve_the_extra_work(self):
        calculation = self._send_calculation(self.dossier, extra=50.0)
        self.authenticate(self.payer_user.login, self.payer_user.login)
        self.assertNotIn(
            "bodyshop_extra_work_form",
            self._get(f"/my/dossiers/{self.dossier.id}").text,
        )
        response = self._approve_extra_work(self.dossier, calculation)
        self.assertDenied(response, login=True)
        self.assertFalse(calculation.customer_approved_on)
        self.assertFalse(calculation.customer_approved_by)

    def test_anonymous_approves_the_extra_work_with_the_token_only(self):
        calculation = self._send_calculation(self.dossier, extra=50.0)
        for token in (None, "0123456789abcdef"):
            with self.subTest(token=token):
                response = self._approve_extra_work(
                    self.dossier, calculation, token=token
                )
                self.assertDenied(response)
                self.assertFalse(calculation.customer_approved_on)
        response = self._approve_extra_work(
            self.dossier, calculation, token=self.dossier.access_token
        )
        self.assertIn("message=extra_work_approved", response.headers["Location"])
        self.assertEqual(calculation.customer_approved_by, self.customer.name)

    def test_extra_work_ok_is_not_written_directly(self):
        calculation = self._send_calculation(self.dossier, extra=50.0)
        for vals in (
            {"customer_approved_on": "2026-01-05 10:00:00"},
            {"customer_approved_by": "Jan Klant"},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(UserError, "set by the workflow"),
            ):
                calculation.with_user(self.bs_user).write(vals)
        with self.assertRaisesRegex(UserError, "set by the workflow"):
            self.env["bodyshop.calculation"].with_user(self.bs_user).create(
                {
                    "dossier_id": self.lease_dossier.id,
                    "customer_approved_by": "Jan Klant",
                }
            )
        self.assertFalse(calculation.customer_approved_on)

    def test_extra_work_of_an_approved_version_can_be_approved(self):
        calculation = self._send_calculation(self.dossier, extra=50.0)
        calculation.approval_ids.action_approve()
        self.assertEqual(calculation.state, "approved")
        calculation.with_user(self.bs_user)._portal_approve_extra_work("Jan Klant")
        self.assertEqual(calculation.customer_approved_by, "Jan Klant")
        # The lock still holds for everything else.
        with self.assertRaisesRegex(UserError, "read-only"):
            calculation.with_user(self.bs_user).write({"validity_date": "2026-02-01"})

    def test_draft_or_plain_calculation_cannot_be_approved(self):
        draft = self.env["bodyshop.calculation"].create(
            {
                "dossier_id": self.dossier.id,
                "line_ids": [
                    Command.create(
                        {
                            "line_type": "part",
                            "name": "Tow bar",
                            "price_unit": 50.0,
                            "customer_paid": True,
                        }
                    )
                ],
            }
        )
        with self.assertRaisesRegex(UserError, "has not been sent"):
            draft._portal_approve_extra_work("Jan Klant")
        response = self._approve_extra_work(
            self.dossier, draft, token=self.dossier.access_token
        )
        self.assertIn("message=extra_work_error", response.headers["Location"])
        self.assertFalse(draft.customer_approved_on)
        plain = self._send_calculation(self.lease_dossier)
        with self.assertRaisesRegex(UserError, "no extra work"):
            plain._portal_approve_extra_work("Jan Klant")
