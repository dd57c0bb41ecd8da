from datetime import date, timedelta

from odoo.tests import Form, tagged

from .common import BodyshopCommon


def next_monday(weeks=1):
    today = date.today()
    return today + timedelta(days=(7 - today.weekday()) + 7 * (weeks - 1))


@tagged("post_install", "-at_install")
class TestWorkshopLoad(BodyshopCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.bodyshop_productive_hours = 16.0
        cls.monday = next_monday(2)
        # Isolate from any other planned work of the test database.
        cls.env["bodyshop.dossier"].search([("company_id", "=", cls.company.id)]).write(
            {"planned_start_date": False, "planned_delivery_date": False}
        )

    def _load(self, day):
        # A view over the dossiers: read it afresh, not from the cache.
        self.env.flush_all()
        self.env.invalidate_all()
        return self.env["bodyshop.workshop.load"].search(
            [("company_id", "=", self.company.id), ("date", "=", day)]
        )

    def test_hours_spread_over_working_days(self):
        # Thursday to Tuesday: Thu, Fri, Mon, Tue are working days.
        thursday = self.monday + timedelta(days=3)
        self._create_dossier(
            estimate_hours=20,
            planned_start_date=thursday,
            planned_delivery_date=thursday + timedelta(days=5),
        )
        self.env.flush_all()
        self.assertAlmostEqual(self._load(thursday).booked_hours, 5.0)
        self.assertFalse(self._load(thursday + timedelta(days=2)), "no Saturday row")
        monday = thursday + timedelta(days=4)
        row = self._load(monday)
        self.assertAlmostEqual(row.booked_hours, 5.0)
        self.assertEqual(row.capacity_hours, 16.0)
        self.assertAlmostEqual(row.free_hours, 11.0)
        self.assertAlmostEqual(row.load_percent, 31.25)

    def test_schedule_and_public_holidays(self):
        """Working days come from the company's schedule: a public holiday has
        no capacity and books nothing, a Saturday in the schedule does."""
        calendar = self.env["resource.calendar"].create(
            {
                "name": "Werkplaats ma-za",
                "company_id": self.company.id,
                "tz": "Europe/Amsterdam",
                "attendance_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"Dag {day}",
                            "dayofweek": str(day),
                            "hour_from": 8,
                            "hour_to": 17,
                            "day_period": "morning",
                        },
                    )
                    for day in range(6)
                ],
            }
        )
        self.company.resource_calendar_id = calendar
        wednesday = self.monday + timedelta(days=2)
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Feestdag",
                "calendar_id": calendar.id,
                "company_id": self.company.id,
                "date_from": f"{wednesday} 00:00:00",
                "date_to": f"{wednesday} 22:59:59",
            }
        )
        self._create_dossier(
            estimate_hours=15,
            planned_start_date=self.monday,
            planned_delivery_date=self.monday + timedelta(days=6),
        )
        self.assertFalse(self._load(wednesday), "a public holiday has no capacity")
        # Monday, Tuesday, Thursday, Friday and Saturday: 3 h a day.
        for offset in (0, 1, 3, 4, 5):
            with self.subTest(day=offset):
                row = self._load(self.monday + timedelta(days=offset))
                self.assertAlmostEqual(row.booked_hours, 3.0)
                self.assertEqual(row.capacity_hours, 16.0)
        self.assertFalse(self._load(self.monday + timedelta(days=6)), "Sunday")
        # The intake plans its delivery over the same working days.
        form = Form(self.env["bodyshop.intake.wizard"])
        form.estimate_hours = 24
        form.planned_start_date = self.monday + timedelta(days=1)
        # Tuesday, Thursday, Friday: three days of 8 hours.
        self.assertEqual(form.planned_delivery_date, self.monday + timedelta(days=4))

    def test_closed_dossiers_book_nothing(self):
        dossier = self._create_dossier(
            estimate_hours=8,
            planned_start_date=self.monday,
            planned_delivery_date=self.monday,
        )
        self.env.flush_all()
        self.assertAlmostEqual(self._load(self.monday).booked_hours, 8.0)
        dossier.action_cancel()
        self.env.flush_all()
        self.assertAlmostEqual(self._load(self.monday).booked_hours, 0.0)

    def test_intake_wizard_shows_load_and_warns_over_capacity(self):
        self._create_dossier(
            estimate_hours=12,
            planned_start_date=self.monday,
            planned_delivery_date=self.monday,
        )
        self.env.flush_all()
        form = Form(self.env["bodyshop.intake.wizard"])
        form.estimate_hours = 6
        form.planned_start_date = self.monday
        form.planned_delivery_date = self.monday
        self.assertTrue(form.planning_over_capacity, "12 h booked + 6 h > 16 h")
        self.assertIn("12.0 h booked of 16.0 h", form.planning_info)
        form.estimate_hours = 4
        self.assertFalse(form.planning_over_capacity)
        # The first day with room for this car is suggested.
        self.assertTrue(form.suggested_start_date)
        self.assertGreater(form.suggested_start_date, date.today())
        self.assertGreaterEqual(self._load(form.suggested_start_date).free_hours, 4)

    def test_suggested_start_skips_full_days(self):
        tomorrow = date.today() + timedelta(days=1)
        last = self.monday + timedelta(days=4)
        self._create_dossier(
            estimate_hours=16 * 200,
            planned_start_date=tomorrow,
            planned_delivery_date=last,
        )
        self.env.flush_all()
        form = Form(self.env["bodyshop.intake.wizard"])
        form.estimate_hours = 8
        self.assertGreater(form.suggested_start_date, last)
        # Only shown: the user's own date is never replaced by it.
        self.assertFalse(form.planned_start_date)
        typed = date.today() + timedelta(days=3)
        form.planned_start_date = typed
        form.estimate_hours = 9
        self.assertEqual(form.planned_start_date, typed)
        form.license_plate = "TZ-101-B"
        form.customer_id = self.customer
        form.payer_type = "private"
        wizard = form.save()
        wizard.planned_start_date = False
        wizard.action_use_suggested_date()
        self.assertEqual(wizard.planned_start_date, wizard.suggested_start_date)
        self.assertGreaterEqual(wizard.planned_delivery_date, wizard.planned_start_date)
