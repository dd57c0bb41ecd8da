"""The portal's benchmark, in a fresh database (see README, "Benchmarks").

    python3 benchmarks/portal.py --addons-path=<odoo addons>,<folder holding bodyshop>

9. ``/my/dossiers`` of a paying party with 20 and with 2,000 dossiers: one
   page of 20 (the controller's search, count and the rows' rendering); its
   SQL queries must not grow with the dossiers.
"""

import statistics

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

PAGE = 20


class PortalBench:
    def __init__(self, env):
        self.env = env
        prepare_company(env)
        Partner = env["res.partner"]
        self.insurer = Partner.create({"name": "Bench Verzekeraar", "is_company": True})
        self.handler = Partner.create(
            {"name": "Bench Schadebehandelaar", "parent_id": self.insurer.id}
        )
        self.customer = Partner.create({"name": "Bench Klant"})
        brand = env["fleet.vehicle.model.brand"].create({"name": "Bench"})
        self.model = env["fleet.vehicle.model"].create(
            {"name": "P", "brand_id": brand.id}
        )
        self.zone = env.ref("bodyshop.damage_zone_front")
        # Foreign plates: any text is a plate.
        self.country = env.ref("base.de")
        self.count = 0

    def dossiers(self, count):
        vehicles = self.env["fleet.vehicle"].create(
            [
                {
                    "license_plate": f"BENCH {self.count + index:04d}",
                    "bodyshop_plate_country_id": self.country.id,
                    "model_id": self.model.id,
                    "bodyshop_customer_vehicle": True,
                }
                for index in range(count)
            ]
        )
        self.env["bodyshop.dossier"].create(
            [
                {
                    "customer_id": self.customer.id,
                    "vehicle_id": vehicle.id,
                    "payer_type": "insurer",
                    "payer_id": self.insurer.id,
                    "claim_number": f"BENCH-{self.count + index}",
                    "damage_zone_ids": [Command.set(self.zone.ids)],
                }
                for index, vehicle in enumerate(vehicles)
            ]
        )
        self.count += count

    def page(self, rounds=5):
        """What the controller does for page 1: search, count, render."""
        Dossier = self.env["bodyshop.dossier"].sudo()
        timings, queries = [], set()
        # A first round compiles the template: not measured.
        for _round in range(rounds + 1):
            with Measure(self.env) as measure:
                dossiers, total = Dossier._portal_search(self.handler, 0, PAGE)
                self.env["ir.qweb"]._render(
                    "bodyshop.portal_dossier_rows", {"dossiers": dossiers}
                )
            if _round:
                timings.append(measure.seconds)
                queries.add(measure.queries)
        assert len(dossiers) == min(PAGE, self.count) and total == self.count
        return statistics.median(timings), sorted(queries)


def main():
    args = parse_args(__doc__, "bodyshop_bench_portal")
    create_database(args.db, args.addons_path, keep=args.keep, modules="bodyshop")
    registry = open_registry(args.db, args.addons_path)
    print(f"Benchmarks on {machine()}, {fields.Datetime.now()} UTC, database {args.db}")
    with environment(registry) as env:
        bench = PortalBench(env)
        print(f"\n9. /my/dossiers of a paying party, one page of {PAGE} (median of 5)")
        figures = {}
        for total in (20, 2000):
            bench.dossiers(total - bench.count)
            env.flush_all()
            seconds, queries = bench.page()
            figures[total] = queries
            print(f"   {total:>5} dossiers: {seconds * 1000:.0f} ms, {queries} queries")
        same = figures[20] == figures[2000]
        print(
            "   target queries independent of the dossiers: "
            f"{'met' if same else 'MISSED'}"
        )
        env.cr.rollback()


if __name__ == "__main__":
    main()
