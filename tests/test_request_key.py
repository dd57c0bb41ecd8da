"""A retried intake makes one dossier: the client's request key (MODEL.md,
idempotent create)."""

from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import BodyshopCommon
from .concurrency import ConcurrencyCase

KEY = "8c1f2a8e-0d5b-4f4e-9a55-3c3d1d2b7e01"


@tagged("post_install", "-at_install")
class TestRequestKey(BodyshopCommon):
    def _create(self, user, **vals):
        return (
            self.env["bodyshop.dossier"]
            .with_user(user)
            .create(self._dossier_vals(**vals))
        )

    def _count(self, key=KEY):
        return self.env["bodyshop.dossier"].search_count([("request_key", "=", key)])

    def test_same_key_twice_gives_one_dossier(self):
        first = self._create(self.bs_user, request_key=KEY)
        again = self._create(self.bs_user, request_key=f"  {KEY} ", claim_number="X")
        self.assertEqual(again, first)
        self.assertEqual(self._count(), 1)
        self.assertEqual(first.claim_number, "CLAIM-1", "the retry changes nothing")
        self.assertEqual(first.request_key, KEY)

    def test_batch_keeps_its_order(self):
        known = self._create(self.bs_user, request_key=KEY)
        dossiers = (
            self.env["bodyshop.dossier"]
            .with_user(self.bs_user)
            .create(
                [
                    self._dossier_vals(request_key="new-1"),
                    self._dossier_vals(request_key=KEY),
                    self._dossier_vals(),
                ]
            )
        )
        self.assertEqual(len(dossiers), 3)
        self.assertEqual(dossiers[1], known)
        self.assertEqual(dossiers[0].request_key, "new-1")
        self.assertFalse(dossiers[2].request_key)
        self.assertNotIn(known, dossiers[0] | dossiers[2])

    def test_without_key_every_create_is_a_dossier(self):
        first = self._create(self.bs_user)
        second = self._create(self.bs_user)
        self.assertNotEqual(first, second)

    def test_another_users_key_is_never_someone_elses_dossier(self):
        mine = self._create(self.bs_user, request_key=KEY)
        theirs = self._create(self.bs_manager, request_key=KEY)
        self.assertNotEqual(theirs, mine)
        self.assertEqual(theirs.create_uid, self.bs_manager)
        other_company = self.env["bodyshop.dossier"].with_user(
            self.bs_user_other_company
        )
        vehicle = self._create_vehicle(
            "TZ-102-B", self.model_petrol, company_id=self.other_company.id
        )
        elsewhere = other_company.create(
            self._dossier_vals(request_key=KEY, vehicle_id=vehicle.id)
        )
        self.assertNotIn(elsewhere, mine | theirs)
        self.assertEqual(self._create(self.bs_user, request_key=KEY), mine)
        self.assertEqual(self._count(), 3)

    def test_key_is_given_once(self):
        dossier = self._create(self.bs_user, request_key=KEY)
        with self.assertRaisesRegex(UserError, "never changed"):
            dossier.with_user(self.bs_user).write({"request_key": "other"})
        with self.assertRaisesRegex(ValidationError, "at most 100"):
            self._create(self.bs_user, request_key="x" * 101)

    def test_key_unique_in_the_database(self):
        first = self._create(self.bs_user, request_key=KEY)
        second = self._create(self.bs_user, request_key="other")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            second.sudo().write({"request_key": first.request_key})
            second.env.flush_all()

    def test_intake_confirmed_twice_makes_one_dossier(self):
        Wizard = self.env["bodyshop.intake.wizard"].with_user(self.bs_user)
        form = Form(Wizard)
        form.license_plate = "TZ-103-B"
        form.brand_name = "Testmerk"
        form.model_name = "Sedan"
        form.customer_id = self.customer
        form.payer_type = "insurer"
        form.payer_id = self.insurer
        wizard = form.save()
        self.assertTrue(wizard.request_key, "the wizard has a key of its own")
        Vehicle = self.env["fleet.vehicle"]
        vehicles = Vehicle.search_count([])
        first = wizard.action_create_dossier()
        again = wizard.action_create_dossier()
        self.assertEqual(again["res_id"], first["res_id"])
        # The same key from a new wizard (the client lost the first one).
        retry = Wizard.create(
            {
                "license_plate": "TZ-103-B",
                "brand_name": "Testmerk",
                "model_name": "Sedan",
                "customer_id": self.customer.id,
                "payer_type": "insurer",
                "payer_id": self.insurer.id,
                "request_key": wizard.request_key,
            }
        )
        self.assertEqual(retry.action_create_dossier()["res_id"], first["res_id"])
        self.assertEqual(Vehicle.search_count([]), vehicles + 1)
        self.assertEqual(self._count(wizard.request_key), 1)
        # Another user's intake with that key is his own.
        other = (
            self.env["bodyshop.intake.wizard"]
            .with_user(self.bs_manager)
            .create(
                {
                    "license_plate": "TZ-104-B",
                    "brand_name": "Testmerk",
                    "model_name": "Sedan",
                    "customer_id": self.customer.id,
                    "payer_type": "insurer",
                    "payer_id": self.insurer.id,
                    "request_key": wizard.request_key,
                }
            )
        )
        self.assertNotEqual(other.action_create_dossier()["res_id"], first["res_id"])


@tagged("post_install", "-at_install")
class TestRequestKeyConcurrency(ConcurrencyCase):
    def test_retry_while_the_first_request_runs(self):
        """The retry comes in while the first request still runs: it waits
        for it and gets its dossier, also though the first committed after
        the retry's transaction began."""
        with self.committed_env() as env:
            customer = env["res.partner"].create({"name": "Klant RK"})
            insurer = env["res.partner"].create({"name": "Verzekeraar RK"})
            brand = env["fleet.vehicle.model.brand"].create({"name": "Merk RK"})
            model = env["fleet.vehicle.model"].create(
                {"name": "M", "brand_id": brand.id}
            )
            vehicle = env["fleet.vehicle"].create(
                {
                    "license_plate": "TZ-961-B",
                    "model_id": model.id,
                    "bodyshop_customer_vehicle": True,
                }
            )
            env.cr.commit()  # pylint: disable=invalid-commit
            self.track(vehicle, model, brand, customer | insurer)
            vals = {
                "customer_id": customer.id,
                "vehicle_id": vehicle.id,
                "payer_type": "insurer",
                "payer_id": insurer.id,
                "request_key": KEY,
            }
        made = []

        def intake(env):
            made.append(env["bodyshop.dossier"].create(dict(vals)).id)

        outcome = self.race(intake, (), ())
        with self.committed_env() as env:
            dossiers = env["bodyshop.dossier"].search([("request_key", "=", KEY)])
            self.track(dossiers)
        self.assertEqual(outcome["first_try"], "committed")
        self.assertEqual(outcome["retry"], "committed")
        self.assertEqual(len(dossiers), 1)
        self.assertEqual(made, dossiers.ids * 3)
