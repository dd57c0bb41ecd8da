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


class BodyshopWorkshopData(BodyshopData):
    """Technicians on a 40-hour week (Mon-Fri 8-17 with a lunch break, Europe/
    Amsterdam) and approved dossiers with sold hours per labour type."""

    @classmethod
    def _setup_workshop_data(cls):
        cls._setup_bodyshop_data()
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Werkplaats 40 uur",
                "company_id": cls.company.id,
                "tz": "Europe/Amsterdam",
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"{day} {period}",
                            "dayofweek": str(day),
                            "hour_from": hour_from,
                            "hour_to": hour_to,
                            "day_period": period,
                        }
                    )
                    for day in range(5)
                    for period, hour_from, hour_to in (
                        ("morning", 8.0, 12.0),
                        ("afternoon", 13.0, 17.0),
                    )
                ],
            }
        )
        cls.workshop_manager = new_test_user(
            cls.env,
            login="bs_workshop",
            groups="bodyshop.group_bodyshop_workshop",
            name="Wim Werkplaatschef",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )
        types = cls.env["bodyshop.labour.type"]
        cls.labour_type_body = cls.env.ref("bodyshop.labour_type_body")
        cls.labour_type_paint = cls.env.ref("bodyshop.labour_type_paint")
        cls.labour_type_electrical = cls.env.ref("bodyshop.labour_type_electrical")
        cls.plaatwerker = cls._create_technician(
            "Piet Plaatwerker", cls.labour_type_body, hourly_cost=42.5, pin="1234"
        )
        cls.spuiter = cls._create_technician(
            "Sem Spuiter", cls.labour_type_paint, hourly_cost=38.0, pin="5678"
        )
        cls.all_types = types.search([])
        cls.company.write(
            {
                "bodyshop_cost_rate_body": 30.0,
                "bodyshop_cost_rate_paint": 32.0,
                "bodyshop_default_agreement_id": cls.env["bodyshop.agreement"]
                .create(
                    {
                        "name": "Werkplaats tarieven",
                        "company_id": cls.company.id,
                        "rate_body": 60.0,
                        "rate_paint": 65.0,
                        "rate_mechanical": 60.0,
                        "rate_electrical": 70.0,
                    }
                )
                .id,
            }
        )

    @classmethod
    def _create_technician(cls, name, labour_types, company=None, **vals):
        company = company or cls.company
        return cls.env["hr.employee"].create(
            {
                "name": name,
                "company_id": company.id,
                "resource_calendar_id": (
                    cls.calendar.id if company == cls.company else False
                ),
                "tz": "Europe/Amsterdam",
                "bodyshop_technician": True,
                "bodyshop_labour_type_ids": [Command.set(labour_types.ids)],
                **vals,
            }
        )

    @classmethod
    def _create_approved_dossier(cls, units=None, vehicle=None, **vals):
        """A dossier in state approved whose approved calculation sells
        ``units`` {labour type: AE} (10 AE = 1 hour by default)."""
        units = units or {"body": 60.0, "paint": 30.0}
        if vehicle:
            vals["vehicle_id"] = vehicle.id
        dossier = cls._create_dossier(**vals)
        calculation = cls.env["bodyshop.calculation"].create(
            {
                "dossier_id": dossier.id,
                "line_ids": [
                    Command.create(
                        {
                            "line_type": "labour",
                            "labour_type": labour_type,
                            "operation": "repair",
                            "name": f"Work {labour_type}",
                            "labour_units": amount,
                        }
                    )
                    for labour_type, amount in units.items()
                ],
            }
        )
        calculation.action_send()
        calculation.approval_ids.filtered(
            lambda a: a.state == "pending"
        ).action_approve()
        return dossier
