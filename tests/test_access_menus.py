from odoo.tests import tagged

from .common import BodyshopCommon


@tagged("post_install", "-at_install")
class TestAccessMenus(BodyshopCommon):
    def _visible_menus(self, user):
        menu_ids = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        return {
            xmlid
            for xmlid in (
                "bodyshop.menu_bodyshop_root",
                "bodyshop.menu_bodyshop_dossiers",
                "bodyshop.menu_bodyshop_configuration",
                "bodyshop.menu_bodyshop_config_settings",
            )
            if self.env.ref(xmlid).id in menu_ids
        }

    def test_plain_user_sees_no_bodyshop_menu(self):
        self.assertFalse(self._visible_menus(self.plain_user))

    def test_settings_menu_for_administrator(self):
        self.bs_manager.groups_id += self.env.ref("base.group_system")
        visible = self._visible_menus(self.bs_manager)
        self.assertIn("bodyshop.menu_bodyshop_config_settings", visible)

    def test_manager_group_implies_user(self):
        self.assertTrue(self.bs_manager.has_group("bodyshop.group_bodyshop_user"))
        self.assertFalse(self.bs_user.has_group("bodyshop.group_bodyshop_manager"))
        self.assertFalse(self.plain_user.has_group("bodyshop.group_bodyshop_user"))

    def test_workshop_capacity_setting(self):
        settings = self.env["res.config.settings"].create(
            {"bodyshop_productive_hours": 56.0}
        )
        settings.execute()
        self.assertEqual(self.company.bodyshop_productive_hours, 56.0)
