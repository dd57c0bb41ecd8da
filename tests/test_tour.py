from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestBodyshopTours(HttpCase):
    def test_tour_open_app_and_settings(self):
        """Log in as admin, open the Body Shop app and its Settings."""
        self.start_tour("/odoo", "bodyshop_open_settings", login="admin")
