from odoo.tests import HttpCase, tagged
from odoo.tests.common import _super_send

from .rdw_server import RdwTestServer


@tagged("post_install", "-at_install")
class TestBodyshopTours(HttpCase):
    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        if r.url.startswith("http://127.0.0.1:"):
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    def test_tour_open_app_and_settings(self):
        """Log in as admin, open the Body Shop app and its Settings."""
        self.start_tour("/odoo", "bodyshop_open_settings", login="admin")
        self.assertEqual(self.env.company.bodyshop_productive_hours, 50.0)

    def test_tour_intake(self):
        """A schademanager performs a complete intake from the Intake menu."""
        server = self.enterContext(RdwTestServer())
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("bodyshop.rdw_base_url", server.base_url)
        params.set_param("bodyshop.rdw_timeout", "5")
        self.env["res.partner"].create({"name": "Tourklant Jansen"})
        self.env["res.partner"].create(
            {"name": "Tourverzekeraar N.V.", "is_company": True}
        )
        schademanager = self.env["res.users"].create(
            {
                "name": "Tour Schademanager",
                "login": "tour_schademanager",
                "password": "tour_schademanager",
                "groups_id": [
                    (6, 0, [self.env.ref("bodyshop.group_bodyshop_user").id])
                ],
            }
        )
        self.start_tour("/odoo", "bodyshop_intake_tour", login="tour_schademanager")
        dossier = self.env["bodyshop.dossier"].search(
            [("license_plate", "=", "TT-601-D")]
        )
        self.assertEqual(len(dossier), 1)
        self.assertEqual(dossier.user_id, schademanager)
        self.assertEqual(dossier.customer_id.name, "Tourklant Jansen")
        self.assertEqual(dossier.payer_id.name, "Tourverzekeraar N.V.")
        self.assertEqual(dossier.claim_number, "TV-2026-77")
        self.assertEqual(dossier.deductible_amount, 250)
        self.assertEqual(dossier.damage_cause, "collision")
        self.assertEqual(dossier.damage_zone_ids.code, "bonnet")
        self.assertEqual(dossier.estimate_hours, 10)
        self.assertEqual(dossier.vehicle_id.model_id.name, "Kombi")
        self.assertEqual(dossier.vehicle_id.fuel_type, "diesel")
