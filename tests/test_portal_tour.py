from odoo.tests import tagged

from .common import BodyshopHttpCommon
from .test_portal import BodyshopPortalData


@tagged("post_install", "-at_install")
class TestPortalTour(BodyshopPortalData, BodyshopHttpCommon):
    # Customers and claims handlers answer from their phone.
    browser_size = "390x844"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_portal_data()

    def _enable_demo_provider(self):
        """Odoo's demo provider for the test company, as payment's tests set
        it up: in test mode, published, on the company's bank journal."""
        demo = self.env.ref("payment.payment_provider_demo")
        provider = demo.copy({"company_id": self.company.id})
        provider.write({"state": "test", "is_published": True})
        provider.payment_method_ids.active = True
        self.assertTrue(provider.journal_id)
        return provider

    def test_customer_follows_signs_and_pays(self):
        provider = self._enable_demo_provider()
        # Only the customer's dossier: the tour opens the first one.
        (self.private_dossier | self.lease_dossier).active = False
        invoice = self._post_invoice(self.dossier, self.customer, 385.0)
        calculation = self._send_calculation(self.dossier, extra=50.0)
        self.start_tour(
            "/my/dossiers", "bodyshop_portal_customer", login="bs_portal_klant"
        )
        self.assertEqual(self.dossier.assignment_signed_by, "Jan Klant")
        self.assertEqual(calculation.customer_approved_by, "Jan Klant")
        self.assertTrue(calculation.customer_approved_on)
        transaction = invoice.transaction_ids
        self.assertEqual(transaction.provider_id, provider)
        self.assertEqual(transaction.state, "done")

    def test_payer_approves_a_supplement(self):
        (self.private_dossier | self.lease_dossier | self.other_dossier).active = False
        calculation = self._send_calculation(self.dossier, price=1000.0)
        calculation.approval_ids.action_approve()
        supplement = self.env["bodyshop.calculation"].browse(
            calculation.action_new_supplement()["res_id"]
        )
        supplement.line_ids[0].price_unit = 1250.0
        supplement.action_send()
        self.start_tour(
            "/my/dossiers", "bodyshop_portal_payer", login="bs_portal_payer"
        )
        self.assertRecordValues(
            supplement.approval_ids,
            [{"state": "approved", "channel": "portal", "reference": "PL-2026-42"}],
        )
