from contextlib import contextmanager

from odoo import Command
from odoo.tests import HttpCase, new_test_user
from odoo.tests.common import TransactionCase


class BodyshopData:
    """Users, partners and vehicles made here, never taken from demo data."""

    @classmethod
    def _setup_bodyshop_data(cls):
        # A Dutch body shop of its own: whatever the database's main company
        # is, the tests run on the Dutch chart of accounts with 21% VAT.
        cls.company = cls._create_bodyshop_company("Test Autoschade B.V.")
        # Its plan of damage dossiers exists before a test rolls back to a
        # savepoint (the company would keep a plan that is gone).
        cls.company._bodyshop_analytic_plan()
        cls.env.user.company_id = cls.company
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.other_company = cls.env["res.company"].create({"name": "Other Body Shop"})
        cls.plain_user = new_test_user(
            cls.env,
            login="bs_plain",
            groups="base.group_user",
            name="Plain Employee",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )
        cls.bs_user = new_test_user(
            cls.env,
            login="bs_user",
            groups="bodyshop.group_bodyshop_user",
            name="Sanne Schademanager",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )
        cls.bs_manager = new_test_user(
            cls.env,
            login="bs_manager",
            groups="bodyshop.group_bodyshop_manager",
            name="Marco Owner",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )
        cls.bs_user_other_company = new_test_user(
            cls.env,
            login="bs_user_other",
            groups="bodyshop.group_bodyshop_user",
            name="Other Company Estimator",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "Jan Klant", "email": "jan@example.com"})
        cls.insurer = Partner.create(
            {"name": "Test Verzekeringen N.V.", "is_company": True}
        )
        cls.lease_company = Partner.create(
            {"name": "Test Lease B.V.", "is_company": True}
        )
        cls.brand = cls.env["fleet.vehicle.model.brand"].create({"name": "Testmerk"})
        cls.model_petrol = cls.env["fleet.vehicle.model"].create(
            {"name": "Sedan", "brand_id": cls.brand.id, "default_fuel_type": "gasoline"}
        )
        cls.model_ev = cls.env["fleet.vehicle.model"].create(
            {
                "name": "E-Sedan",
                "brand_id": cls.brand.id,
                "default_fuel_type": "electric",
            }
        )
        cls.vehicle = cls._create_vehicle("TZ-101-B", cls.model_petrol)
        cls.ev_vehicle = cls._create_vehicle("B-202-ZX", cls.model_ev, fuel="electric")
        cls.zone_front = cls.env.ref("bodyshop.damage_zone_front")

    @classmethod
    def _create_bodyshop_company(cls, name):
        company = cls.env["res.company"].create(
            {"name": name, "country_id": cls.env.ref("base.nl").id}
        )
        cls.env["account.chart.template"].try_loading(
            "nl", company=company, install_demo=False
        )
        return company

    @contextmanager
    def assertRaisesRegex(self, expected_exception, expected_regex, msg=None):
        """Like Odoo's assertRaises: the failed operation is rolled back.

        unittest's own assertRaisesRegex keeps what was written before the
        error; tests here check that nothing was written.
        """
        with self.assertRaises(expected_exception, msg=msg) as context:
            yield context
        self.assertRegex(str(context.exception), expected_regex)

    @classmethod
    def _create_vehicle(cls, plate, model, fuel="gasoline", **vals):
        return cls.env["fleet.vehicle"].create(
            {
                "license_plate": plate,
                "model_id": model.id,
                "fuel_type": fuel,
                "bodyshop_customer_vehicle": True,
                "driver_id": cls.customer.id,
                **vals,
            }
        )

    @classmethod
    def _dossier_vals(cls, **vals):
        return {
            "customer_id": cls.customer.id,
            "vehicle_id": cls.vehicle.id,
            "payer_type": "insurer",
            "payer_id": cls.insurer.id,
            "claim_number": "CLAIM-1",
            "damage_zone_ids": [Command.set(cls.zone_front.ids)],
            **vals,
        }

    @classmethod
    def _create_dossier(cls, **vals):
        return cls.env["bodyshop.dossier"].create(cls._dossier_vals(**vals))


class BodyshopCommon(BodyshopData, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_bodyshop_data()


class BodyshopHttpCommon(BodyshopData, HttpCase):
    """The same data for tests that go through the HTTP server (XML-RPC,
    JSON-RPC, routes, tours)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_bodyshop_data()
