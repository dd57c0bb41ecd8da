"""Two transactions doing the same thing at the same moment, on a real
PostgreSQL: exactly one wins, the other gets an error and, retried as Odoo
retries a request, a clear message; nothing is written twice.

These tests need real, separate transactions: they commit their records on
their own cursors and remove them afterwards.
"""

from psycopg2 import errors as pg_errors

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from .concurrency import ConcurrencyCase

RETRIED_ERRORS = (pg_errors.SerializationFailure, pg_errors.LockNotAvailable)


@tagged("post_install", "-at_install")
class TestConcurrency(ConcurrencyCase):
    def _setup_dossier(self, plate, approve=False, final=False):
        """A committed dossier with a sent (or approved final) calculation."""
        with self.committed_env() as env:
            customer = env["res.partner"].create({"name": f"Klant {plate}"})
            insurer = env["res.partner"].create({"name": f"Verzekeraar {plate}"})
            brand = env["fleet.vehicle.model.brand"].create({"name": f"Merk {plate}"})
            model = env["fleet.vehicle.model"].create(
                {"name": "M", "brand_id": brand.id}
            )
            vehicle = env["fleet.vehicle"].create(
                {
                    "license_plate": plate,
                    "model_id": model.id,
                    "bodyshop_customer_vehicle": True,
                }
            )
            dossier = env["bodyshop.dossier"].create(
                {
                    "customer_id": customer.id,
                    "vehicle_id": vehicle.id,
                    "payer_type": "insurer",
                    "payer_id": insurer.id,
                    "deductible_amount": 100.0,
                }
            )
            calculation = env["bodyshop.calculation"].create(
                {
                    "dossier_id": dossier.id,
                    "line_ids": [
                        Command.create(
                            {
                                "line_type": "part",
                                "name": "Spiegel",
                                "price_unit": 400.0,
                            }
                        )
                    ],
                }
            )
            calculation.action_send()
            if approve:
                calculation.approval_ids.action_approve()
            if final:
                dossier.action_create_final()
                dossier.current_calculation_id.action_send()
                dossier.current_calculation_id.approval_ids.action_approve()
            env.cr.commit()  # pylint: disable=invalid-commit
            self.track(dossier, vehicle, model, brand, customer | insurer)
            return dossier.id, dossier.current_calculation_id.id

    def test_two_approvals_of_one_calculation(self):
        dossier_id, calculation_id = self._setup_dossier("TZ-951-B")

        def approve(env):
            calculation = env["bodyshop.calculation"].browse(calculation_id)
            calculation.approval_ids.action_approve(reference="AUTH-1")

        outcome = self.race(approve, RETRIED_ERRORS, (UserError,))
        self.assertIsInstance(outcome["first_try"], (*RETRIED_ERRORS, UserError))
        self.assertIsInstance(outcome["retry"], UserError)
        self.assertIn("already been answered", str(outcome["retry"]))
        with self.committed_env() as env:
            calculation = env["bodyshop.calculation"].browse(calculation_id)
            self.assertEqual(calculation.state, "approved")
            self.assertEqual(calculation.approval_ids.mapped("state"), ["approved"])
            dossier = env["bodyshop.dossier"].browse(dossier_id)
            self.assertEqual(dossier.state, "approved")

    def test_two_invoicings_of_one_dossier(self):
        dossier_id, _calculation_id = self._setup_dossier(
            "TZ-952-B", approve=True, final=True
        )

        def invoice(env):
            env["bodyshop.dossier"].browse(dossier_id).action_create_invoices()

        outcome = self.race(invoice, RETRIED_ERRORS, (UserError,))
        self.assertIsInstance(outcome["first_try"], (*RETRIED_ERRORS, UserError))
        self.assertIsInstance(outcome["retry"], UserError)
        self.assertIn("has been invoiced already", str(outcome["retry"]))
        with self.committed_env() as env:
            invoices = env["account.move"].search(
                [("bodyshop_dossier_id", "=", dossier_id)]
            )
            # One payer and one customer invoice: not two of each.
            self.assertEqual(
                sorted(invoices.mapped("bodyshop_invoice_role")), ["customer", "payer"]
            )

    def test_first_dossiers_of_a_year_at_once(self):
        """The first two dossiers of a new year, made at the same moment, get
        different numbers (the second is retried, as Odoo retries requests)."""
        with self.committed_env() as env:
            customer = env["res.partner"].create({"name": "Klant jaarwisseling"})
            brand = env["fleet.vehicle.model.brand"].create({"name": "Jaarwissel"})
            model = env["fleet.vehicle.model"].create(
                {"name": "J", "brand_id": brand.id}
            )
            vehicle = env["fleet.vehicle"].create(
                {
                    "license_plate": "TZ-953-B",
                    "model_id": model.id,
                    "bodyshop_customer_vehicle": True,
                }
            )
            env.cr.commit()  # pylint: disable=invalid-commit
            self.track(vehicle, model, brand, customer)
            ids = {"customer": customer.id, "vehicle": vehicle.id}
        year = 2091
        self.addCleanup(self._cleanup_year, year)

        def create(env):
            env["bodyshop.dossier"].create(
                {
                    "customer_id": ids["customer"],
                    "vehicle_id": ids["vehicle"],
                    "payer_type": "private",
                    "intake_date": f"{year}-01-02 08:00:00",
                }
            )

        outcome = self.race(create, RETRIED_ERRORS, (UserError,))
        self.assertIsInstance(outcome["first_try"], RETRIED_ERRORS)
        self.assertEqual(outcome["retry"], "committed")
        with self.committed_env() as env:
            names = (
                env["bodyshop.dossier"]
                .search([("name", "=like", f"SD{year}/%")])
                .mapped("name")
            )
            self.assertEqual(sorted(names), [f"SD{year}/00001", f"SD{year}/00002"])

    def _cleanup_year(self, year):
        with self.committed_env() as env:
            cr = env.cr
            dossiers = env["bodyshop.dossier"].search(
                [("name", "=like", f"SD{year}/%")]
            )
            accounts = dossiers.analytic_account_id
            cr.execute(
                SQL("DELETE FROM bodyshop_dossier WHERE name LIKE %s", f"SD{year}/%")
            )
            if accounts:
                cr.execute(
                    SQL(
                        "DELETE FROM account_analytic_account WHERE id IN %s",
                        tuple(accounts.ids),
                    )
                )
            sequence = env.ref("bodyshop.seq_bodyshop_dossier")
            env["ir.sequence.date_range"].search(
                [("sequence_id", "=", sequence.id), ("date_from", "=", f"{year}-01-01")]
            ).unlink()
            cr.commit()  # pylint: disable=invalid-commit
