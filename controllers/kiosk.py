"""The workshop kiosk: a public page where technicians clock on their jobs."""

import hmac as hmac_lib
import math
import re
import time
from datetime import datetime

import pytz

from odoo import fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request
from odoo.tools import py_to_js_locale
from odoo.tools.misc import hmac

from ..models.bodyshop_time_entry import CLOCKING_STATES
from ..models.hr_employee import KIOSK_PIN_PAUSE, KIOSK_PIN_TRIES

# A technician's key (what his right PIN gives the tablet) lasts this long
# after his last call: an unattended tablet falls back to the name screen.
KIOSK_KEY_LIFETIME = 300
KIOSK_KEY_SCOPE = "bodyshop-kiosk"
# The plate search returns at most this many dossiers.
KIOSK_SEARCH_LIMIT = 10


class KioskRefused(Exception):
    """A kiosk call the server refuses; its message goes to the tablet."""


def sign_kiosk_key(env, employee, expiry):
    """The signed key proving that ``employee`` gave his PIN on his company's
    kiosk, valid until ``expiry`` (a Unix timestamp). The kiosk URL's token is
    part of it: a new URL signs every tablet out."""
    company = employee.sudo().company_id
    message = (employee.id, company.id, company.bodyshop_kiosk_key, int(expiry))
    signature = hmac(env(su=True), KIOSK_KEY_SCOPE, message)
    return f"{int(expiry)}.{signature}"


def normalize_plate(plate):
    """A license plate without hyphens and spaces, in capitals."""
    return re.sub(r"[^0-9A-Z]", "", (plate or "").upper())


class BodyshopKiosk(http.Controller):
    # ------------------------------------------------------------
    # ROUTES: the manager opens the kiosk, the tablet shows it
    # ------------------------------------------------------------

    @http.route("/bodyshop/kiosk_mode_menu/<int:company_id>", type="http", auth="user")
    def kiosk_mode_menu(self, company_id):
        """The menu Workshop Kiosk: the manager is signed out (the tablet must
        not stay signed in as him) and the kiosk of his company opens."""
        user = request.env.user
        company = request.env["res.company"].browse(company_id).exists()
        if (
            not company
            or company not in user.company_ids
            or not user.has_group("bodyshop.group_bodyshop_workshop")
        ):
            raise request.not_found()
        key = company.sudo().bodyshop_kiosk_key
        request.session.logout(keep_db=True)
        return request.redirect(f"/bodyshop/kiosk/{key}")

    @http.route(
        "/bodyshop/kiosk/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def kiosk_page(self, token):
        company = self._get_company(token)
        if not company:
            raise request.not_found()
        if request.session.uid:
            # The tablet is public: whoever opened the kiosk is signed out.
            request.session.logout(keep_db=True)
        lang = self._kiosk_lang(company)
        return request.render(
            "bodyshop.kiosk_page",
            {
                "kiosk_info": {
                    "token": token,
                    "company_name": company.name,
                    "logo_url": f"/logo.png?company={company.id}",
                    "lang": py_to_js_locale(lang),
                },
            },
        )

    # ------------------------------------------------------------
    # ROUTES: the tablet's calls
    # ------------------------------------------------------------

    @http.route("/bodyshop/kiosk/employees", type="json", auth="public")
    def kiosk_employees(self, token):
        try:
            company = self._check_company(token)
        except KioskRefused as refusal:
            return {"error": str(refusal)}
        employees = company.env["hr.employee"].search(
            [("bodyshop_technician", "=", True), ("company_id", "=", company.id)],
            order="name, id",
        )
        return {
            "employees": [
                {"id": emp.id, "name": emp.name, "job_title": emp.job_title or ""}
                for emp in employees
            ]
        }

    @http.route("/bodyshop/kiosk/identify", type="json", auth="public")
    def kiosk_identify(self, token, pin=None, employee_id=None, barcode=None):
        """The technician's PIN (after his name or his badge). The refusals
        are answers, not errors: a wrong PIN's count must be kept."""
        try:
            company = self._check_company(token)
            env = company.env
            employee = self._identify_employee(company, employee_id, barcode)
            if not employee.sudo().pin:
                raise KioskRefused(
                    env._(
                        "%(name)s has no PIN yet: ask the workshop manager to "
                        "give you one.",
                        name=employee.name,
                    )
                )
            self._check_pin(employee, pin)
        except KioskRefused as refusal:
            return {"error": str(refusal)}
        return {
            "employee_id": employee.id,
            "name": employee.name,
            "key": self._new_key(employee),
        }

    @http.route("/bodyshop/kiosk/jobs", type="json", auth="public")
    def kiosk_jobs(self, token, employee_id, key):
        return self._kiosk_call(token, employee_id, key, self._jobs_payload)

    @http.route("/bodyshop/kiosk/search", type="json", auth="public")
    def kiosk_search(self, token, employee_id, key, plate):
        def search(employee):
            query = normalize_plate(plate if isinstance(plate, str) else "")
            if len(query) < 2:
                raise KioskRefused(
                    employee.env._("Type at least two characters of the plate.")
                )
            dossiers = employee.env["bodyshop.dossier"].search(
                [
                    ("company_id", "=", employee.company_id.id),
                    ("state", "in", CLOCKING_STATES),
                    ("license_plate", "!=", False),
                ],
                order="license_plate, id",
            )
            found = dossiers.filtered(
                lambda d: query in normalize_plate(d.license_plate)
            )[:KIOSK_SEARCH_LIMIT]
            codes = employee.bodyshop_labour_type_ids.mapped("code")
            sold = found._sold_hours_by_type()
            jobs = []
            for dossier in found:
                # His labour types the calculation sold; only when it sold
                # none of them, all of his (the clock flags unsold work).
                mine = [code for code in codes if sold[dossier].get(code)]
                for labour_type in mine or codes or list(sold[dossier]):
                    jobs.append(self._job_payload(employee, dossier, labour_type))
            return {"jobs": jobs}

        return self._kiosk_call(token, employee_id, key, search)

    @http.route("/bodyshop/kiosk/start", type="json", auth="public")
    def kiosk_start(self, token, employee_id, key, dossier_id, labour_type):
        def start(employee):
            env = employee.env
            dossier = env["bodyshop.dossier"]
            if isinstance(dossier_id, int):
                dossier = dossier.browse(dossier_id).exists()
            if not dossier or dossier.company_id != employee.company_id:
                raise KioskRefused(
                    env._(
                        "This job is not a dossier of %(company)s.",
                        company=employee.company_id.name,
                    )
                )
            codes = employee.bodyshop_labour_type_ids.mapped("code")
            if codes and labour_type not in codes:
                raise KioskRefused(
                    env._(
                        "%(name)s does not do %(labour_type)s: the workshop "
                        "manager sets your labour types.",
                        name=employee.name,
                        labour_type=self._labour_label(env, labour_type).lower(),
                    )
                )
            entry = employee._bodyshop_clock_in(dossier, labour_type)
            return {
                "message": env._(
                    "Started: %(plate)s, %(labour_type)s.",
                    plate=dossier.license_plate or dossier.name,
                    labour_type=self._labour_label(env, entry.labour_type),
                )
            }

        return self._kiosk_call(token, employee_id, key, start)

    @http.route("/bodyshop/kiosk/pause", type="json", auth="public")
    def kiosk_pause(self, token, employee_id, key):
        def pause(employee):
            entry = self._running_entry(employee)
            employee._bodyshop_clock_out()
            return {
                "message": employee.env._(
                    "Paused: %(plate)s, %(labour_type)s.",
                    plate=entry["plate"],
                    labour_type=entry["labour_type_label"],
                )
            }

        return self._kiosk_call(token, employee_id, key, pause)

    @http.route("/bodyshop/kiosk/stop", type="json", auth="public")
    def kiosk_stop(self, token, employee_id, key):
        """The running job is done: the clock stops and his planned hours of
        that job today are marked done."""

        def stop(employee):
            entry = self._running_entry(employee)
            employee._bodyshop_clock_out()
            slots = employee.env["bodyshop.planning.slot"].search(
                [
                    ("employee_id", "=", employee.id),
                    ("dossier_id", "=", entry["dossier_id"]),
                    ("labour_type", "=", entry["labour_type"]),
                    ("date", "=", self._today(employee)),
                    ("done", "=", False),
                ]
            )
            slots._write_workflow({"done": True})
            return {
                "message": employee.env._(
                    "Done: %(plate)s, %(labour_type)s.",
                    plate=entry["plate"],
                    labour_type=entry["labour_type_label"],
                )
            }

        return self._kiosk_call(token, employee_id, key, stop)

    # ------------------------------------------------------------
    # CHECKS
    # ------------------------------------------------------------

    @staticmethod
    def _get_company(token):
        """The company whose kiosk URL holds ``token``, in superuser mode."""
        if not token or not isinstance(token, str):
            return request.env["res.company"]
        return (
            request.env["res.company"]
            .sudo()
            .search([("bodyshop_kiosk_key", "=", token)], limit=1)
        )

    @staticmethod
    def _kiosk_lang(company):
        Lang = request.env["res.lang"]
        return (
            Lang._get_code(company.partner_id.lang or "") or request.env.lang or "en_US"
        )

    def _check_company(self, token):
        """The token's company, as the environment's company and in its
        language (the technicians read the shop's language)."""
        company = self._get_company(token)
        if not company:
            raise KioskRefused(
                request.env._(
                    "This kiosk address is no longer valid: ask the workshop "
                    "manager for the new one."
                )
            )
        return company.with_company(company).with_context(
            lang=self._kiosk_lang(company)
        )

    def _identify_employee(self, company, employee_id, barcode):
        env = company.env
        Employee = env["hr.employee"]
        employee = Employee
        if barcode and isinstance(barcode, str):
            employee = Employee.search(
                [
                    ("barcode", "=", barcode),
                    ("company_id", "=", company.id),
                    ("bodyshop_technician", "=", True),
                ],
                limit=1,
            )
            if not employee:
                raise KioskRefused(
                    env._("No technician of this workshop has this badge.")
                )
        elif isinstance(employee_id, int):
            employee = Employee.browse(employee_id).exists()
        if (
            not employee
            or not employee.active
            or not employee.bodyshop_technician
            or employee.company_id != company
        ):
            raise KioskRefused(env._("You are not a technician of this workshop."))
        return employee

    def _check_pin(self, employee, pin):
        """Refuse a wrong PIN; after KIOSK_PIN_TRIES wrong ones in a row, the
        technician waits KIOSK_PIN_PAUSE, even with the right one."""
        env = employee.env
        # Two tablets count one technician's tries one after the other.
        employee._bodyshop_lock()
        employee.invalidate_recordset(
            ["bodyshop_kiosk_failures", "bodyshop_kiosk_paused_until"]
        )
        now = fields.Datetime.now()
        paused_until = employee.bodyshop_kiosk_paused_until
        if paused_until and paused_until > now:
            raise KioskRefused(
                env._(
                    "Too many wrong PINs: wait %(seconds)s seconds and try again.",
                    seconds=math.ceil((paused_until - now).total_seconds()),
                )
            )
        given = pin if isinstance(pin, str) else str(pin or "")
        if hmac_lib.compare_digest(given.encode(), employee.pin.encode()):
            if employee.bodyshop_kiosk_failures or paused_until:
                employee.write(
                    {"bodyshop_kiosk_failures": 0, "bodyshop_kiosk_paused_until": False}
                )
            return
        failures = employee.bodyshop_kiosk_failures + 1
        if failures >= KIOSK_PIN_TRIES:
            employee.write(
                {
                    "bodyshop_kiosk_failures": 0,
                    "bodyshop_kiosk_paused_until": now + KIOSK_PIN_PAUSE,
                }
            )
            raise KioskRefused(
                env._(
                    "Wrong PIN %(tries)s times: wait %(seconds)s seconds and try "
                    "again.",
                    tries=KIOSK_PIN_TRIES,
                    seconds=int(KIOSK_PIN_PAUSE.total_seconds()),
                )
            )
        employee.write({"bodyshop_kiosk_failures": failures})
        raise KioskRefused(
            env._(
                "Wrong PIN. %(tries)s more tries, then a pause of one minute.",
                tries=KIOSK_PIN_TRIES - failures,
            )
        )

    def _check_key(self, company, employee_id, key):
        """The technician of the key, if the key is his, of this company's
        kiosk and not expired."""
        env = company.env
        refused = KioskRefused(
            env._("You are signed out: pick your name and enter your PIN again.")
        )
        if (
            not isinstance(employee_id, int)
            or isinstance(employee_id, bool)
            or not isinstance(key, str)
        ):
            raise refused
        expiry, _sep, _signature = key.partition(".")
        if not expiry.isdigit() or int(expiry) < time.time():
            raise refused
        employee = self._identify_employee(company, employee_id, None)
        expected = sign_kiosk_key(env, employee, int(expiry))
        if not hmac_lib.compare_digest(expected.encode(), key.encode()):
            raise refused
        return employee

    def _new_key(self, employee):
        return sign_kiosk_key(
            employee.env, employee, int(time.time()) + KIOSK_KEY_LIFETIME
        )

    def _kiosk_call(self, token, employee_id, key, work):
        """Run ``work(employee)`` for the technician of a valid key, as the
        token's company: a refusal writes nothing and comes back as
        ``{"error": message}``; an answer comes with a renewed key."""
        try:
            company = self._check_company(token)
        except KioskRefused as refusal:
            return {"error": str(refusal), "signed_out": True}
        try:
            employee = self._check_key(company, employee_id, key)
        except KioskRefused as refusal:
            return {"error": str(refusal), "signed_out": True}
        try:
            with request.env.cr.savepoint():
                result = work(employee)
        except KioskRefused as refusal:
            return {"error": str(refusal)}
        except (UserError, ValidationError, AccessError) as error:
            return {"error": error.args[0]}
        return {**result, "key": self._new_key(employee)}

    # ------------------------------------------------------------
    # WHAT THE TECHNICIAN SEES (never a price, an amount or a customer)
    # ------------------------------------------------------------

    @staticmethod
    def _labour_label(env, labour_type):
        """The labour type as the technician reads it (in his shop's language)."""
        field = env["bodyshop.calculation.line"]._fields["labour_type"]
        return dict(field._description_selection(env)).get(labour_type, "")

    @staticmethod
    def _today(employee):
        return employee._bodyshop_local_date(fields.Datetime.now())

    def _clocked_today(self, employee, dossier, labour_type):
        """What he clocked on the job today, as h:mm (empty if nothing)."""
        tz = employee._bodyshop_tz()
        today = self._today(employee)
        midnight = (
            tz.localize(datetime.combine(today, datetime.min.time()))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )
        entries = employee.env["bodyshop.time.entry"].search(
            [
                ("employee_id", "=", employee.id),
                ("dossier_id", "=", dossier.id),
                ("labour_type", "=", labour_type),
                ("date_end", "!=", False),
                ("date_start", ">=", midnight),
            ]
        )
        minutes = round(
            sum((e.date_end - e.date_start).total_seconds() for e in entries) / 60
        )
        return f"{minutes // 60}:{minutes % 60:02d}" if minutes else ""

    def _running_entry(self, employee):
        entry = employee.bodyshop_running_entry_id
        if not entry:
            raise KioskRefused(employee.env._("You are not clocked on a job."))
        return self._entry_payload(employee, entry)

    def _entry_payload(self, employee, entry):
        started = pytz.utc.localize(entry.date_start).astimezone(
            employee._bodyshop_tz()
        )
        return {
            "dossier_id": entry.dossier_id.id,
            "plate": entry.dossier_id.license_plate or entry.dossier_id.name,
            "labour_type": entry.labour_type,
            "labour_type_label": self._labour_label(employee.env, entry.labour_type),
            "started_at": fields.Datetime.to_string(entry.date_start),
            "started_at_label": started.strftime("%H:%M"),
        }

    def _jobs_payload(self, employee):
        """His running job and his jobs today: his planned hours not done yet
        and the job he is clocked on."""
        running = employee.bodyshop_running_entry_id
        slots = employee.env["bodyshop.planning.slot"].search(
            [
                ("employee_id", "=", employee.id),
                ("date", "=", self._today(employee)),
                ("done", "=", False),
                ("dossier_id.state", "in", CLOCKING_STATES),
            ]
        )
        planned = {}
        for slot in slots:
            job = (slot.dossier_id, slot.labour_type)
            planned[job] = planned.get(job, 0.0) + slot.hours
        if running and (running.dossier_id, running.labour_type) not in planned:
            planned = {(running.dossier_id, running.labour_type): 0.0, **planned}
        jobs = []
        for (dossier, labour_type), hours in planned.items():
            job = self._job_payload(employee, dossier, labour_type)
            job["planned_hours"] = round(hours, 2)
            job["running"] = bool(
                running
                and running.dossier_id == dossier
                and running.labour_type == labour_type
            )
            jobs.append(job)
        return {
            "name": employee.name,
            "running": running and self._entry_payload(employee, running) or False,
            "jobs": jobs,
        }

    def _job_payload(self, employee, dossier, labour_type):
        """What a technician needs of a job: the car, its operations of his
        labour type, the EV and ADAS warnings."""
        env = employee.env
        vehicle = dossier.vehicle_id
        calculation = dossier._approved_calculation()
        lines = calculation.line_ids.filtered(lambda li: not li.display_type)
        operation_labels = dict(
            env["bodyshop.calculation.line"]
            ._fields["operation"]
            ._description_selection(env)
        )
        per_hour = calculation.units_per_hour or 0.0
        operations = [
            {
                "description": line.name,
                "operation": operation_labels.get(line.operation, ""),
                "hours": round(line.labour_units / per_hour, 2) if per_hour else 0.0,
            }
            for line in lines
            if line.line_type == "labour" and line.labour_type == labour_type
        ]
        adas_labels = calculation._adas_labels() if calculation else {}
        calibrated = {li.adas_component for li in lines if li.operation == "calibrate"}
        adas = []
        for component in dict.fromkeys(lines.mapped("adas_component")):
            if component:
                adas.append(
                    {
                        "component": adas_labels.get(component, ""),
                        "calibrated": component in calibrated,
                    }
                )
        ev_warning = False
        if dossier.is_electric:
            ev_warning = env._(
                "Electric or hybrid car: high voltage. Work by the EV safety "
                "rules (NEN 9140)."
            )
            if dossier.ev_risk_class:
                ev_warning += " " + env._(
                    "Risk class: %(risk)s.",
                    risk=dossier._selection_label("ev_risk_class"),
                )
            if dossier.ev_repair_blocked:
                ev_warning += " " + env._(
                    "Not declared voltage-free yet: only the ev-VP works on it "
                    "(electrical) until then."
                )
        return {
            "dossier_id": dossier.id,
            "dossier_name": dossier.name,
            "plate": dossier.license_plate or "",
            "vehicle": " ".join(
                name for name in (vehicle.brand_id.name, vehicle.model_id.name) if name
            ),
            "colour": vehicle.color or "",
            "labour_type": labour_type,
            "labour_type_label": self._labour_label(env, labour_type),
            "planned_hours": 0.0,
            "running": False,
            "operations": operations,
            "is_electric": dossier.is_electric,
            "ev_warning": ev_warning,
            # Red for a car not declared voltage-free or of risk class amber
            # or red; a yellow reminder for a green one.
            "ev_danger": bool(
                dossier.ev_repair_blocked or dossier.ev_risk_class in ("amber", "red")
            ),
            "clocked_today": self._clocked_today(employee, dossier, labour_type),
            "ev_blocked": dossier.ev_repair_blocked,
            "adas": adas,
            "adas_calibration": bool(calibrated),
        }
