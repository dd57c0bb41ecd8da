"""Real, separate, committed transactions on the test database, for the tests
of two users doing the same thing at the same moment.

What such a test creates is committed, so it is removed in a cleanup that
runs whatever happens to the test (``addCleanup``): a failing or crashing
test leaves nothing behind.
"""

import threading
import time
from contextlib import closing, contextmanager

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests.common import TransactionCase
from odoo.tools import SQL

# Tables to empty, in this order, of the records a concurrency test made:
# (table, column pointing at the tracked model, tracked model).
PURGE_ORDER = [
    ("account_move", "bodyshop_dossier_id", "bodyshop.dossier"),
    ("purchase_order", "bodyshop_dossier_id", "bodyshop.dossier"),
    ("bodyshop_courtesy_booking", "dossier_id", "bodyshop.dossier"),
    ("bodyshop_courtesy_booking", "vehicle_id", "fleet.vehicle"),
    ("bodyshop_dossier", "id", "bodyshop.dossier"),
    ("account_analytic_account", "id", "account.analytic.account"),
    ("fleet_vehicle_odometer", "vehicle_id", "fleet.vehicle"),
    ("fleet_vehicle_assignation_log", "vehicle_id", "fleet.vehicle"),
    ("fleet_vehicle", "id", "fleet.vehicle"),
    ("fleet_vehicle_model", "id", "fleet.vehicle.model"),
    ("fleet_vehicle_model_brand", "id", "fleet.vehicle.model.brand"),
    ("mail_followers", "partner_id", "res.partner"),
    ("res_partner", "id", "res.partner"),
]


class ConcurrencyCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = sql_db.db_connect(cls.env.cr.dbname)

    @contextmanager
    def committed_env(self):
        """An environment on a cursor of its own; commit it to make the
        records it creates visible to the other transactions."""
        with closing(self.db.cursor()) as cr:
            yield api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def track(self, *records):
        """Remove ``records`` (and what hangs on them) after the test."""
        tracked = {}
        for record in records:
            tracked.setdefault(record._name, set()).update(record.ids)
            if record._name == "bodyshop.dossier":
                tracked.setdefault("account.analytic.account", set()).update(
                    record.analytic_account_id.ids
                )
        self.addCleanup(self._purge, tracked)

    def _purge(self, tracked):
        with self.committed_env() as env:
            cr = env.cr
            for table, column, model in PURGE_ORDER:
                ids = tracked.get(model)
                if ids:
                    cr.execute(
                        SQL(
                            "DELETE FROM %s WHERE %s IN %s",
                            SQL.identifier(table),
                            SQL.identifier(column),
                            tuple(ids),
                        )
                    )
            cr.commit()  # pylint: disable=invalid-commit

    def race(self, action, retried_errors, refusals):
        """Run ``action(env)`` in two transactions at once. The first does it
        and holds its locks; the second starts, must wait on one of them (it
        is checked in PostgreSQL), and gets its outcome when the first
        commits. Odoo then retries a request that failed on a concurrent
        update: so does this.

        Returns {"first_try": "committed" or the error, "retry": "committed"
        or the error}.
        """
        outcome = {}
        with self.committed_env() as env1:
            action(env1)
            env1.flush_all()

            def second():
                with self.committed_env() as env2:
                    env2.cr.execute(SQL("SELECT pg_backend_pid()"))
                    outcome["pid"] = env2.cr.fetchone()[0]
                    try:
                        action(env2)
                        env2.flush_all()
                        env2.cr.commit()  # pylint: disable=invalid-commit
                        outcome["first_try"] = "committed"
                    except (*retried_errors, *refusals) as error:
                        env2.cr.rollback()
                        outcome["first_try"] = error
                with self.committed_env() as env3:
                    try:
                        action(env3)
                        env3.flush_all()
                        env3.cr.commit()  # pylint: disable=invalid-commit
                        outcome["retry"] = "committed"
                    except refusals as error:
                        env3.cr.rollback()
                        outcome["retry"] = error

            thread = threading.Thread(target=second)
            thread.start()
            self.assertTrue(
                self._waits_on_a_lock(outcome),
                "the second transaction did not wait on the first one's lock",
            )
            env1.cr.commit()  # pylint: disable=invalid-commit
            thread.join(timeout=60)
            self.assertFalse(thread.is_alive())
        return outcome

    def _waits_on_a_lock(self, outcome, timeout=20.0):
        deadline = time.monotonic() + timeout
        with self.committed_env() as env:
            while time.monotonic() < deadline:
                pid = outcome.get("pid")
                if pid:
                    env.cr.execute(
                        SQL(
                            "SELECT wait_event_type FROM pg_stat_activity "
                            "WHERE pid = %s",
                            pid,
                        )
                    )
                    row = env.cr.fetchone()
                    if row and row[0] == "Lock":
                        return True
                time.sleep(0.05)
        return False
