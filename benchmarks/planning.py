"""The workshop's benchmarks, in a fresh database (see README, "Benchmarks").

    python3 benchmarks/planning.py --addons-path=<odoo addons>,<folder holding bodyshop>

7. The planning board (``get_board_data``) of 30 technicians over 10 days
   with 30 and with 300 planned dossiers: its SQL queries must not grow with
   the dossiers. The reference: Odoo's resource computing the same
   technicians' working time (``_work_intervals_batch``), which the board's
   capacity equals.
8. A clock-in at the kiosk: one call (one round trip), its SQL queries.
"""

import statistics
from datetime import datetime, time, timedelta

import pytz
from common import (
    Measure,
    create_database,
    environment,
    machine,
    open_registry,
    parse_args,
    prepare_company,
)

from odoo import Command, fields

TECHNICIANS = 30
DAYS = 10
TYPES = ("body", "paint", "mechanical")


class PlanningBench:
    def __init__(self, env):
        self.env = env
        self.company = prepare_company(env)
        self.calendar = self.company.resource_calendar_id
        self.calendar.tz = "Europe/Amsterdam"
        agreement = env["bodyshop.agreement"].create(
            {
                "name": "Bench tarieven",
                "company_id": self.company.id,
                "rate_body": 60.0,
                "rate_paint": 65.0,
                "rate_mechanical": 60.0,
            }
        )
        self.company.bodyshop_default_agreement_id = agreement
        types = {t.code: t for t in env["bodyshop.labour.type"].search([])}
        self.technicians = env["hr.employee"].create(
            [
                {
                    "name": f"Technicus {index:02d}",
                    "company_id": self.company.id,
                    "resource_calendar_id": self.calendar.id,
                    "tz": "Europe/Amsterdam",
                    "hourly_cost": 40.0,
                    "bodyshop_technician": True,
                    "bodyshop_labour_type_ids": [
                        Command.set(types[TYPES[index % len(TYPES)]].ids)
                    ],
                }
                for index in range(TECHNICIANS)
            ]
        )
        Partner = env["res.partner"]
        self.customer = Partner.create({"name": "Bench Klant"})
        self.insurer = Partner.create({"name": "Bench Verzekeraar", "is_company": True})
        brand = env["fleet.vehicle.model.brand"].create({"name": "Bench"})
        self.model = env["fleet.vehicle.model"].create(
            {"name": "P", "brand_id": brand.id}
        )
        self.count = 0
        today = fields.Date.context_today(env.user)
        self.monday = today + timedelta(days=7 - today.weekday())

    def approved_dossiers(self, count):
        dossiers = self.env["bodyshop.dossier"]
        for _index in range(count):
            self.count += 1
            vehicle = self.env["fleet.vehicle"].create(
                {
                    "license_plate": f"PLAN-{self.count}",
                    "bodyshop_plate_country_id": self.env.ref("base.be").id,
                    "model_id": self.model.id,
                    "bodyshop_customer_vehicle": True,
                }
            )
            dossier = self.env["bodyshop.dossier"].create(
                {
                    "customer_id": self.customer.id,
                    "vehicle_id": vehicle.id,
                    "payer_type": "insurer",
                    "payer_id": self.insurer.id,
                    "planned_delivery_date": self.monday + timedelta(days=14),
                }
            )
            calculation = self.env["bodyshop.calculation"].create(
                {
                    "dossier_id": dossier.id,
                    "line_ids": [
                        Command.create(
                            {
                                "line_type": "labour",
                                "labour_type": labour_type,
                                "operation": "repair",
                                "name": f"Werk {labour_type}",
                                "labour_units": 20.0,
                            }
                        )
                        for labour_type in TYPES
                    ],
                }
            )
            calculation.action_send()
            calculation.approval_ids.action_approve()
            dossiers |= dossier
        return dossiers

    def plan(self, dossiers):
        """Every labour type of every dossier on a technician who does it,
        spread from next Monday: 2 hours each."""
        Slot = self.env["bodyshop.planning.slot"]
        by_type = {
            code: self.technicians.filtered(
                lambda t, code=code: code in t.bodyshop_labour_type_ids.mapped("code")
            )
            for code in TYPES
        }
        for index, dossier in enumerate(dossiers):
            for code in TYPES:
                technicians = by_type[code]
                technician = technicians[(index + self.count) % len(technicians)]
                Slot.action_board_plan(dossier.id, code, technician.id, self.monday)

    def board(self, rounds=5):
        Slot = self.env["bodyshop.planning.slot"]
        timings, queries, result = [], set(), None
        for _round in range(rounds):
            with Measure(self.env) as measure:
                result = Slot.get_board_data(fields.Date.to_string(self.monday), DAYS)
            timings.append(measure.seconds)
            queries.add(measure.queries)
        assert len(result["technicians"]) == TECHNICIANS
        return statistics.median(timings), sorted(queries), result

    def resource_reference(self, rounds=5):
        tz = pytz.timezone("Europe/Amsterdam")
        start = tz.localize(datetime.combine(self.monday, time.min))
        stop = start + timedelta(days=DAYS + 4)
        timings, queries = [], set()
        for _round in range(rounds):
            with Measure(self.env) as measure:
                self.calendar._work_intervals_batch(
                    start, stop, resources=self.technicians.resource_id, tz=tz
                )
            timings.append(measure.seconds)
            queries.add(measure.queries)
        return statistics.median(timings), sorted(queries)

    def clock_in(self, dossier):
        technician = self.technicians[0]
        with Measure(self.env) as measure:
            technician.sudo()._bodyshop_clock_in(dossier, "body")
        with Measure(self.env) as stop:
            technician.sudo()._bodyshop_clock_out(
                fields.Datetime.now() + timedelta(seconds=1)
            )
        return measure, stop


def main():
    args = parse_args(__doc__, "bodyshop_bench_planning")
    create_database(args.db, args.addons_path, keep=args.keep, modules="bodyshop")
    registry = open_registry(args.db, args.addons_path)
    print(f"Benchmarks on {machine()}, {fields.Datetime.now()} UTC, database {args.db}")
    with environment(registry) as env:
        bench = PlanningBench(env)
        print(
            f"\n7. Planning board: {TECHNICIANS} technicians x {DAYS} days, "
            "get_board_data (median of 5)"
        )
        print(
            "   reference: Odoo's resource, _work_intervals_batch of the same "
            "technicians (capacity only)"
        )
        figures = {}
        for total in (30, 300):
            dossiers = bench.approved_dossiers(total - bench.count)
            bench.plan(dossiers)
            env.flush_all()
            seconds, queries, result = bench.board()
            ref_seconds, ref_queries = bench.resource_reference()
            figures[total] = queries
            print(
                f"   {total:>3} dossiers, {len(result['slots'])} planned blocks: "
                f"{seconds * 1000:.0f} ms, {queries} queries "
                f"(resource: {ref_seconds * 1000:.0f} ms, {ref_queries} queries)"
            )
        same = figures[30] == figures[300]
        print(
            "   target queries independent of the dossiers: "
            f"{'met' if same else 'MISSED'}"
        )
        print("\n8. Clock-in at the kiosk: one call")
        start, stop = bench.clock_in(bench.approved_dossiers(1))
        print(
            f"   clock-in: 1 call, {start.seconds * 1000:.0f} ms, {start.queries} "
            f"queries; clock-out: 1 call, {stop.seconds * 1000:.0f} ms, "
            f"{stop.queries} queries"
        )
        env.cr.rollback()


if __name__ == "__main__":
    main()
