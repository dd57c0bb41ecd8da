"""Two transactions doing the same thing at the same moment, on a real
PostgreSQL: exactly one wins, the other gets an error and, retried as Odoo
retries a request, a clear message; nothing is written twice.

These tests need real, separate transactions: they commit their records on
their own cursors and remove them afterwards.
"""

import threading
from contextlib import closing, contextmanager

from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, Command, api, sql_db
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase
from odoo.tools import SQL

RETRIED_ERRORS = (pg_errors.SerializationFailure, pg_errors.LockNotAvailable)


@tagged("post_install", "-at_install")
class TestConcurrency(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = sql_db.db_connect(cls.env.cr.dbname)

    @contextmanager
    def _env(self):
        with closing(self.db.cursor()) as cr:
            yield api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def _setup_dossier(self, plate, approve=False, final=False):
        """A committed dossier with a sent (or approved final) calculation."""
        with self._env() as env:
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
            self.addCleanup(
                self._cleanup,
                dossier.id,
                vehicle.id,
                (customer | insurer).ids,
                model.id,
                brand.id,
            )
            return dossier.id, dossier.current_calculation_id.id

    def _cleanup(self, dossier_id, vehicle_id, partner_ids, model_id, brand_id):
        with self._env() as env:
            cr = env.cr
            cr.execute(
                SQL(
                    "DELETE FROM account_move WHERE bodyshop_dossier_id = %s",
                    dossier_id,
                )
            )
            # The dossier's calculations, lines and approvals go with it.
            cr.execute(SQL("DELETE FROM bodyshop_dossier WHERE id = %s", dossier_id))
            for table in ("fleet_vehicle_assignation_log", "fleet_vehicle_odometer"):
                cr.execute(
                    SQL(
                        "DELETE FROM %s WHERE vehicle_id = %s",
                        SQL.identifier(table),
                        vehicle_id,
                    )
                )
            cr.execute(SQL("DELETE FROM fleet_vehicle WHERE id = %s", vehicle_id))
            cr.execute(SQL("DELETE FROM fleet_vehicle_model WHERE id = %s", model_id))
            cr.execute(
                SQL("DELETE FROM fleet_vehicle_model_brand WHERE id = %s", brand_id)
            )
            cr.execute(
                SQL(
                    "DELETE FROM mail_followers WHERE partner_id IN %s",
                    tuple(partner_ids),
                )
            )
            cr.execute(
                SQL("DELETE FROM res_partner WHERE id IN %s", tuple(partner_ids))
            )
            cr.commit()  # pylint: disable=invalid-commit

    def _race(self, action):
        """Run ``action(env)`` in two transactions at once: the first does it
        and has not committed when the second starts. Returns the outcome of
        the second: the error it got, and the error of its retry."""
        outcome = {}
        with self._env() as env1:
            action(env1)
            env1.flush_all()

            def second():
                with self._env() as env2:
                    try:
                        action(env2)
                        env2.flush_all()
                        env2.cr.commit()  # pylint: disable=invalid-commit
                        outcome["first_try"] = "committed"
                    except (*RETRIED_ERRORS, UserError) as error:
                        env2.cr.rollback()
                        outcome["first_try"] = error
                # Odoo retries a request that failed on a concurrent update.
                with self._env() as env3:
                    try:
                        action(env3)
                        env3.cr.commit()  # pylint: disable=invalid-commit
                        outcome["retry"] = "committed"
                    except UserError as error:
                        env3.cr.rollback()
                        outcome["retry"] = error

            thread = threading.Thread(target=second)
            thread.start()
            thread.join(timeout=2)
            # The second transaction waits behind the first one's lock.
            self.assertTrue(thread.is_alive())
            env1.cr.commit()  # pylint: disable=invalid-commit
            thread.join(timeout=60)
            self.assertFalse(thread.is_alive())
        return outcome

    def test_two_approvals_of_one_calculation(self):
        dossier_id, calculation_id = self._setup_dossier("TZ-951-B")

        def approve(env):
            calculation = env["bodyshop.calculation"].browse(calculation_id)
            calculation.approval_ids.action_approve(reference="AUTH-1")

        outcome = self._race(approve)
        self.assertIsInstance(outcome["first_try"], (*RETRIED_ERRORS, UserError))
        self.assertIsInstance(outcome["retry"], UserError)
        self.assertIn("already been answered", str(outcome["retry"]))
        with self._env() as env:
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

        outcome = self._race(invoice)
        self.assertIsInstance(outcome["first_try"], (*RETRIED_ERRORS, UserError))
        self.assertIsInstance(outcome["retry"], UserError)
        self.assertIn("has been invoiced already", str(outcome["retry"]))
        with self._env() as env:
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
        with self._env() as env:
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
            ids = {"customer": customer.id, "vehicle": vehicle.id}
        year = 2091
        self.addCleanup(
            self._cleanup_year, year, vehicle.id, customer.id, model.id, brand.id
        )

        def create(env):
            env["bodyshop.dossier"].create(
                {
                    "customer_id": ids["customer"],
                    "vehicle_id": ids["vehicle"],
                    "payer_type": "private",
                    "intake_date": f"{year}-01-02 08:00:00",
                }
            )

        outcome = self._race(create)
        self.assertIsInstance(outcome["first_try"], RETRIED_ERRORS)
        self.assertEqual(outcome["retry"], "committed")
        with self._env() as env:
            names = (
                env["bodyshop.dossier"]
                .search([("name", "=like", f"SD{year}/%")])
                .mapped("name")
            )
            self.assertEqual(sorted(names), [f"SD{year}/00001", f"SD{year}/00002"])

    def _cleanup_year(self, year, vehicle_id, customer_id, model_id, brand_id):
        with self._env() as env:
            cr = env.cr
            cr.execute(
                SQL("DELETE FROM bodyshop_dossier WHERE name LIKE %s", f"SD{year}/%")
            )
            sequence = env.ref("bodyshop.seq_bodyshop_dossier")
            env["ir.sequence.date_range"].search(
                [("sequence_id", "=", sequence.id), ("date_from", "=", f"{year}-01-01")]
            ).unlink()
            cr.commit()  # pylint: disable=invalid-commit
        self._cleanup(0, vehicle_id, [customer_id], model_id, brand_id)
