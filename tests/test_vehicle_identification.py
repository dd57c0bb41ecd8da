from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from ..tools import vehicle_identification as vid
from .common import BodyshopCommon


@tagged("post_install", "-at_install")
class TestVehicleIdentification(BodyshopCommon):
    def test_dutch_plates_every_sidecode(self):
        cases = {
            "ab1234": "AB-12-34",  # 1
            "12-34-ab": "12-34-AB",  # 2
            "12ab34": "12-AB-34",  # 3
            "ab12cd": "AB-12-CD",  # 4
            "gb-xx-99": "GB-XX-99",  # 5
            "99 ZB XX": "99-ZB-XX",  # 6
            "82sdb4": "82-SDB-4",  # 7
            "5tfr23": "5-TFR-23",  # 8
            "tt601d": "TT-601-D",  # 9
            "f794kp": "F-794-KP",  # 10
            "klx52b": "KLX-52-B",  # 11
            "h76lpz": "H-76-LPZ",  # 12
            "1kz123": "1-KZ-123",  # 13
            "123kz1": "123-KZ-1",  # 14
        }
        for typed, expected in cases.items():
            self.assertEqual(vid.format_nl_plate(typed), expected, typed)

    def test_dutch_plates_refused(self):
        for typed in (
            "",
            "ABC",
            "AB-12-3",
            "1234567",
            "AB1C2D",
            "XAE-12-B",
            "GQ-XX-99",
        ):
            self.assertIsNone(vid.format_nl_plate(typed), typed)

    def test_vin_format_and_check_digit(self):
        self.assertTrue(vid.vin_is_well_formed("wvwzzzau29w123456"))
        self.assertTrue(vid.vin_check_digit_ok("WVWZZZAU29W123456"))
        # Same VIN with a wrong check digit: well formed, check fails.
        self.assertTrue(vid.vin_is_well_formed("WVWZZZAU39W123456"))
        self.assertFalse(vid.vin_check_digit_ok("WVWZZZAU39W123456"))
        for bad in ("WVWZZZAU29W12345", "WVWZZZAU29W1234567", "WVWZZZAU29W12345O"):
            self.assertFalse(vid.vin_is_well_formed(bad), bad)

    def test_customer_vehicle_plate_normalised(self):
        vehicle = self._create_vehicle("tt 601 d", self.model_petrol)
        self.assertEqual(vehicle.license_plate, "TT-601-D")
        vehicle.license_plate = "f794kp"
        self.assertEqual(vehicle.license_plate, "F-794-KP")

    def test_plate_normalised_from_customer_vehicles_menu(self):
        """The Customer Vehicles menu creates customer vehicles by default."""
        action = self.env.ref("bodyshop.bodyshop_vehicle_action")
        Vehicle = self.env["fleet.vehicle"].with_context(
            default_bodyshop_customer_vehicle=True
        )
        self.assertIn("default_bodyshop_customer_vehicle", action.context)
        vehicle = Vehicle.create(
            {"license_plate": "83sdb5", "model_id": self.model_petrol.id}
        )
        self.assertTrue(vehicle.bodyshop_customer_vehicle)
        self.assertEqual(vehicle.license_plate, "83-SDB-5")

    def test_customer_vehicle_invalid_plate_refused(self):
        with self.assertRaisesRegex(ValidationError, "License Plate"):
            self._create_vehicle("AB-C12-D", self.model_petrol)
        self.assertFalse(
            self.env["fleet.vehicle"].search([("license_plate", "ilike", "AB-C12-D")])
        )

    def test_foreign_plate_with_country(self):
        vehicle = self._create_vehicle(
            "b-ab 1234",
            self.model_petrol,
            bodyshop_plate_country_id=self.env.ref("base.de").id,
        )
        self.assertEqual(vehicle.license_plate, "B-AB 1234")

    def test_own_fleet_plates_untouched(self):
        """The shop's own fleet keeps Odoo's behaviour: any plate as typed."""
        vehicle = self.env["fleet.vehicle"].create(
            {"license_plate": "1-ABC-234", "model_id": self.model_petrol.id}
        )
        self.assertEqual(vehicle.license_plate, "1-ABC-234")

    def test_vin_validated_and_override(self):
        with self.assertRaisesRegex(ValidationError, "VIN"):
            self._create_vehicle(
                "AB-12-CD", self.model_petrol, vin_sn="WVWZZZAU29W1234O6"
            )
        vehicle = self._create_vehicle(
            "AB-12-CD",
            self.model_petrol,
            vin_sn="wvwzzzau29w123456",
        )
        self.assertEqual(vehicle.vin_sn, "WVWZZZAU29W123456")
        self.assertFalse(vehicle.bodyshop_vin_warning)
        old = self._create_vehicle(
            "AB-12-CF",
            self.model_petrol,
            vin_sn="110 3457 K",
            bodyshop_vin_override=True,
        )
        self.assertEqual(old.vin_sn, "110 3457 K")

    def test_vin_check_digit_warns_never_blocks(self):
        # A North American VIN carries the check digit: a wrong one warns.
        vehicle = self._create_vehicle(
            "AB-12-CD", self.model_petrol, vin_sn="1M8GDM9A1KP042788"
        )
        self.assertIn("check digit", vehicle.bodyshop_vin_warning)
        with Form(vehicle, view="bodyshop.fleet_vehicle_view_form_bodyshop") as form:
            form.vin_sn = "1M8GDM9A2KP042788"
        self.assertEqual(vehicle.vin_sn, "1M8GDM9A2KP042788")
        vehicle.vin_sn = "1M8GDM9AXKP042788"
        self.assertFalse(vehicle.bodyshop_vin_warning)

    def test_european_vin_needs_no_check_digit(self):
        """Position 9 of a European VIN (a Volkswagen here) is the maker's."""
        self.assertFalse(vid.vin_check_digit_applies("WVWZZZAU39W123456"))
        self.assertTrue(vid.vin_check_digit_applies("1M8GDM9AXKP042788"))
        self.assertTrue(vid.vin_check_digit_applies("LSVAB4187E2123457"))
        vehicle = self._create_vehicle(
            "AB-12-CD", self.model_petrol, vin_sn="WVWZZZAU39W123456"
        )
        self.assertFalse(vehicle.bodyshop_vin_warning)

    def test_electric_from_fuel_type(self):
        self.assertTrue(self.ev_vehicle.bodyshop_is_electric)
        self.assertFalse(self.vehicle.bodyshop_is_electric)
        self.vehicle.fuel_type = "plug_in_hybrid_gasoline"
        self.assertTrue(self.vehicle.bodyshop_is_electric)

    def test_vehicle_dossier_smart_button(self):
        dossier = self._create_dossier()
        self.assertEqual(self.vehicle.bodyshop_dossier_count, 1)
        action = self.vehicle.action_open_bodyshop_dossiers()
        self.assertEqual(self.env["bodyshop.dossier"].search(action["domain"]), dossier)

    def test_fleet_app_shows_own_fleet_by_default(self):
        action = self.env.ref("fleet.fleet_vehicle_action")
        self.assertIn("search_default_bodyshop_own_fleet", action.context)
        own = self.env["fleet.vehicle"].create(
            {"license_plate": "COMPANY-1", "model_id": self.model_petrol.id}
        )
        own_fleet = self.env["fleet.vehicle"].search(
            [("bodyshop_customer_vehicle", "=", False)]
        )
        self.assertIn(own, own_fleet)
        self.assertNotIn(self.vehicle, own_fleet)
