from datetime import datetime, timedelta

import psycopg2
import pytz

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tests.common import TransactionCase

from ..models.bodyshop_time_entry import FORGOTTEN_AFTER
from .common import BodyshopWorkshopData

AMSTERDAM = pytz.timezone("Europe/Amsterdam")


def local(day, hour, minute=0):
    """A naive UTC datetime of ``hour:minute`` in Amsterdam on ``day``."""
    moment = AMSTERDAM.localize(datetime.combine(day, datetime.min.time()))
    moment += timedelta(hours=hour, minutes=minute)
    return moment.astimezone(pytz.utc).replace(tzinfo=None)


def last_weekday(before_days=1):
    """The last Monday-to-Friday at least ``before_days`` days ago."""
    day = fields.Date.today() - timedelta(days=before_days)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


@tagged("post_install", "-at_install")
class TestWorkshopClock(BodyshopWorkshopData, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_workshop_data()
        # 60 AE body and 30 AE paint at 10 AE an hour: 6 and 3 hours sold.
        cls.dossier = cls._create_approved_dossier()
        cls.day = last_weekday(2)
        cls.Entry = cls.env["bodyshop.time.entry"]

    def _clock(self, employee, start, stop, labour_type="body", dossier=None):
        employee._bodyshop_clock_in(dossier or self.dossier, labour_type, now=start)
        employee._bodyshop_clock_out(now=stop)
        return self.Entry.search([("employee_id", "=", employee.id)], limit=1)

    # clocking in and out

    def test_clock_in_and_out_costs_the_hours_at_the_hourly_cost(self):
        entry = self._clock(
            self.plaatwerker, local(self.day, 8), local(self.day, 9, 25)
        )
        self.assertEqual(entry.dossier_id, self.dossier)
        # Hours show rounded; the cost counts the exact time.
        self.assertEqual(entry.hours, 1.42)
        # 1 h 25 min at 42.50 = 60.2083...: rounded by the currency.
        self.assertEqual(entry.cost, 60.21)
        self.assertFalse(entry.automatic_stop)
        self.assertFalse(entry.to_check)
        line = entry.analytic_line_id
        self.assertEqual(line.amount, -60.21)
        self.assertEqual(line.unit_amount, 1.42)
        self.assertEqual(line.date, self.day)
        account = self.dossier.analytic_account_id
        self.assertEqual(line[account.root_plan_id._column_name()], account)

    def test_clock_in_through_the_api_is_one_call(self):
        """The MODEL.md names, as a workshop manager calls them over RPC."""
        employee = self.plaatwerker.with_user(self.workshop_manager)
        entry_id = employee.action_bodyshop_clock_in(self.dossier.id, "body")
        entry = self.Entry.browse(entry_id)
        self.assertFalse(entry.date_end)
        self.assertEqual(self.plaatwerker.bodyshop_running_entry_id, entry)
        self.assertTrue(employee.action_bodyshop_clock_out())
        # Clocked and stopped within a second: nothing was worked.
        self.assertFalse(
            self.Entry.search(
                [("employee_id", "=", self.plaatwerker.id), ("date_end", "=", False)]
            )
        )

    def test_starting_a_job_stops_the_running_one(self):
        other = self._create_approved_dossier(units={"body": 20.0})
        self.plaatwerker._bodyshop_clock_in(
            self.dossier, "body", now=local(self.day, 8)
        )
        self.plaatwerker._bodyshop_clock_in(other, "body", now=local(self.day, 10))
        entries = self.Entry.search(
            [("employee_id", "=", self.plaatwerker.id)], order="date_start"
        )
        self.assertEqual(entries.dossier_id, self.dossier | other)
        self.assertEqual(entries[0].date_end, local(self.day, 10))
        self.assertEqual(entries[0].hours, 2.0)
        self.assertFalse(entries[1].date_end)

    def test_only_a_workshop_manager_clocks_in_the_backend(self):
        for user in (
            self.bs_user,
            self.bs_manager.copy(
                {
                    "login": "x",
                    "groups_id": [
                        (6, 0, self.env.ref("bodyshop.group_bodyshop_user").ids)
                    ],
                }
            ),
        ):
            with self.assertRaises(AccessError):
                self.plaatwerker.with_user(user).action_bodyshop_clock_in(
                    self.dossier.id, "body"
                )
        self.assertFalse(self.plaatwerker.bodyshop_time_entry_ids)

    # bad input

    def test_clocking_on_a_dossier_not_approved_is_refused(self):
        draft = self._create_dossier()
        with self.assertRaisesRegex(UserError, "once the paying party approved"):
            self.plaatwerker.with_user(self.workshop_manager).action_bodyshop_clock_in(
                draft.id, "body"
            )
        self.assertFalse(self.plaatwerker.bodyshop_time_entry_ids)

    def test_clocking_on_another_company_is_refused(self):
        other = self._create_technician(
            "Other Plaatwerker", self.labour_type_body, company=self.other_company
        )
        with self.assertRaisesRegex(UserError, "not a dossier of"):
            other._bodyshop_clock_in(self.dossier, "body")
        self.assertFalse(other.bodyshop_time_entry_ids)

    def test_clocking_a_non_technician_or_unknown_type_is_refused(self):
        clerk = self.env["hr.employee"].create(
            {"name": "Balie", "company_id": self.company.id}
        )
        with self.assertRaisesRegex(UserError, "not a workshop technician"):
            clerk._bodyshop_clock_in(self.dossier, "body")
        with self.assertRaisesRegex(UserError, "is not a labour type"):
            self.plaatwerker._bodyshop_clock_in(self.dossier, "welding")
        self.assertFalse(self.Entry.search([("dossier_id", "=", self.dossier.id)]))

    def test_a_labour_type_without_sold_hours_is_allowed_but_flagged(self):
        entry = self._clock(
            self.plaatwerker,
            local(self.day, 8),
            local(self.day, 9),
            labour_type="mechanical",
        )
        self.assertTrue(entry.unsold_labour_type)
        self.assertTrue(entry.to_check)
        sold = self._clock(
            self.spuiter, local(self.day, 8), local(self.day, 9), "paint"
        )
        self.assertFalse(sold.unsold_labour_type)

    def test_ev_not_declared_safe_only_the_electrical_work(self):
        dossier = self._create_approved_dossier(
            units={"body": 20.0, "electrical": 10.0},
            vehicle=self.ev_vehicle,
            ev_risk_class="amber",
        )
        self.assertTrue(dossier.ev_repair_blocked)
        with self.assertRaisesRegex(UserError, "not declared voltage-free"):
            self.plaatwerker._bodyshop_clock_in(dossier, "body")
        self.assertFalse(self.plaatwerker.bodyshop_time_entry_ids)
        electrician = self._create_technician("Eva ev-VP", self.labour_type_electrical)
        electrician._bodyshop_clock_in(dossier, "electrical", now=local(self.day, 8))
        self.assertTrue(electrician.bodyshop_running_entry_id)

    def test_overlapping_time_of_one_technician_is_refused(self):
        self._clock(self.plaatwerker, local(self.day, 8), local(self.day, 12))
        wizard = Form(
            self.env["bodyshop.time.entry.correction"].with_user(self.workshop_manager)
        )
        wizard.dossier_id = self.dossier
        wizard.employee_id = self.plaatwerker
        wizard.labour_type = "body"
        wizard.date_start = local(self.day, 11)
        wizard.date_end = local(self.day, 13)
        wizard.reason = "Vergeten te klokken"
        with self.assertRaisesRegex(ValidationError, "one job at a time"):
            wizard.save().action_apply()
        self.assertEqual(len(self.plaatwerker.bodyshop_time_entry_ids), 1)

    def test_the_database_refuses_overlaps_too(self):
        """Two kiosks in two transactions: PostgreSQL's exclusion constraint."""
        self._clock(self.plaatwerker, local(self.day, 8), local(self.day, 12))
        with (
            self.assertRaises(psycopg2.errors.ExclusionViolation),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                "INSERT INTO bodyshop_time_entry (dossier_id, company_id, "
                "employee_id, labour_type, date_start) VALUES (%s, %s, %s, 'body', %s)",
                (
                    self.dossier.id,
                    self.company.id,
                    self.plaatwerker.id,
                    local(self.day, 10),
                ),
            )

    def test_stop_before_start_and_time_in_the_future_are_refused(self):
        entry = self._clock(self.plaatwerker, local(self.day, 8), local(self.day, 12))
        wizard = (
            self.env["bodyshop.time.entry.correction"]
            .with_user(self.workshop_manager)
            .create(
                {
                    "entry_id": entry.id,
                    "date_end": local(self.day, 7),
                    "reason": "Tikfout",
                }
            )
        )
        with self.assertRaisesRegex(UserError, "stop must come after the start"):
            wizard.action_apply()
        wizard.date_end = fields.Datetime.now() + timedelta(hours=3)
        with self.assertRaisesRegex(ValidationError, "cannot be clocked in the future"):
            wizard.action_apply()
        self.assertEqual(entry.date_end, local(self.day, 12))

    # the forgotten clock

    def test_a_clock_left_running_stops_at_the_end_of_the_working_day(self):
        self.plaatwerker._bodyshop_clock_in(
            self.dossier, "body", now=local(self.day, 14)
        )
        self.Entry._cron_stop_forgotten()
        entry = self.plaatwerker.bodyshop_time_entry_ids
        # The schedule ends at 17:00 in Amsterdam.
        self.assertEqual(entry.date_end, local(self.day, 17))
        self.assertEqual(entry.hours, 3.0)
        self.assertTrue(entry.automatic_stop)
        self.assertTrue(entry.to_check)
        self.assertIn("past the end of the working day", entry.message_ids[0].body)
        self.assertEqual(entry.analytic_line_id.amount, -127.5)

    def test_the_cron_leaves_todays_running_clock_alone(self):
        now = fields.Datetime.now()
        self.plaatwerker._bodyshop_clock_in(
            self.dossier, "body", now=now - timedelta(minutes=30)
        )
        day_end = self.plaatwerker._bodyshop_day_end(now - timedelta(minutes=30))
        self.Entry._cron_stop_forgotten()
        entry = self.plaatwerker.bodyshop_time_entry_ids
        self.assertEqual(bool(entry.date_end), day_end + FORGOTTEN_AFTER < now)

    def test_working_late_counts_until_he_clocks_out(self):
        """Clocked out two hours after the end of his schedule: he worked
        late, the time counts. Later than that, the clock was forgotten: it
        stops at the end of the schedule, flagged."""
        other_day = self.day - timedelta(days=1)
        while other_day.weekday() >= 5:
            other_day -= timedelta(days=1)
        self.plaatwerker._bodyshop_clock_in(
            self.dossier, "body", now=local(other_day, 16)
        )
        self.plaatwerker._bodyshop_clock_out(now=local(other_day, 19, 30))
        forgotten = self.plaatwerker.bodyshop_time_entry_ids
        self.assertEqual(forgotten.date_end, local(other_day, 17))
        self.assertTrue(forgotten.automatic_stop)
        self.assertTrue(forgotten.to_check)
        self.plaatwerker._bodyshop_clock_in(
            self.dossier, "body", now=local(self.day, 16)
        )
        self.plaatwerker._bodyshop_clock_out(now=local(self.day, 18))
        late = self.plaatwerker.bodyshop_time_entry_ids - forgotten
        self.assertEqual(late.hours, 2.0)
        self.assertFalse(late.automatic_stop)
        self.assertFalse(late.to_check)

    def test_correction_needs_a_reason_and_is_tracked(self):
        entry = self._clock(self.plaatwerker, local(self.day, 8), local(self.day, 12))
        Wizard = (
            self.env["bodyshop.time.entry.correction"]
            .with_user(self.workshop_manager)
            .with_context(tracking_disable=False)
        )
        wizard = Wizard.create(
            {"entry_id": entry.id, "date_end": local(self.day, 10), "reason": " "}
        )
        with self.assertRaisesRegex(UserError, "Say why"):
            wizard.action_apply()
        wizard.reason = "Pauze niet uitgeklokt"
        wizard.action_apply()
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertEqual(entry.hours, 2.0)
        self.assertEqual(entry.cost, 85.0)
        self.assertEqual(entry.analytic_line_id.amount, -85.0)
        self.assertTrue(
            any(
                "Pauze niet uitgeklokt" in body
                for body in entry.message_ids.mapped("body")
            )
        )
        tracked = entry.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "date_end"
        )
        self.assertTrue(tracked)
        self.assertEqual(tracked.new_value_datetime, local(self.day, 10))

    def test_forgotten_time_is_added_with_a_reason(self):
        wizard = Form(
            self.env["bodyshop.time.entry.correction"].with_user(self.workshop_manager)
        )
        wizard.dossier_id = self.dossier
        wizard.employee_id = self.spuiter
        wizard.labour_type = "trim"
        wizard.date_start = local(self.day, 13)
        wizard.date_end = local(self.day, 14, 30)
        wizard.reason = "Bekleding, niet geklokt"
        wizard.save().action_apply()
        entry = self.spuiter.bodyshop_time_entry_ids
        self.assertEqual(entry.hours, 1.5)
        self.assertEqual(entry.cost, 57.0)
        self.assertTrue(entry.unsold_labour_type, "no trim hours were sold")

    def test_technicians_and_estimators_cannot_edit_time(self):
        entry = self._clock(self.plaatwerker, local(self.day, 8), local(self.day, 12))
        with self.assertRaises(UserError):
            entry.with_user(self.bs_user).write({"date_end": local(self.day, 9)})
        with self.assertRaises(AccessError):
            entry.with_user(self.bs_user).unlink()
        with self.assertRaises(AccessError):
            self.env["bodyshop.time.entry.correction"].with_user(self.bs_user).create(
                {"entry_id": entry.id, "reason": "x"}
            )
        # The workshop manager writes clocked time only through the wizard.
        with self.assertRaises(UserError):
            entry.with_user(self.workshop_manager).write(
                {"date_end": local(self.day, 9)}
            )
        with self.assertRaises(UserError):
            self.Entry.with_user(self.workshop_manager).create(
                {
                    "dossier_id": self.dossier.id,
                    "employee_id": self.plaatwerker.id,
                    "labour_type": "body",
                    "date_start": local(self.day, 13),
                }
            )
        self.assertEqual(entry.date_end, local(self.day, 12))

    def test_no_correction_of_another_companys_time(self):
        entry = self._clock(self.plaatwerker, local(self.day, 8), local(self.day, 12))
        other_manager = self.workshop_manager.copy(
            {
                "login": "other_workshop",
                "company_id": self.other_company.id,
                "company_ids": [(6, 0, self.other_company.ids)],
            }
        )
        with self.assertRaises(AccessError):
            self.env["bodyshop.time.entry.correction"].with_user(other_manager).create(
                {"entry_id": entry.id, "reason": "x"}
            )
        with self.assertRaises(AccessError):
            entry.with_user(other_manager).read(["hours"])

    # the dossier's labour: sold against clocked, and the margin

    def test_margin_uses_the_clocked_cost_once_time_is_clocked(self):
        dossier = self.dossier
        # Before anything is clocked: the standard cost per hour, said so.
        self.assertTrue(dossier.cost_labour_standard)
        self.assertEqual(dossier.cost_labour, 6 * 30.0 + 3 * 32.0)
        self._clock(self.plaatwerker, local(self.day, 8), local(self.day, 12))
        self._clock(self.plaatwerker, local(self.day, 12, 15), local(self.day, 16, 25))
        self._clock(self.spuiter, local(self.day, 8), local(self.day, 11, 45), "paint")
        dossier.invalidate_recordset()
        self.assertFalse(dossier.cost_labour_standard)
        # 8 h 10 min at 42.50 (347.08) + 3 h 45 min at 38.00 (142.50).
        entries = dossier.time_entry_ids
        self.assertEqual(sorted(entries.mapped("cost")), [142.5, 170.0, 177.08])
        self.assertEqual(dossier.cost_labour, 489.58)
        # Sold: 6 h at 60.00 and 3 h at 65.00 = 555.00.
        self.assertEqual(dossier.labour_margin, 65.42)
        analytic = self.env["account.analytic.line"].search(
            [
                (
                    dossier.analytic_account_id.root_plan_id._column_name(),
                    "=",
                    dossier.analytic_account_id.id,
                ),
                ("product_id", "=", self.env.ref("bodyshop.product_product_labour").id),
            ]
        )
        self.assertEqual(round(-sum(analytic.mapped("amount")), 2), 489.58)
        # 9 sold hours against 11 h 55 min clocked.
        self.assertAlmostEqual(dossier.sold_hours, 9.0, places=2)
        self.assertAlmostEqual(dossier.clocked_hours, 11 + 55 / 60, places=2)
        self.assertAlmostEqual(
            dossier.labour_efficiency, 9 / (11 + 55 / 60) * 100, places=1
        )
        summary = {s.labour_type: s for s in dossier.labour_summary_ids}
        self.assertAlmostEqual(summary["body"].sold_hours, 6.0, places=2)
        self.assertAlmostEqual(summary["body"].clocked_hours, 8 + 10 / 60, places=2)
        self.assertAlmostEqual(summary["paint"].labour_efficiency, 80.0, places=1)
        self.assertEqual(summary["body"].cost, 347.08)
        # Two more hours and the dossier loses money on labour: the owner's
        # filter finds it.
        self._clock(self.spuiter, local(self.day, 13), local(self.day, 15), "paint")
        self.assertEqual(dossier.labour_margin, -10.58)
        self.assertIn(
            dossier,
            self.env["bodyshop.dossier"].search([("labour_margin", "<", 0)]),
        )

    def test_labour_efficiency_per_technician_and_touch_time(self):
        self._clock(self.plaatwerker, local(self.day, 8), local(self.day, 12))
        self._clock(self.spuiter, local(self.day, 8), local(self.day, 11), "paint")
        Report = self.env["bodyshop.labour.report"]
        groups = Report._read_group(
            [("dossier_id", "=", self.dossier.id)],
            ["employee_id"],
            [
                "clocked_hours:sum",
                "sold_hours:sum",
                "labour_efficiency:avg",
                "cost:sum",
            ],
        )
        by_employee = {employee: rest for employee, *rest in groups}
        clocked, sold, efficiency, cost = by_employee[self.plaatwerker]
        self.assertAlmostEqual(clocked, 4.0, places=2)
        # His share of the sold body hours: all 6 (he alone clocked body work).
        self.assertAlmostEqual(sold, 6.0, places=2)
        self.assertAlmostEqual(efficiency, 150.0, places=1)
        self.assertEqual(cost, 170.0)
        self.assertAlmostEqual(by_employee[self.spuiter][2], 100.0, places=1)
        kpi = self.env["bodyshop.kpi.report"].search(
            [("dossier_id", "=", self.dossier.id)]
        )
        self.assertEqual(len(kpi), 1)
        self.assertAlmostEqual(kpi.clocked_hours, 7.0, places=2)
        self.assertAlmostEqual(kpi.sold_hours, 9.0, places=2)
        self.assertAlmostEqual(kpi.labour_efficiency, 9 / 7 * 100, places=1)
        # Touch time counts the delivered cars: 7 hours in 2 days in the shop.
        self.assertFalse(kpi.touch_hours)
        self.dossier._write_workflow(
            {
                "checkin_date": local(self.day, 8),
                "delivery_date": local(self.day, 8) + timedelta(days=2),
            }
        )
        self.env.flush_all()
        self.env["bodyshop.kpi.report"].invalidate_model()
        kpi = self.env["bodyshop.kpi.report"].search(
            [("dossier_id", "=", self.dossier.id)]
        )
        self.assertAlmostEqual(kpi.shop_days, 2.0, places=1)
        self.assertAlmostEqual(kpi.touch_hours, 7.0, places=2)
        self.assertAlmostEqual(kpi.touch_time, 3.5, places=2)

    def test_time_added_after_invoicing_replaces_the_standard_labour_cost(self):
        """Invoicing books the labour at standard cost when nobody clocked;
        time the workshop manager adds afterwards is the labour cost instead
        (never both)."""
        dossier = self.dossier
        dossier._book_standard_costs(dossier._margin_calculation())
        dossier.invalidate_recordset()
        self.assertEqual(dossier.cost_labour, 6 * 30.0 + 3 * 32.0)
        self.assertTrue(dossier.cost_labour_standard)
        wizard = Form(
            self.env["bodyshop.time.entry.correction"].with_user(self.workshop_manager)
        )
        wizard.dossier_id = dossier
        wizard.employee_id = self.plaatwerker
        wizard.labour_type = "body"
        wizard.date_start = local(self.day, 8)
        wizard.date_end = local(self.day, 10)
        wizard.reason = "Na facturatie nagekomen"
        wizard.save().action_apply()
        dossier.invalidate_recordset()
        self.assertFalse(dossier.cost_labour_standard)
        self.assertEqual(dossier.cost_labour, 85.0)
        account = dossier.analytic_account_id
        labour_lines = self.env["account.analytic.line"].search(
            [
                (account.root_plan_id._column_name(), "=", account.id),
                ("product_id", "=", self.env.ref("bodyshop.product_product_labour").id),
            ]
        )
        self.assertEqual(labour_lines, dossier.time_entry_ids.analytic_line_id)

    def test_a_correction_that_changes_nothing_is_refused(self):
        entry = self._clock(self.plaatwerker, local(self.day, 8), local(self.day, 12))
        wizard = (
            self.env["bodyshop.time.entry.correction"]
            .with_user(self.workshop_manager)
            .create({"entry_id": entry.id, "reason": "Controle"})
        )
        with self.assertRaisesRegex(UserError, "Nothing changes"):
            wizard.action_apply()
        self.assertFalse(
            any("Controle" in body for body in entry.message_ids.mapped("body"))
        )
        wizard.date_end = local(self.day, 11)
        self.assertEqual(wizard.action_apply(), {"type": "ir.actions.act_window_close"})
        self.assertEqual(entry.hours, 3.0)
