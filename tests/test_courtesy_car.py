from datetime import datetime, timedelta

import psycopg2.errors

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import BodyshopCommon
from .concurrency import ConcurrencyCase


def _day(offset, hour=8):
    today = fields.Date.today()
    return datetime.combine(today, datetime.min.time()).replace(hour=hour) + timedelta(
        days=offset
    )


@tagged("post_install", "-at_install")
class TestCourtesyCar(BodyshopCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.courtesy_car = cls.env["fleet.vehicle"].create(
            {
                "license_plate": "GX-123-K",
                "model_id": cls.model_petrol.id,
                "is_courtesy_car": True,
                "odometer": 12000,
            }
        )
        cls.second_car = cls.env["fleet.vehicle"].create(
            {
                "license_plate": "GX-124-K",
                "model_id": cls.model_petrol.id,
                "is_courtesy_car": True,
            }
        )
        cls.dossier = cls._create_dossier()
        cls.other_dossier = cls._create_dossier(claim_number="CLAIM-2")
        Booking = cls.env["bodyshop.courtesy.booking"]
        cls.Booking = Booking

    def _book(self, dossier=None, car=None, start=0, end=3):
        return self.Booking.create(
            {
                "dossier_id": (dossier or self.dossier).id,
                "vehicle_id": (car or self.courtesy_car).id,
                "date_start": _day(start),
                "date_end": _day(end, hour=18),
            }
        )

    def test_booking_from_the_dossier_shows_free_cars(self):
        self.dossier.write(
            {
                "planned_start_date": fields.Date.add(fields.Date.today(), days=2),
                "planned_delivery_date": fields.Date.add(fields.Date.today(), days=6),
            }
        )
        self._book(self.other_dossier, start=1, end=4)
        action = self.dossier.action_book_courtesy_car()
        form = Form(
            self.Booking.with_context(**action["context"]),
            view="bodyshop.bodyshop_courtesy_booking_view_form",
        )
        self.assertEqual(form.date_start.date(), self.dossier.planned_start_date)
        self.assertEqual(form.date_end.date(), self.dossier.planned_delivery_date)
        total = self.env["fleet.vehicle"].search_count(
            [
                ("is_courtesy_car", "=", True),
                ("company_id", "in", [self.company.id, False]),
            ]
        )
        self.assertRegex(
            form.availability_info,
            rf"^\d+ of {total} courtesy cars free in this period\.$",
        )
        form.vehicle_id = self.courtesy_car
        with self.assertRaisesRegex(ValidationError, "already booked for dossier"):
            form.save()
        form.vehicle_id = self.second_car
        booking = form.save()
        # The other dossier holds the first car in this period.
        self.assertIn(self.second_car, booking.available_vehicle_ids)
        self.assertNotIn(self.courtesy_car, booking.available_vehicle_ids)
        self.assertEqual(self.dossier.courtesy_vehicle_id, self.second_car)
        self.assertEqual(self.dossier.courtesy_state, "reserved")

    def test_no_double_booking(self):
        first = self._book(start=0, end=3)
        with self.assertRaisesRegex(ValidationError, "already booked for dossier"):
            self._book(self.other_dossier, start=2, end=5)
        self.assertEqual(
            self.Booking.search_count([("vehicle_id", "=", self.courtesy_car.id)]), 1
        )
        # Moving a booking onto another one is refused the same way.
        later = self._book(self.other_dossier, start=4, end=6)
        with self.assertRaisesRegex(ValidationError, "already booked"):
            later.date_start = _day(1)
        # Back to back is fine, and a cancelled booking frees the car.
        self.Booking.create(
            {
                "dossier_id": self.other_dossier.id,
                "vehicle_id": self.second_car.id,
                "date_start": _day(0),
                "date_end": _day(1),
            }
        )
        first.action_cancel()
        self._book(self.other_dossier, start=0, end=3)

    def test_car_that_is_out_cannot_be_booked(self):
        booking = self._book(start=-5, end=-1)
        # Booked for later, before the first customer was late.
        later = self._book(self.other_dossier, start=0, end=2)
        booking._hand_over(_day(-5), 12000, "100")
        # Its booking ended yesterday: overdue, on the booking and the car.
        self.assertTrue(booking.is_overdue)
        self.assertEqual(self.courtesy_car.bodyshop_courtesy_state, "overdue")
        self.assertEqual(self.second_car.bodyshop_courtesy_state, "free")
        self.assertIn(booking, self.Booking.search([("is_overdue", "=", True)]))
        with self.assertRaisesRegex(UserError, "still out with dossier"):
            later._hand_over(_day(0), 12000, "100")
        self.assertEqual(later.state, "reserved")
        later.action_cancel()
        # Its planned return has passed, but it has not come back.
        with self.assertRaisesRegex(ValidationError, "has not been returned yet"):
            self._book(self.other_dossier, start=0, end=2)

    def test_only_courtesy_cars(self):
        with self.assertRaisesRegex(ValidationError, "not a courtesy car"):
            self._book(car=self.vehicle)
        with self.assertRaisesRegex(ValidationError, "customer's vehicle"):
            self.vehicle.is_courtesy_car = True

    def test_hand_over_and_return(self):
        booking = self._book(start=-2, end=3)
        with self.assertRaisesRegex(ValidationError, "cannot go back"):
            booking._hand_over(_day(-2), 11000, "100")
        self.assertEqual(booking.state, "reserved")
        wizard = self.env["bodyshop.courtesy.handover"].with_context(
            **booking.action_hand_over()["context"]
        )
        form = Form(wizard)
        self.assertEqual(form.odometer, 12000)
        form.date = _day(-2)
        form.fuel_level = "100"
        form.save().action_confirm()
        self.assertEqual(booking.state, "out")
        self.assertEqual(self.dossier.courtesy_out, _day(-2))
        # Returning with fewer kilometres than it left with is refused.
        form = Form(
            self.env["bodyshop.courtesy.handover"].with_context(
                **booking.action_return()["context"]
            )
        )
        form.date = _day(-1)
        form.odometer = 11990
        form.fuel_level = "50"
        with self.assertRaisesRegex(ValidationError, "cannot come back with less"):
            form.save().action_confirm()
        self.assertEqual(booking.state, "out")
        self.assertFalse(self.dossier.courtesy_in)
        form = Form(
            self.env["bodyshop.courtesy.handover"].with_context(
                **booking.action_return()["context"]
            )
        )
        form.date = _day(-1)
        form.fuel_level = "50"
        form.odometer = 12240
        form.new_damage = True
        form.note = "Dent in the tailgate"
        form.save().action_confirm()
        self.assertEqual(booking.state, "returned")
        self.assertEqual(booking.distance, 240)
        self.assertEqual(self.dossier.courtesy_in, _day(-1))
        # Early return: the rest of the period is free again.
        self.assertEqual(booking.date_end, _day(-1))
        self._book(self.other_dossier, start=0, end=2)
        # The fleet's odometer log has both readings (after the purchase one).
        self.assertEqual(
            sorted(
                self.env["fleet.vehicle.odometer"]
                .search([("vehicle_id", "=", self.courtesy_car.id)])
                .mapped("value")
            ),
            [12000.0, 12000.0, 12240.0],
        )
        self.assertEqual(self.courtesy_car.odometer, 12240)

    def test_handed_over_booking_stays(self):
        booking = self._book(start=-1, end=2)
        booking._hand_over(_day(-1), 12000, "75")
        with self.assertRaisesRegex(UserError, "stays on record"):
            booking.unlink()
        with self.assertRaisesRegex(UserError, "Only a reservation"):
            booking.action_cancel()

    def test_closed_dossier_gets_no_courtesy_car(self):
        booking = self._book()
        self.dossier.action_cancel()
        # Its reservation is cancelled: the car is free again.
        self.assertEqual(booking.state, "cancelled")
        self._book(self.other_dossier)
        with self.assertRaisesRegex(UserError, "is closed"):
            self.dossier.action_book_courtesy_car()
        with self.assertRaisesRegex(UserError, "is closed"):
            self._book()


@tagged("post_install", "-at_install")
class TestCourtesyCarConcurrency(ConcurrencyCase):
    """Two transactions book the same car for overlapping periods at the same
    time: the database lets exactly one of them through, the other waited on
    it and is told why."""

    def test_concurrent_double_booking(self):
        with self.committed_env() as env:
            customer = env["res.partner"].create({"name": "Concurrency Klant"})
            brand = env["fleet.vehicle.model.brand"].create({"name": "Concurrency"})
            model = env["fleet.vehicle.model"].create(
                {"name": "C", "brand_id": brand.id}
            )
            car = env["fleet.vehicle"].create(
                {
                    "license_plate": "GX-999-Z",
                    "model_id": model.id,
                    "is_courtesy_car": True,
                }
            )
            vehicles = env["fleet.vehicle"].create(
                [
                    {
                        "license_plate": plate,
                        "model_id": model.id,
                        "bodyshop_customer_vehicle": True,
                    }
                    for plate in ("TZ-901-B", "TZ-902-B")
                ]
            )
            dossiers = env["bodyshop.dossier"].create(
                [
                    {
                        "customer_id": customer.id,
                        "vehicle_id": vehicle.id,
                        "payer_type": "private",
                    }
                    for vehicle in vehicles
                ]
            )
            env.cr.commit()  # pylint: disable=invalid-commit
            self.track(dossiers, car | vehicles, model, brand, customer)
            dossier_ids, car_id = dossiers.ids, car.id
        turns = iter(dossier_ids)

        def book(env):
            # The first transaction books for the first dossier, the others
            # for the second: their own check cannot see the uncommitted
            # booking, the exclusion constraint makes them wait.
            env["bodyshop.courtesy.booking"].create(
                {
                    "dossier_id": next(turns, dossier_ids[1]),
                    "vehicle_id": car_id,
                    "date_start": _day(1),
                    "date_end": _day(4, hour=18),
                }
            )

        outcome = self.race(
            book, (psycopg2.errors.ExclusionViolation,), (ValidationError,)
        )
        self.assertIsInstance(outcome["first_try"], psycopg2.errors.ExclusionViolation)
        self.assertIsInstance(outcome["retry"], ValidationError)
        self.assertIn("already booked for dossier", str(outcome["retry"]))
        with self.committed_env() as env:
            bookings = env["bodyshop.courtesy.booking"].search(
                [("vehicle_id", "=", car_id)]
            )
            self.assertEqual(bookings.dossier_id.ids, dossier_ids[:1])
