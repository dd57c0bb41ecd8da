from datetime import date, timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from ..wizards.bodyshop_intake_wizard import nice_name
from .test_rdw import RdwServerCase

PNG = (
    b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
    b"hKmMIQAAAABJRU5ErkJggg=="
)


@tagged("post_install", "-at_install")
class TestIntakeWizard(RdwServerCase):
    def _form(self, user=None):
        Wizard = self.env["bodyshop.intake.wizard"]
        if user:
            Wizard = Wizard.with_user(user)
        return Form(Wizard)

    def _photo(self, name="voorkant.png", user=None):
        Attachment = self.env["ir.attachment"].with_user(user or self.env.user)
        return Attachment.create(
            {"name": name, "datas": PNG, "res_model": "bodyshop.intake.wizard"}
        )

    def _fill_payer(self, form):
        form.customer_id = self.customer
        form.payer_type = "insurer"
        form.payer_id = self.insurer
        form.claim_number = "PV-2026-1"
        form.policy_number = "POL-9"
        form.coverage = "casco"
        form.deductible_amount = 250

    def _dossiers(self):
        return self.env["bodyshop.dossier"].search(
            [("customer_id", "=", self.customer.id)]
        )

    def test_complete_intake_from_register(self):
        form = self._form(self.bs_user)
        form.license_plate = "tt601d"
        self.assertEqual(form.license_plate, "TT-601-D")
        self.assertEqual(form.rdw_status, "found")
        self.assertEqual(form.brand_name, "VOLKSWAGEN")
        self.assertEqual(form.model_name, "KOMBI")
        self.assertEqual(form.fuel_type, "diesel")
        self.assertEqual(form.first_registration_date, date(2013, 5, 17))
        self.assertFalse(form.is_electric)
        self._fill_payer(form)
        form.damage_cause = "collision"
        form.damage_zone_ids.add(self.zone_front)
        form.damage_description = "Voorbumper gescheurd"
        form.customer_wishes = "Ook steenslag voorruit (meerwerk)"
        form.odometer_intake = 123456
        form.estimate_hours = 12
        form.estimate_amount = 2500
        form.planned_start_date = date.today() + timedelta(days=7)
        self.assertTrue(form.planned_delivery_date >= form.planned_start_date)
        form.photo_ids.add(self._photo(user=self.bs_user))
        action = form.save().action_create_dossier()

        dossier = self.env["bodyshop.dossier"].browse(action["res_id"])
        self.assertEqual(dossier.state, "intake")
        self.assertEqual(dossier.user_id, self.bs_user)
        self.assertEqual(dossier.payer_id, self.insurer)
        self.assertEqual(dossier.deductible_amount, 250)
        self.assertEqual(dossier.damage_zone_ids, self.zone_front)
        self.assertEqual(dossier.photo_count, 1)
        self.assertEqual(dossier.photo_ids.bodyshop_photo_phase, "intake")
        vehicle = dossier.vehicle_id
        self.assertEqual(vehicle.license_plate, "TT-601-D")
        self.assertTrue(vehicle.bodyshop_customer_vehicle)
        self.assertEqual(vehicle.brand_id.name, "Volkswagen")
        self.assertEqual(vehicle.model_id.name, "Kombi")
        self.assertEqual(vehicle.driver_id, self.customer)
        self.assertEqual(vehicle.fuel_type, "diesel")
        self.assertEqual(vehicle.bodyshop_first_registration_date, date(2013, 5, 17))
        self.assertEqual(vehicle.odometer, 123456)

    def test_register_names_made_readable(self):
        self.assertEqual(nice_name("VOLKSWAGEN"), "Volkswagen")
        self.assertEqual(nice_name("COROLLA HYBRID"), "Corolla Hybrid")
        self.assertEqual(nice_name("MODEL 3"), "Model 3")
        self.assertEqual(nice_name("BMW"), "BMW")
        self.assertEqual(nice_name("ID.3"), "ID.3")

    def test_existing_brand_and_model_reused(self):
        # Fleet ships the make; the register writes it in capitals.
        brand = self.env.ref("fleet.brand_volkswagen")
        model = self.env["fleet.vehicle.model"].create(
            {"name": "Kombi", "brand_id": brand.id}
        )
        brands_before = self.env["fleet.vehicle.model.brand"].search_count([])
        form = self._form()
        form.license_plate = "TT-601-D"
        self._fill_payer(form)
        action = form.save().action_create_dossier()
        dossier = self.env["bodyshop.dossier"].browse(action["res_id"])
        self.assertEqual(dossier.vehicle_id.model_id, model)
        self.assertEqual(
            self.env["fleet.vehicle.model.brand"].search_count([]), brands_before
        )

    def test_known_vehicle_is_reused(self):
        form = self._form()
        form.license_plate = "tz101b"
        self.assertEqual(form.rdw_status, "known")
        self.assertEqual(form.vehicle_id, self.vehicle)
        self.assertEqual(form.customer_id, self.customer)
        self._fill_payer(form)
        action = form.save().action_create_dossier()
        dossier = self.env["bodyshop.dossier"].browse(action["res_id"])
        self.assertEqual(dossier.vehicle_id, self.vehicle)
        self.assertEqual(
            self.env["fleet.vehicle"].search_count(
                [("license_plate", "=", "TZ-101-B")]
            ),
            1,
        )

    def test_register_unreachable_intake_goes_on_by_hand(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "bodyshop.rdw_base_url", "http://127.0.0.1:9"
        )
        form = self._form()
        form.license_plate = "AB-12-CD"
        self.assertEqual(form.rdw_status, "unreachable")
        self.assertIn("cannot be reached", form.rdw_message)
        self.assertIn("by hand", form.rdw_message)
        form.brand_name = "Opel"
        form.model_name = "Corsa"
        form.fuel_type = "gasoline"
        self._fill_payer(form)
        action = form.save().action_create_dossier()
        dossier = self.env["bodyshop.dossier"].browse(action["res_id"])
        self.assertEqual(dossier.vehicle_id.model_id.name, "Corsa")

    def test_plate_not_in_register(self):
        form = self._form()
        form.license_plate = "HG-901-T"
        self.assertEqual(form.rdw_status, "not_found")
        self.assertIn("not in the vehicle register", form.rdw_message)

    def test_lookup_button_retries(self):
        wizard = self.env["bodyshop.intake.wizard"].create({"license_plate": "TT601D"})
        action = wizard.action_lookup_plate()
        self.assertEqual(action["res_id"], wizard.id)
        self.assertEqual(wizard.rdw_status, "found")
        self.assertEqual(wizard.brand_name, "VOLKSWAGEN")

    def test_ev_intake_asks_triage(self):
        form = self._form()
        form.license_plate = "L-213-GK"
        self.assertEqual(form.fuel_type, "electric")
        self.assertTrue(form.is_electric)
        # The form requires the risk class of an EV ...
        self._fill_payer(form)
        with self.assertRaisesRegex(AssertionError, "ev_risk_class"):
            form.save()
        # ... and the server refuses an intake without it from any client.
        wizard = self.env["bodyshop.intake.wizard"].create(
            {
                "license_plate": "L-213-GK",
                "brand_name": "Tesla",
                "model_name": "Model 3",
                "fuel_type": "electric",
                "customer_id": self.customer.id,
                "payer_id": self.insurer.id,
            }
        )
        with self.assertRaisesRegex(UserError, "EV Risk Class"):
            wizard.action_create_dossier()
        self.assertFalse(self._dossiers())
        self.assertFalse(
            self.env["fleet.vehicle"].search([("license_plate", "=", "L-213-GK")])
        )

    def test_ev_intake_with_triage(self):
        form = self._form()
        form.license_plate = "83SDB5"
        self.assertEqual(form.fuel_type, "plug_in_hybrid_gasoline")
        self._fill_payer(form)
        form.ev_risk_class = "red"
        form.ev_underbody_impact = True
        form.ev_quarantine_location = "Buiten, vak Q1"
        action = form.save().action_create_dossier()
        dossier = self.env["bodyshop.dossier"].browse(action["res_id"])
        self.assertTrue(dossier.is_electric)
        self.assertEqual(dossier.ev_risk_class, "red")
        self.assertTrue(dossier.ev_underbody_impact)
        self.assertTrue(dossier.ev_repair_blocked)

    def test_invalid_plate_refused(self):
        form = self._form()
        form.license_plate = "ABC-1"
        self.assertEqual(form.rdw_status, "invalid")
        self._fill_payer(form)
        form.brand_name = "Opel"
        form.model_name = "Corsa"
        with self.assertRaisesRegex(ValidationError, "License Plate"):
            form.save().action_create_dossier()
        self.assertFalse(self._dossiers())

    def test_invalid_vin_refused_nothing_written(self):
        form = self._form()
        form.license_plate = "TT601D"
        form.vin_sn = "WVWZZZ7HZDH0O1234"
        self._fill_payer(form)
        with self.assertRaisesRegex(ValidationError, "VIN"):
            form.save().action_create_dossier()
        self.assertFalse(self._dossiers())
        self.assertFalse(
            self.env["fleet.vehicle"].search([("license_plate", "=", "TT-601-D")])
        )
        self.assertFalse(
            self.env["fleet.vehicle.model"].search([("name", "=", "Kombi")])
        )

    def test_vin_check_digit_only_warns(self):
        form = self._form()
        form.license_plate = "TT601D"
        form.vin_sn = "1M8GDM9A1KP042788"
        self.assertTrue(form.vin_warning)
        self._fill_payer(form)
        action = form.save().action_create_dossier()
        dossier = self.env["bodyshop.dossier"].browse(action["res_id"])
        self.assertEqual(dossier.vin_sn, "1M8GDM9A1KP042788")

    def test_negative_deductible_refused(self):
        form = self._form()
        form.license_plate = "TT601D"
        self._fill_payer(form)
        form.deductible_amount = -100
        with self.assertRaisesRegex(ValidationError, "Deductible"):
            form.save().action_create_dossier()
        self.assertFalse(self._dossiers())

    def test_future_damage_date_refused(self):
        form = self._form()
        form.license_plate = "TT601D"
        self._fill_payer(form)
        form.damage_date = date.today() + timedelta(days=2)
        with self.assertRaisesRegex(ValidationError, "Damage Date"):
            form.save().action_create_dossier()
        self.assertFalse(self._dossiers())
        self.assertFalse(
            self.env["fleet.vehicle"].search([("license_plate", "=", "TT-601-D")])
        )

    def test_digital_intake_needs_a_photo(self):
        form = self._form()
        form.license_plate = "TT601D"
        form.intake_channel = "digital"
        self._fill_payer(form)
        wizard = form.save()
        with self.assertRaisesRegex(UserError, "Photos"):
            wizard.action_create_dossier()
        self.assertFalse(self._dossiers())
        wizard.photo_ids = self._photo()
        action = wizard.action_create_dossier()
        self.assertEqual(
            self.env["bodyshop.dossier"].browse(action["res_id"]).photo_count, 1
        )

    def test_payer_missing_refused(self):
        # The view requires the payer; an RPC client can still leave it out.
        wizard = self.env["bodyshop.intake.wizard"].create(
            {
                "license_plate": "TT601D",
                "brand_name": "VW",
                "model_name": "Kombi",
                "customer_id": self.customer.id,
                "payer_type": "lease",
            }
        )
        with self.assertRaisesRegex(UserError, "Paying Party"):
            wizard.action_create_dossier()
        self.assertFalse(self._dossiers())

    def test_private_customer_pays(self):
        form = self._form()
        form.license_plate = "TT601D"
        form.customer_id = self.customer
        form.payer_type = "private"
        self.assertEqual(form.payer_id, self.customer)
        action = form.save().action_create_dossier()
        dossier = self.env["bodyshop.dossier"].browse(action["res_id"])
        self.assertEqual(dossier.payer_id, self.customer)
        self.assertEqual(dossier.payer_type, "private")
