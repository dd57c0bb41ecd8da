import json
import time
from datetime import datetime, timedelta

import pytz

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from odoo.addons.bodyshop.controllers.kiosk import sign_kiosk_key

from .common import BodyshopWorkshopData


@tagged("post_install", "-at_install")
class TestWorkshopKiosk(BodyshopWorkshopData, HttpCase):
    """The workshop kiosk: a public page whose every call the server checks
    (the token's company, the technician's PIN, his signed key)."""

    browser_size = "1280x800"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_workshop_data()
        cls.token = cls.company.bodyshop_kiosk_key
        cls.other_token = cls.other_company.bodyshop_kiosk_key
        # 60 AE body and 30 AE paint at 10 AE an hour.
        cls.dossier = cls._create_approved_dossier()
        cls.calculation = cls.dossier._approved_calculation()
        cls.other_technician = cls._create_technician(
            "Olaf Anderbedrijf",
            cls.labour_type_body,
            company=cls.other_company,
            pin="4321",
        )
        cls.other_vehicle = cls._create_vehicle(
            "GZ-412-K", cls.model_petrol, company_id=cls.other_company.id
        )
        cls.other_dossier = cls._create_dossier(
            company_id=cls.other_company.id, vehicle_id=cls.other_vehicle.id
        )
        cls.Entry = cls.env["bodyshop.time.entry"]
        cls.Slot = cls.env["bodyshop.planning.slot"]

    # ------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------

    def _call(self, route, **params):
        """A kiosk call as the tablet makes it: JSON-RPC, not signed in."""
        self.env.flush_all()
        params.setdefault("token", self.token)
        result = self.make_jsonrpc_request(f"/bodyshop/kiosk/{route}", params)
        self.env.invalidate_all()
        return result

    def _identify(self, employee=None, pin="1234", token=None):
        employee = employee or self.plaatwerker
        return self._call(
            "identify", token=token or self.token, employee_id=employee.id, pin=pin
        )

    def _sign_in(self, employee=None, pin="1234", token=None):
        """The employee id and key his right PIN gives."""
        result = self._identify(employee, pin, token)
        self.assertNotIn("error", result)
        return {"employee_id": result["employee_id"], "key": result["key"]}

    def _today(self, employee=None):
        employee = employee or self.plaatwerker
        return employee._bodyshop_local_date(fields.Datetime.now())

    def _plan(self, dossier=None, employee=None, labour_type="body", hours=4.0):
        return self.Slot.create(
            {
                "dossier_id": (dossier or self.dossier).id,
                "employee_id": (employee or self.plaatwerker).id,
                "labour_type": labour_type,
                "date": self._today(employee),
                "hours": hours,
            }
        )

    def _entries(self, employee=None):
        return self.Entry.search(
            [("employee_id", "=", (employee or self.plaatwerker).id)]
        )

    def _backdate(self, entry, minutes=30):
        """A running entry started a while ago (stopping it within the second
        it started would leave nothing worked)."""
        entry.write({"date_start": entry.date_start - timedelta(minutes=minutes)})

    # ------------------------------------------------------------
    # the page and the token
    # ------------------------------------------------------------

    def test_page_with_unknown_token_is_not_found(self):
        self.assertEqual(self.url_open("/bodyshop/kiosk/nope").status_code, 404)
        self.assertEqual(self.url_open("/bodyshop/kiosk/").status_code, 404)

    def test_page_mounts_the_kiosk_of_the_token_company(self):
        response = self.url_open(f"/bodyshop/kiosk/{self.token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("bodyshop.assets_kiosk", response.text)
        self.assertIn("@bodyshop/kiosk/kiosk_app", response.text)
        self.assertIn(self.company.name, response.text)
        self.assertIn(f"/logo.png?company={self.company.id}", response.text)
        self.assertNotIn(self.other_token, response.text)

    def test_calls_with_unknown_token_are_refused(self):
        for route, params in (
            ("employees", {}),
            ("identify", {"employee_id": self.plaatwerker.id, "pin": "1234"}),
            ("jobs", {"employee_id": self.plaatwerker.id, "key": "1.x"}),
        ):
            for token in ("nope", "", None):
                result = self._call(route, token=token, **params)
                self.assertIn("no longer valid", result["error"])

    def test_regenerated_url_stops_the_old_one_and_its_keys(self):
        signed = self._sign_in()
        self.company.with_user(
            self.workshop_manager
        ).action_bodyshop_regenerate_kiosk_key()
        self.assertNotEqual(self.company.bodyshop_kiosk_key, self.token)
        self.assertEqual(
            self.url_open(f"/bodyshop/kiosk/{self.token}").status_code, 404
        )
        new_token = self.company.bodyshop_kiosk_key
        result = self._call("jobs", token=new_token, **signed)
        self.assertIn("signed out", result["error"])

    def test_only_a_workshop_manager_regenerates_the_url(self):
        with self.assertRaises(AccessError):
            self.company.with_user(self.bs_user).action_bodyshop_regenerate_kiosk_key()
        self.assertEqual(self.company.bodyshop_kiosk_key, self.token)

    def test_each_company_has_its_own_kiosk_url(self):
        self.assertTrue(self.token)
        self.assertNotEqual(self.token, self.other_token)
        self.assertTrue(
            self.company.bodyshop_kiosk_url.endswith(f"/bodyshop/kiosk/{self.token}")
        )

    # ------------------------------------------------------------
    # the names
    # ------------------------------------------------------------

    def test_employees_are_the_technicians_of_the_token_company_only(self):
        self.env["hr.employee"].create(
            {"name": "Bea Balie", "company_id": self.company.id, "pin": "0000"}
        )
        self._create_technician(
            "Oud Gediende", self.labour_type_body, active=False, pin="1111"
        )
        employees = self._call("employees")["employees"]
        self.assertEqual(
            [e["name"] for e in employees], ["Piet Plaatwerker", "Sem Spuiter"]
        )
        self.assertEqual(
            {key for employee in employees for key in employee},
            {"id", "name", "job_title"},
        )
        other = self._call("employees", token=self.other_token)["employees"]
        self.assertEqual([e["id"] for e in other], self.other_technician.ids)

    # ------------------------------------------------------------
    # the PIN
    # ------------------------------------------------------------

    def test_identify_with_the_right_pin_gives_a_key(self):
        result = self._identify()
        self.assertEqual(result["employee_id"], self.plaatwerker.id)
        self.assertEqual(result["name"], "Piet Plaatwerker")
        self.assertTrue(result["key"])

    def test_identify_by_badge(self):
        self.plaatwerker.barcode = "PIET0001"
        result = self._call("identify", barcode="PIET0001", pin="1234")
        self.assertEqual(result["employee_id"], self.plaatwerker.id)
        result = self._call("identify", barcode="PIET0001", pin="9999")
        self.assertIn("Wrong PIN", result["error"])
        self.other_technician.barcode = "OLAF0001"
        result = self._call("identify", barcode="OLAF0001", pin="4321")
        self.assertIn("badge", result["error"])
        self.assertNotIn("key", result)

    def test_identify_a_technician_of_another_company_is_refused(self):
        result = self._identify(self.other_technician, pin="4321")
        self.assertIn("not a technician of this workshop", result["error"])
        self.assertNotIn("key", result)

    def test_identify_an_employee_who_is_no_technician_is_refused(self):
        clerk = self.env["hr.employee"].create(
            {"name": "Bea Balie", "company_id": self.company.id, "pin": "0000"}
        )
        result = self._identify(clerk, pin="0000")
        self.assertIn("not a technician of this workshop", result["error"])

    def test_identify_without_pin_asks_the_workshop_manager(self):
        self.plaatwerker.pin = False
        result = self._identify(pin="")
        self.assertIn("ask the workshop manager", result["error"])
        self.assertNotIn("key", result)

    def test_wrong_pin_count_is_kept_despite_the_refusal(self):
        result = self._identify(pin="0000")
        self.assertIn("Wrong PIN", result["error"])
        self.assertNotIn("key", result)
        self.assertEqual(self.plaatwerker.bodyshop_kiosk_failures, 1)
        self._identify(pin="1234")
        self.assertEqual(self.plaatwerker.bodyshop_kiosk_failures, 0)

    def test_three_wrong_pins_pause_even_the_right_one(self):
        for _try in range(2):
            self.assertIn("Wrong PIN", self._identify(pin="0000")["error"])
        result = self._identify(pin="0000")
        self.assertIn("wait 60 seconds", result["error"])
        self.assertEqual(self.plaatwerker.bodyshop_kiosk_failures, 0)
        paused_until = self.plaatwerker.bodyshop_kiosk_paused_until
        self.assertGreater(paused_until, fields.Datetime.now())
        # The right PIN during the pause: refused, the pause unchanged.
        result = self._identify(pin="1234")
        self.assertIn("Too many wrong PINs", result["error"])
        self.assertNotIn("key", result)
        self.assertEqual(self.plaatwerker.bodyshop_kiosk_paused_until, paused_until)
        # The pause is over.
        self.plaatwerker.bodyshop_kiosk_paused_until = (
            fields.Datetime.now() - timedelta(seconds=1)
        )
        result = self._identify(pin="1234")
        self.assertTrue(result["key"])
        self.assertFalse(self.plaatwerker.bodyshop_kiosk_paused_until)

    # ------------------------------------------------------------
    # the key
    # ------------------------------------------------------------

    def test_jobs_without_key_are_refused(self):
        for key in (None, "", 12):
            result = self._call("jobs", employee_id=self.plaatwerker.id, key=key)
            self.assertIn("signed out", result["error"])
            self.assertNotIn("jobs", result)

    def test_jobs_with_forged_key_are_refused(self):
        expiry = int(time.time()) + 300
        for key in (f"{expiry}.{'0' * 64}", f"{expiry}.", "forged", f"{expiry}"):
            result = self._call("jobs", employee_id=self.plaatwerker.id, key=key)
            self.assertIn("signed out", result["error"])

    def test_jobs_with_expired_key_are_refused(self):
        key = sign_kiosk_key(self.env, self.plaatwerker, int(time.time()) - 1)
        result = self._call("jobs", employee_id=self.plaatwerker.id, key=key)
        self.assertIn("signed out", result["error"])
        self.assertNotIn("jobs", result)

    def test_key_of_another_employee_is_refused(self):
        signed = self._sign_in(self.spuiter, pin="5678")
        for route, params in (
            ("jobs", {}),
            ("start", {"dossier_id": self.dossier.id, "labour_type": "body"}),
        ):
            result = self._call(
                route,
                employee_id=self.plaatwerker.id,
                key=signed["key"],
                **params,
            )
            self.assertIn("signed out", result["error"])
        self.assertFalse(self._entries())

    def test_key_of_another_company_kiosk_is_refused(self):
        signed = self._sign_in(
            self.other_technician, pin="4321", token=self.other_token
        )
        self.assertIn("error", self._call("jobs", **signed))
        mine = self._sign_in()
        result = self._call("jobs", token=self.other_token, **mine)
        self.assertIn("error", result)
        self.assertNotIn("jobs", result)

    def test_each_answer_renews_the_key(self):
        signed = self._sign_in()
        result = self._call("jobs", **signed)
        self.assertTrue(result["key"])
        self.assertIn(
            "jobs",
            self._call("jobs", employee_id=signed["employee_id"], key=result["key"]),
        )

    # ------------------------------------------------------------
    # what the technician sees
    # ------------------------------------------------------------

    def test_jobs_are_his_planned_jobs_today(self):
        self._plan(hours=4.0)
        self._plan(employee=self.spuiter, labour_type="paint", hours=3.0)
        result = self._call("jobs", **self._sign_in())
        self.assertEqual(result["name"], "Piet Plaatwerker")
        self.assertFalse(result["running"])
        [job] = result["jobs"]
        self.assertEqual(job["dossier_id"], self.dossier.id)
        self.assertEqual(job["plate"], "TZ-101-B")
        self.assertEqual(job["vehicle"], "Testmerk Sedan")
        self.assertEqual(job["labour_type"], "body")
        self.assertEqual(job["labour_type_label"], "Body Work")
        self.assertEqual(job["planned_hours"], 4.0)
        self.assertEqual(
            job["operations"],
            [{"description": "Work body", "operation": "Repair", "hours": 6.0}],
        )
        self.assertFalse(job["is_electric"])
        self.assertFalse(job["ev_warning"])
        self.assertEqual(job["adas"], [])

    def test_jobs_hold_no_price_amount_or_customer(self):
        self._plan()
        text = json.dumps(self._call("jobs", **self._sign_in())).lower()
        self.assertIn("tz-101-b", text)
        for word in ("price", "amount", "discount", "customer", "payer", "cost"):
            self.assertNotIn(word, text)
        for name in (self.customer.name, self.insurer.name):
            self.assertNotIn(name.lower(), text)
        amounts = {
            self.calculation.amount_total,
            self.calculation.amount_untaxed,
            self.calculation.amount_labour,
            *self.calculation.line_ids.mapped("price_subtotal"),
        }
        for amount in amounts - {0.0}:
            self.assertNotIn(json.dumps(amount), text)

    def test_jobs_warn_for_an_electric_car_and_adas(self):
        dossier = self._create_dossier(
            vehicle_id=self.ev_vehicle.id, ev_risk_class="amber"
        )
        calculation = self.env["bodyshop.calculation"].create(
            {
                "dossier_id": dossier.id,
                "line_ids": [
                    Command.create(
                        {
                            "line_type": "labour",
                            "labour_type": "body",
                            "operation": "replace",
                            "name": "Voorbumper vervangen",
                            "labour_units": 20.0,
                        }
                    )
                ],
            }
        )
        calculation.action_send()
        calculation.approval_ids.action_approve()
        self._plan(dossier=dossier, hours=2.0)
        signed = self._sign_in()
        [job] = self._call("jobs", **signed)["jobs"]
        self.assertTrue(job["is_electric"])
        self.assertIn("high voltage", job["ev_warning"])
        self.assertIn("Not declared voltage-free", job["ev_warning"])
        self.assertTrue(job["ev_blocked"])
        self.assertEqual(
            job["adas"],
            [
                {
                    "component": "Front Bumper / Radar Bracket (radar)",
                    "calibrated": False,
                }
            ],
        )
        self.assertFalse(job["adas_calibration"])
        # Until the car is declared voltage-free, only the ev-VP works on it.
        result = self._call(
            "start", dossier_id=dossier.id, labour_type="body", **signed
        )
        self.assertIn("not declared voltage-free", result["error"])
        self.assertFalse(self._entries())

    def test_a_dutch_shop_reads_dutch(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        self.env["ir.module.module"]._load_module_terms(["bodyshop"], ["nl_NL"])
        self.company.partner_id.lang = "nl_NL"
        self._plan()
        response = self.url_open(f"/bodyshop/kiosk/{self.token}")
        self.assertIn('lang="nl-NL"', response.text)
        [job] = self._call("jobs", **self._sign_in())["jobs"]
        self.assertEqual(job["labour_type_label"], "Plaatwerk")
        self.assertEqual(job["operations"][0]["operation"], "Herstel")

    def test_search_finds_the_plate_without_hyphens_in_his_company(self):
        self._create_approved_dossier(
            units={"body": 10.0},
            vehicle=self._create_vehicle("HX-515-N", self.model_petrol),
        )
        signed = self._sign_in()
        result = self._call("search", plate=" tz 101b ", **signed)
        self.assertEqual(
            [(job["dossier_id"], job["labour_type"]) for job in result["jobs"]],
            [(self.dossier.id, "body")],
        )
        self.assertNotIn("price", json.dumps(result).lower())
        result = self._call("search", plate="gz412", **signed)
        self.assertEqual(result["jobs"], [])
        self.assertIn(
            "two characters", self._call("search", plate="t", **signed)["error"]
        )

    def test_search_offers_the_labour_types_the_calculation_sold(self):
        """An all-round technician sees the body and paint work sold on the
        car, not a mechanical job nobody sold (he could still clock it: it
        would be flagged)."""
        allround = self._create_technician("Alex Allround", self.all_types, pin="2468")
        signed = self._sign_in(allround, pin="2468")
        result = self._call("search", plate="TZ-101-B", **signed)
        self.assertEqual(
            sorted(job["labour_type"] for job in result["jobs"]), ["body", "paint"]
        )
        job = result["jobs"][0]
        self.assertFalse(job["ev_danger"])
        self.assertEqual(job["clocked_today"], "")

    def test_a_paused_job_shows_what_was_clocked_today(self):
        now = fields.Datetime.now().replace(microsecond=0)
        # Two minutes ago, or from midnight (his time) when that is later.
        tz = self.plaatwerker._bodyshop_tz()
        midnight = (
            tz.localize(datetime.combine(self._today(), datetime.min.time()))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )
        start = max(now - timedelta(minutes=2), midnight)
        entry = self.Entry._do_clock_in(self.plaatwerker, self.dossier, "body", start)
        entry._do_stop(now)
        minutes = round((now - start).total_seconds() / 60)
        self._plan()
        result = self._call("jobs", **self._sign_in())
        job = next(j for j in result["jobs"] if j["dossier_id"] == self.dossier.id)
        self.assertEqual(job["clocked_today"], f"0:{minutes:02d}" if minutes else "")
        self.assertFalse(job["running"])

    # ------------------------------------------------------------
    # start, pause, stop
    # ------------------------------------------------------------

    def test_start_clocks_him_on_the_job(self):
        result = self._call(
            "start", dossier_id=self.dossier.id, labour_type="body", **self._sign_in()
        )
        self.assertIn("Started: TZ-101-B", result["message"])
        entry = self._entries()
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.dossier_id, self.dossier)
        self.assertEqual(entry.labour_type, "body")
        self.assertFalse(entry.date_end)
        self.assertEqual(self.plaatwerker.bodyshop_running_entry_id, entry)

    def test_second_start_stops_the_first(self):
        other = self._create_approved_dossier(
            units={"body": 20.0},
            vehicle=self._create_vehicle("HX-515-N", self.model_petrol),
        )
        signed = self._sign_in()
        self._call("start", dossier_id=self.dossier.id, labour_type="body", **signed)
        first = self._entries()
        self._backdate(first)
        result = self._call("start", dossier_id=other.id, labour_type="body", **signed)
        self.assertNotIn("error", result)
        self.assertTrue(first.date_end)
        running = self.plaatwerker.bodyshop_running_entry_id
        self.assertEqual(running.dossier_id, other)
        self.assertEqual(self._entries(), first | running)

    def test_pause_stops_the_clock(self):
        signed = self._sign_in()
        self._call("start", dossier_id=self.dossier.id, labour_type="body", **signed)
        entry = self._entries()
        self._backdate(entry)
        slot = self._plan()
        result = self._call("pause", **signed)
        self.assertIn("Paused: TZ-101-B", result["message"])
        self.assertTrue(entry.date_end)
        self.assertFalse(self.plaatwerker.bodyshop_running_entry_id)
        self.assertFalse(slot.done)
        self.assertIn("not clocked on a job", self._call("pause", **signed)["error"])

    def test_stop_marks_his_planned_job_today_done(self):
        slot = self._plan()
        later = self.Slot.create(
            {
                "dossier_id": self.dossier.id,
                "employee_id": self.plaatwerker.id,
                "labour_type": "body",
                "date": self._today() + timedelta(days=1),
                "hours": 2.0,
            }
        )
        other_job = self._plan(employee=self.spuiter, labour_type="paint", hours=3.0)
        signed = self._sign_in()
        self._call("start", dossier_id=self.dossier.id, labour_type="body", **signed)
        entry = self._entries()
        self._backdate(entry)
        result = self._call("stop", **signed)
        self.assertIn("Done: TZ-101-B", result["message"])
        self.assertTrue(entry.date_end)
        self.assertTrue(slot.done)
        self.assertFalse(later.done)
        self.assertFalse(other_job.done)
        # Done today: no longer among his jobs.
        self.assertEqual(self._call("jobs", **signed)["jobs"], [])

    def test_start_on_a_dossier_of_another_company_writes_nothing(self):
        result = self._call(
            "start",
            dossier_id=self.other_dossier.id,
            labour_type="body",
            **self._sign_in(),
        )
        self.assertIn("not a dossier of", result["error"])
        self.assertFalse(self._entries())
        self.assertFalse(
            self.Entry.search([("dossier_id", "=", self.other_dossier.id)])
        )

    def test_start_on_a_dossier_not_approved_writes_nothing(self):
        dossier = self._create_dossier(
            vehicle_id=self._create_vehicle("HX-515-N", self.model_petrol).id
        )
        signed = self._sign_in()
        self._call("start", dossier_id=self.dossier.id, labour_type="body", **signed)
        running = self._entries()
        self._backdate(running)
        result = self._call(
            "start", dossier_id=dossier.id, labour_type="body", **signed
        )
        self.assertIn("once the paying party approved it", result["error"])
        # The running job goes on, nothing was clocked on the other dossier.
        self.assertEqual(self._entries(), running)
        self.assertFalse(running.date_end)

    def test_start_of_a_labour_type_he_does_not_do_is_refused(self):
        result = self._call(
            "start", dossier_id=self.dossier.id, labour_type="paint", **self._sign_in()
        )
        self.assertIn("does not do", result["error"])
        self.assertFalse(self._entries())

    def test_start_of_a_missing_dossier_is_refused(self):
        result = self._call(
            "start", dossier_id="1", labour_type="body", **self._sign_in()
        )
        self.assertIn("not a dossier of", result["error"])
        self.assertFalse(self._entries())

    # ------------------------------------------------------------
    # the kiosk opens no door to the database
    # ------------------------------------------------------------

    def test_kiosk_session_has_no_orm_access(self):
        self._sign_in()
        self.env.flush_all()
        response = self.url_open(
            "/web/dataset/call_kw/bodyshop.calculation/search_read",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "model": "bodyshop.calculation",
                        "method": "search_read",
                        "args": [[]],
                        "kwargs": {"fields": ["amount_total"]},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        body = response.json()
        self.assertNotIn("result", body)
        self.assertIn("error", body)

    # ------------------------------------------------------------
    # the menu Workshop Kiosk
    # ------------------------------------------------------------

    def test_menu_action_opens_the_route_of_the_current_company(self):
        action = (
            self.env["res.company"]
            .with_user(self.workshop_manager)
            ._action_open_bodyshop_kiosk()
        )
        self.assertEqual(action["url"], f"/bodyshop/kiosk_mode_menu/{self.company.id}")

    def test_menu_route_signs_the_manager_out_and_opens_the_kiosk(self):
        self.authenticate("bs_workshop", "bs_workshop")
        response = self.url_open(
            f"/bodyshop/kiosk_mode_menu/{self.company.id}", allow_redirects=False
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(
            response.headers["Location"].endswith(f"/bodyshop/kiosk/{self.token}")
        )
        # Signed out: the backend asks for a login again.
        response = self.url_open("/odoo", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])

    def test_menu_route_refuses_a_user_who_is_no_workshop_manager(self):
        self.authenticate("bs_user", "bs_user")
        response = self.url_open(
            f"/bodyshop/kiosk_mode_menu/{self.company.id}", allow_redirects=False
        )
        self.assertEqual(response.status_code, 404)
        # Still signed in.
        response = self.url_open("/odoo", allow_redirects=False)
        self.assertEqual(response.status_code, 200)

    def test_menu_route_refuses_another_company(self):
        self.authenticate("bs_workshop", "bs_workshop")
        response = self.url_open(
            f"/bodyshop/kiosk_mode_menu/{self.other_company.id}",
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 404)

    # ------------------------------------------------------------
    # the tablet
    # ------------------------------------------------------------

    def test_kiosk_tour(self):
        """A technician taps his name and PIN, starts his planned job, and
        later stops it, on a touch screen of 1280x800, not signed in."""
        slot = self._plan(hours=4.0)
        self.start_tour(
            f"/bodyshop/kiosk/{self.token}", "bodyshop_kiosk_tour", login=None
        )
        self.env.invalidate_all()
        entry = self._entries()
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.dossier_id, self.dossier)
        self.assertEqual(entry.labour_type, "body")
        self.assertTrue(entry.date_end)
        self.assertGreater(entry.date_end, entry.date_start)
        self.assertTrue(slot.done)
