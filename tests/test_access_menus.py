from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import BodyshopCommon


@tagged("post_install", "-at_install")
class TestAccessMenus(BodyshopCommon):
    def _visible_menus(self, user):
        menu_ids = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        return {
            xmlid
            for xmlid in (
                "bodyshop.menu_bodyshop_root",
                "bodyshop.menu_bodyshop_intake",
                "bodyshop.menu_bodyshop_dossier",
                "bodyshop.menu_bodyshop_workshop_load",
                "bodyshop.menu_bodyshop_reporting",
                "bodyshop.menu_bodyshop_configuration",
                "bodyshop.menu_bodyshop_config_settings",
                "bodyshop.menu_bodyshop_planning_board",
                "bodyshop.menu_bodyshop_time_entries",
                "bodyshop.menu_bodyshop_technicians",
                "bodyshop.menu_bodyshop_kiosk",
                "bodyshop.menu_bodyshop_reporting_labour",
            )
            if self.env.ref(xmlid).id in menu_ids
        }

    def test_workshop_menus_for_the_workshop_manager(self):
        """The estimator sees the planning board; the workshop manager also
        the clocked time, the technicians and the kiosk; the labour
        efficiency report is the owner's."""
        workshop = new_test_user(
            self.env,
            login="bs_workshop_menus",
            groups="bodyshop.group_bodyshop_workshop",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        user_menus = self._visible_menus(self.bs_user)
        self.assertIn("bodyshop.menu_bodyshop_planning_board", user_menus)
        for xmlid in (
            "bodyshop.menu_bodyshop_time_entries",
            "bodyshop.menu_bodyshop_technicians",
            "bodyshop.menu_bodyshop_kiosk",
        ):
            self.assertNotIn(xmlid, user_menus)
            self.assertIn(xmlid, self._visible_menus(workshop))
            self.assertIn(xmlid, self._visible_menus(self.bs_manager))
        self.assertNotIn(
            "bodyshop.menu_bodyshop_reporting_labour", self._visible_menus(workshop)
        )
        self.assertIn(
            "bodyshop.menu_bodyshop_reporting_labour",
            self._visible_menus(self.bs_manager),
        )

    def test_plain_user_sees_no_bodyshop_menu(self):
        self.assertFalse(self._visible_menus(self.plain_user))

    def test_user_sees_dossiers_not_configuration(self):
        visible = self._visible_menus(self.bs_user)
        self.assertIn("bodyshop.menu_bodyshop_root", visible)
        self.assertIn("bodyshop.menu_bodyshop_intake", visible)
        self.assertIn("bodyshop.menu_bodyshop_dossier", visible)
        self.assertIn("bodyshop.menu_bodyshop_workshop_load", visible)
        self.assertNotIn("bodyshop.menu_bodyshop_reporting", visible)
        self.assertNotIn("bodyshop.menu_bodyshop_configuration", visible)

    def test_manager_sees_reporting_and_configuration(self):
        visible = self._visible_menus(self.bs_manager)
        self.assertIn("bodyshop.menu_bodyshop_reporting", visible)
        self.assertIn("bodyshop.menu_bodyshop_configuration", visible)
        # Settings stay with the administrators, as in every Odoo app.
        self.assertNotIn("bodyshop.menu_bodyshop_config_settings", visible)

    def test_settings_menu_for_administrator(self):
        self.bs_manager.groups_id += self.env.ref("base.group_system")
        visible = self._visible_menus(self.bs_manager)
        self.assertIn("bodyshop.menu_bodyshop_config_settings", visible)

    def test_manager_group_implies_user(self):
        self.assertTrue(self.bs_manager.has_group("bodyshop.group_bodyshop_user"))
        self.assertFalse(self.bs_user.has_group("bodyshop.group_bodyshop_manager"))
        self.assertFalse(self.plain_user.has_group("bodyshop.group_bodyshop_user"))

    def test_settings(self):
        settings = self.env["res.config.settings"].create(
            {
                "bodyshop_productive_hours": 56.0,
                "bodyshop_expert_threshold": 4000.0,
                "bodyshop_rdw_base_url": "http://127.0.0.1:8999",
                "bodyshop_rdw_timeout": 3.0,
            }
        )
        settings.execute()
        self.assertEqual(self.company.bodyshop_productive_hours, 56.0)
        self.assertEqual(self.company.bodyshop_expert_threshold, 4000.0)
        params = self.env["ir.config_parameter"].sudo()
        self.assertEqual(
            params.get_param("bodyshop.rdw_base_url"), "http://127.0.0.1:8999"
        )
        self.assertEqual(float(params.get_param("bodyshop.rdw_timeout")), 3.0)


@tagged("post_install", "-at_install")
class TestDossierAccess(BodyshopCommon):
    def test_plain_user_cannot_read_dossiers(self):
        dossier = self._create_dossier()
        with self.assertRaises(AccessError):
            dossier.with_user(self.plain_user).read(["name"])
        with self.assertRaises(AccessError):
            self.env["bodyshop.dossier"].with_user(self.plain_user).create(
                self._dossier_vals()
            )

    def test_user_creates_and_edits_but_does_not_delete(self):
        dossier = (
            self.env["bodyshop.dossier"]
            .with_user(self.bs_user)
            .create(self._dossier_vals())
        )
        dossier.estimate_amount = 1500
        self.assertEqual(dossier.estimate_amount, 1500)
        with self.assertRaises(AccessError):
            dossier.unlink()

    def test_manager_deletes(self):
        dossier = (
            self.env["bodyshop.dossier"]
            .with_user(self.bs_manager)
            .create(self._dossier_vals())
        )
        dossier.unlink()
        self.assertFalse(dossier.exists())

    def test_user_creates_customer_vehicle_and_make(self):
        brand = (
            self.env["fleet.vehicle.model.brand"]
            .with_user(self.bs_user)
            .create({"name": "Lynk"})
        )
        model = (
            self.env["fleet.vehicle.model"]
            .with_user(self.bs_user)
            .create({"name": "01", "brand_id": brand.id})
        )
        vehicle = (
            self.env["fleet.vehicle"]
            .with_user(self.bs_user)
            .create(
                {
                    "license_plate": "ab12cd",
                    "model_id": model.id,
                    "bodyshop_customer_vehicle": True,
                }
            )
        )
        self.assertEqual(vehicle.license_plate, "AB-12-CD")

    def test_user_only_configures_nothing(self):
        zone = self.env.ref("bodyshop.damage_zone_front")
        self.assertTrue(zone.with_user(self.bs_user).name)
        with self.assertRaises(AccessError):
            zone.with_user(self.bs_user).name = "Voor"
        zone.with_user(self.bs_manager).name = "Front (bumper)"
        self.assertEqual(zone.name, "Front (bumper)")

    def test_other_company_cannot_see_dossier(self):
        dossier = self._create_dossier()
        other = self.env["bodyshop.dossier"].with_user(self.bs_user_other_company)
        self.assertFalse(other.search([("id", "=", dossier.id)]))
        with self.assertRaises(AccessError):
            dossier.with_user(self.bs_user_other_company).read(["name"])
        load = self.env["bodyshop.workshop.load"].with_user(self.bs_user_other_company)
        self.assertFalse(load.search([("company_id", "=", self.company.id)], limit=1))


@tagged("post_install", "-at_install")
class TestCalculationAccess(BodyshopCommon):
    def test_agreements_are_configured_by_managers(self):
        Agreement = self.env["bodyshop.agreement"]
        agreement = Agreement.with_user(self.bs_manager).create(
            {"name": "Manager's agreement", "partner_id": self.insurer.id}
        )
        self.assertTrue(agreement.with_user(self.bs_user).name)
        with self.assertRaises(AccessError):
            Agreement.with_user(self.bs_user).create({"name": "Not allowed"})
        with self.assertRaises(AccessError):
            agreement.with_user(self.bs_user).rate_body = 1.0

    def test_calculations_follow_dossier_access(self):
        dossier = (
            self.env["bodyshop.dossier"]
            .with_user(self.bs_user)
            .create(self._dossier_vals())
        )
        dossier.action_start_calculation()
        calc = dossier.current_calculation_id
        calc.line_ids = [
            (0, 0, {"line_type": "labour", "labour_type": "body", "name": "x"})
        ]
        self.assertEqual(calc.create_uid, self.bs_user)
        with self.assertRaises(AccessError):
            calc.with_user(self.plain_user).read(["name"])
        with self.assertRaises(AccessError):
            calc.with_user(self.bs_user_other_company).read(["name"])
        other = self.env["bodyshop.calculation"].with_user(self.bs_user_other_company)
        self.assertFalse(other.search([("id", "=", calc.id)]))
