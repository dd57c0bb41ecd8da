import datetime
import socket

from odoo.tests import tagged
from odoo.tests.common import _super_send

from ..tools.rdw import RdwClient, RdwError, fuel_type_from_rows
from .common import BodyshopCommon
from .rdw_server import SLOW_SECONDS, RdwTestServer, recorded


class RdwServerCase(BodyshopCommon):
    """Runs the real client against the local RDW stand-in on 127.0.0.1."""

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # Odoo's test harness stretches short timeouts to 10 s; the local
        # register keeps the client's own timeout so the timeout test is fast.
        if r.url.startswith("http://127.0.0.1:"):
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = cls.enterClassContext(RdwTestServer())
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param("bodyshop.rdw_base_url", cls.server.base_url)
        params.set_param("bodyshop.rdw_timeout", "0.5")

    def client(self, **kw):
        return RdwClient(self.env, base_url=self.server.base_url, timeout=0.5, **kw)


@tagged("post_install", "-at_install")
class TestRdwClient(RdwServerCase):
    def test_found_diesel_car(self):
        data = self.client().lookup("TT-601-D")
        self.assertEqual(data["brand"], "VOLKSWAGEN")
        self.assertEqual(data["model"], "KOMBI")
        self.assertEqual(data["first_registration_date"], datetime.date(2013, 5, 17))
        self.assertEqual(data["fuel_type"], "diesel")
        self.assertEqual(data["color"], "Rood")
        self.assertEqual(data["seats"], 9)
        self.assertFalse(data["open_recall"])
        # The register is asked without hyphens, as the real API wants.
        self.assertTrue(any("kenteken=TT601D" in path for path in self.server.requests))

    def test_placeholders_mean_absent(self):
        vehicle = recorded("TT601D", "m9d7-ebf2")[0]
        self.assertEqual(vehicle["tweede_kleur"], "Niet geregistreerd")
        data = self.client().lookup("L213GK")
        self.assertEqual(data["brand"], "TESLA")
        self.assertEqual(data["fuel_type"], "electric")

    def test_hybrids(self):
        self.assertEqual(
            self.client().lookup("83-SDB-5")["fuel_type"], "plug_in_hybrid_gasoline"
        )
        self.assertEqual(self.client().lookup("J-219-VX")["fuel_type"], "full_hybrid")

    def test_moped_petrol(self):
        data = self.client().lookup("F-794-KP")
        self.assertEqual(data["vehicle_kind"], "Bromfiets")
        self.assertEqual(data["fuel_type"], "gasoline")

    def test_not_found(self):
        self.assertIsNone(self.client().lookup("GZ-412-K"))

    def test_timeout(self):
        with self.assertRaisesRegex(RdwError, "did not answer within"):
            RdwClient(
                self.env, base_url=self.server.base_url, timeout=SLOW_SECONDS / 4
            ).lookup("B-001-BB")

    def test_malformed_json(self):
        with self.assertRaisesRegex(RdwError, "not valid JSON"):
            self.client().lookup("D-002-DD")

    def test_http_error(self):
        with self.assertRaisesRegex(RdwError, "HTTP status 500"):
            self.client().lookup("E-500-EE")

    def test_unreachable(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        with self.assertRaisesRegex(RdwError, "cannot be reached"):
            RdwClient(
                self.env, base_url=f"http://127.0.0.1:{port}", timeout=0.5
            ).lookup("TT601D")

    def test_fuel_rows_mapping(self):
        self.assertIsNone(fuel_type_from_rows([]))
        self.assertEqual(
            fuel_type_from_rows([{"brandstof_omschrijving": "Waterstof"}]), "hydrogen"
        )
        self.assertEqual(
            fuel_type_from_rows(
                [
                    {"brandstof_volgnummer": "1", "brandstof_omschrijving": "Diesel"},
                    {
                        "brandstof_volgnummer": "2",
                        "brandstof_omschrijving": "Elektriciteit",
                    },
                ]
            ),
            "plug_in_hybrid_diesel",
        )
