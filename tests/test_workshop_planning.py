from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase

from .common import BodyshopWorkshopData

AMSTERDAM = pytz.timezone("Europe/Amsterdam")


def next_monday(weeks=1):
    today = fields.Date.today()
    return today + timedelta(days=7 * weeks - today.weekday())


def local(day, hour):
    moment = AMSTERDAM.localize(datetime.combine(day, time(hour)))
    return moment.astimezone(pytz.utc).replace(tzinfo=None)


@tagged("post_install", "-at_install")
class TestWorkshopPlanning(BodyshopWorkshopData, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_workshop_data()
        cls.monday = next_monday()
        cls.Slot = cls.env["bodyshop.planning.slot"]
        cls.Board = cls.Slot.with_user(cls.workshop_manager)

    def _odoo_hours(self, employee, date_from, date_to):
        """{date: hours} as Odoo's resource computes the working time."""
        start = AMSTERDAM.localize(datetime.combine(date_from, time.min))
        stop = AMSTERDAM.localize(
            datetime.combine(date_to + timedelta(days=1), time.min)
        )
        calendar = employee.resource_calendar_id
        intervals = calendar._work_intervals_batch(
            start, stop, resources=employee.resource_id, tz=AMSTERDAM
        )[employee.resource_id.id]
        hours = defaultdict(float)
        for begin, end, _meta in intervals:
            hours[begin.astimezone(AMSTERDAM).date()] += (
                end - begin
            ).total_seconds() / 3600
        return {day: round(value, 2) for day, value in hours.items() if value}

    def _capacity(self, employee, date_from, date_to):
        capacity = self.env["hr.employee"]._bodyshop_capacity(
            date_from, date_to, employee
        )
        return {day: hours for (_emp, day), hours in capacity.items() if hours}

    # capacity: the working schedule, time off and public holidays of Odoo

    def test_capacity_is_odoos_working_time_with_a_leave_and_a_public_holiday(self):
        tuesday = self.monday + timedelta(days=1)
        thursday = self.monday + timedelta(days=3)
        Leave = self.env["resource.calendar.leaves"]
        # Piet is off on Tuesday afternoon; Thursday is a public holiday.
        Leave.create(
            {
                "name": "Tandarts",
                "resource_id": self.plaatwerker.resource_id.id,
                "calendar_id": self.calendar.id,
                "date_from": local(tuesday, 13),
                "date_to": local(tuesday, 17),
                "time_type": "leave",
            }
        )
        Leave.create(
            {
                "name": "Hemelvaartsdag",
                "company_id": self.company.id,
                "calendar_id": False,
                "date_from": local(thursday, 0),
                "date_to": local(thursday, 23),
                "time_type": "leave",
            }
        )
        friday = self.monday + timedelta(days=4)
        sunday = self.monday + timedelta(days=6)
        capacity = self._capacity(self.plaatwerker, self.monday, sunday)
        self.assertEqual(
            capacity, self._odoo_hours(self.plaatwerker, self.monday, sunday)
        )
        self.assertEqual(capacity[self.monday], 8.0)
        self.assertEqual(capacity[tuesday], 4.0)
        self.assertNotIn(thursday, capacity)
        self.assertEqual(capacity[friday], 8.0)
        self.assertNotIn(sunday, capacity)
        # The board greys the holiday and counts the same capacity.
        data = self.Board.get_board_data(fields.Date.to_string(self.monday), 7)
        days = {d["date"]: d for d in data["days"]}
        self.assertEqual(
            days[fields.Date.to_string(thursday)]["holiday"], "Hemelvaartsdag"
        )
        piet = next(t for t in data["technicians"] if t["id"] == self.plaatwerker.id)
        self.assertEqual(piet["cells"][fields.Date.to_string(tuesday)]["capacity"], 4.0)
        self.assertEqual(
            piet["cells"][fields.Date.to_string(thursday)]["capacity"], 0.0
        )

    def test_capacity_of_a_two_week_schedule(self):
        """Week A Monday to Friday, week B Monday to Wednesday: as Odoo counts
        the week types."""
        calendar = self.env["resource.calendar"].create(
            {
                "name": "Twee weken",
                "company_id": self.company.id,
                "tz": "Europe/Amsterdam",
                "two_weeks_calendar": True,
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"{week} {day}",
                            "dayofweek": str(day),
                            "hour_from": 7.0,
                            "hour_to": 15.0,
                            "week_type": week,
                        }
                    )
                    for week, days in (("0", range(5)), ("1", range(3)))
                    for day in days
                ],
            }
        )
        # Odoo's own section lines of a two-week schedule stay out.
        calendar.attendance_ids.filtered("display_type").unlink()
        employee = self._create_technician("Twan Tweeweeks", self.labour_type_body)
        employee.resource_calendar_id = calendar
        last = self.monday + timedelta(days=13)
        capacity = self._capacity(employee, self.monday, last)
        self.assertEqual(capacity, self._odoo_hours(employee, self.monday, last))
        self.assertEqual(sum(capacity.values()), 8 * 8.0)

    # the planning board

    def test_dropping_a_dossier_spreads_its_hours_over_free_days(self):
        # 20 sold hours of body work.
        dossier = self._create_approved_dossier(units={"body": 200.0})
        tuesday = self.monday + timedelta(days=1)
        other = self._create_approved_dossier(units={"body": 50.0})
        self.Board.action_board_plan(other.id, "body", self.plaatwerker.id, tuesday)
        ids = self.Board.action_board_plan(
            dossier.id, "body", self.plaatwerker.id, self.monday
        )
        slots = self.Slot.browse(ids)
        plan = {slot.date: slot.hours for slot in slots}
        # Monday 8, Tuesday 3 (5 went to the other car), Wednesday 8, Thursday 1.
        self.assertEqual(
            plan,
            {
                self.monday: 8.0,
                tuesday: 3.0,
                self.monday + timedelta(days=2): 8.0,
                self.monday + timedelta(days=3): 1.0,
            },
        )
        self.assertEqual(dossier.planned_ready_date, self.monday + timedelta(days=3))
        self.assertEqual(set(slots.mapped("employee_id")), {self.plaatwerker})
        # Nothing left to plan of it.
        with self.assertRaisesRegex(UserError, "are planned"):
            self.Board.action_board_plan(
                dossier.id, "body", self.plaatwerker.id, self.monday
            )

    def test_moving_and_unplanning_a_block(self):
        dossier = self._create_approved_dossier(units={"body": 40.0})
        ids = self.Board.action_board_plan(
            dossier.id, "body", self.plaatwerker.id, self.monday
        )
        slot = self.Slot.browse(ids)
        friday = self.monday + timedelta(days=4)
        slot.with_user(self.workshop_manager).action_board_move(
            self.plaatwerker.id, friday
        )
        self.assertEqual(slot.date, friday)
        self.assertEqual(dossier.planned_ready_date, friday)
        # The painter does not do body work.
        with self.assertRaisesRegex(ValidationError, "does not do"):
            slot.with_user(self.workshop_manager).action_board_move(
                self.spuiter.id, friday
            )
        slot.with_user(self.workshop_manager).action_board_unplan()
        self.assertFalse(slot.exists())
        self.assertFalse(dossier.planned_ready_date)

    def test_an_over_booked_day_stands_out(self):
        dossier = self._create_approved_dossier(units={"body": 60.0})
        self.Slot.create(
            {
                "dossier_id": dossier.id,
                "employee_id": self.plaatwerker.id,
                "labour_type": "body",
                "date": self.monday,
                "hours": 10.0,
            }
        )
        data = self.Board.get_board_data(fields.Date.to_string(self.monday))
        piet = next(t for t in data["technicians"] if t["id"] == self.plaatwerker.id)
        cell = piet["cells"][fields.Date.to_string(self.monday)]
        self.assertEqual(cell, {"capacity": 8.0, "planned": 10.0})
        self.assertEqual(len(data["days"]), 10)
        self.assertEqual(data["date_from"], fields.Date.to_string(self.monday))
        self.assertTrue(data["can_edit"])
        # The estimator sees the board, but does not plan.
        self.assertFalse(self.Slot.with_user(self.bs_user).get_board_data()["can_edit"])

    def test_board_shows_parts_and_the_delivery_at_risk(self):
        dossier = self._create_approved_dossier(
            units={"body": 100.0}, planned_delivery_date=fields.Date.today()
        )
        data = self.Board.get_board_data()
        todo = next(d for d in data["dossiers"] if d["id"] == dossier.id)
        self.assertTrue(todo["at_risk"], "10 hours to plan and the car is due today")
        self.assertEqual(
            todo["remaining"],
            [{"labour_type": "body", "label": "Body Work", "hours": 10.0}],
        )

    def test_the_board_shows_only_the_users_companies(self):
        other = self._create_technician(
            "Other Shop Tech", self.labour_type_body, company=self.other_company
        )
        data = self.Board.get_board_data()
        ids = {t["id"] for t in data["technicians"]}
        self.assertIn(self.plaatwerker.id, ids)
        self.assertNotIn(other.id, ids)
        self.other_company.bodyshop_default_agreement_id = self.env[
            "bodyshop.agreement"
        ].create(
            {
                "name": "Andere tarieven",
                "company_id": self.other_company.id,
                "rate_body": 55.0,
            }
        )
        other_dossier = self._create_approved_dossier(
            company_id=self.other_company.id,
            vehicle=self._create_vehicle(
                "TZ-102-B", self.model_petrol, company_id=self.other_company.id
            ),
        )
        self.assertNotIn(other_dossier.id, {d["id"] for d in data["dossiers"]})
        with self.assertRaises(AccessError):
            self.Board.action_board_plan(
                other_dossier.id, "body", self.plaatwerker.id, self.monday
            )

    def test_only_a_workshop_manager_plans(self):
        dossier = self._create_approved_dossier()
        for user in (
            self.bs_user,
            self.bs_manager.copy(
                {
                    "login": "x2",
                    "groups_id": [
                        Command.set(self.env.ref("bodyshop.group_bodyshop_user").ids)
                    ],
                }
            ),
        ):
            with self.assertRaises(AccessError):
                self.Slot.with_user(user).action_board_plan(
                    dossier.id, "body", self.plaatwerker.id, self.monday
                )
            with self.assertRaises(AccessError):
                self.Slot.with_user(user).create(
                    {
                        "dossier_id": dossier.id,
                        "employee_id": self.plaatwerker.id,
                        "labour_type": "body",
                        "date": self.monday,
                        "hours": 2.0,
                    }
                )
        self.assertFalse(dossier.planning_slot_ids)

    def test_planning_refuses_the_past_and_dossiers_not_approved(self):
        dossier = self._create_approved_dossier()
        with self.assertRaisesRegex(UserError, "has passed"):
            self.Board.action_board_plan(
                dossier.id,
                "body",
                self.plaatwerker.id,
                fields.Date.today() - timedelta(days=1),
            )
        draft = self._create_dossier()
        with self.assertRaisesRegex(
            UserError, "plans dossiers the paying party approved"
        ):
            self.Slot.create(
                {
                    "dossier_id": draft.id,
                    "employee_id": self.plaatwerker.id,
                    "labour_type": "body",
                    "date": self.monday,
                    "hours": 2.0,
                }
            )
        with self.assertRaisesRegex(ValidationError, "at most a day"):
            self.Slot.create(
                {
                    "dossier_id": dossier.id,
                    "employee_id": self.plaatwerker.id,
                    "labour_type": "body",
                    "date": self.monday,
                    "hours": 30.0,
                }
            )
        self.assertFalse(
            self.Slot.search([("dossier_id", "in", (dossier | draft).ids)])
        )

    # the workshop load reads the technicians' capacity

    def test_workshop_load_capacity_is_the_technicians(self):
        dossier = self._create_approved_dossier(units={"body": 30.0})
        self.Board.action_board_plan(
            dossier.id, "body", self.plaatwerker.id, self.monday
        )
        self.env.flush_all()
        Load = self.env["bodyshop.workshop.load"]
        Load.invalidate_model()
        row = Load.search(
            [("company_id", "=", self.company.id), ("date", "=", self.monday)]
        )
        # Two technicians of 8 hours, not the flat productive hours setting.
        self.assertEqual(row.capacity_hours, 16.0)
        self.assertGreaterEqual(row.booked_hours, 3.0)
