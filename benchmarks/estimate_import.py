"""The estimate import's benchmark, in a fresh database (see README,
"Benchmarks").

    python3 benchmarks/estimate_import.py \
        --addons-path=<odoo addons>,<folder holding bodyshop>

10. Importing a calculation file (CIECA BMS) of 300 lines onto a dossier:
   server time (target below 1 s) and SQL queries, for 30 and 300 lines
   (the queries must not grow per line). The same for DAT VXS.
"""

import importlib.util
import statistics
from pathlib import Path

from common import (
    Measure,
    create_database,
    environment,
    machine,
    open_registry,
    parse_args,
    prepare_company,
)

from odoo import fields

ROUNDS = 3
# The tests' file generator, loaded alone (the tests package imports Odoo's
# test framework).
_spec = importlib.util.spec_from_file_location(
    "estimate_files", Path(__file__).parent.parent / "tests" / "estimate_files.py"
)
estimate_files = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(estimate_files)


class ImportBench:
    def __init__(self, env):
        self.env = env
        self.files = {
            "cieca_bms": estimate_files.bms_file,
            "dat_vxs": estimate_files.dat_file,
        }
        # The main company as a Dutch body shop (EUR, the Dutch chart), as
        # the other benchmarks: the files are in euros.
        self.company = prepare_company(env)
        euro = env.ref("base.EUR")
        euro.active = True
        if self.company.currency_id != euro:
            self.company.currency_id = euro
        env.user.company_ids |= self.company
        env.user.company_id = self.company
        Partner = env["res.partner"]
        self.customer = Partner.create({"name": "Bench Klant"})
        self.insurer = Partner.create({"name": "Bench Verzekeraar", "is_company": True})
        env["bodyshop.agreement"].create(
            {
                "name": "Bench tarieven",
                "partner_id": self.insurer.id,
                "company_id": self.company.id,
                "rate_body": 55.0,
                "rate_paint": 58.0,
                "rate_mechanical": 60.0,
            }
        )
        brand = env["fleet.vehicle.model.brand"].create({"name": "Bench"})
        self.model = env["fleet.vehicle.model"].create(
            {"name": "P", "brand_id": brand.id}
        )
        self.count = 0

    def dossier(self):
        self.count += 1
        vehicle = self.env["fleet.vehicle"].create(
            {
                "license_plate": f"GZ-{self.count:03d}-K",
                "model_id": self.model.id,
                "company_id": self.company.id,
                "bodyshop_customer_vehicle": True,
                "driver_id": self.customer.id,
            }
        )
        return self.env["bodyshop.dossier"].create(
            {
                "company_id": self.company.id,
                "customer_id": self.customer.id,
                "vehicle_id": vehicle.id,
                "payer_type": "insurer",
                "payer_id": self.insurer.id,
                "damage_zone_ids": [
                    fields.Command.set(self.env.ref("bodyshop.damage_zone_front").ids)
                ],
            }
        )

    def run(self, fmt, lines):
        data, _total = self.files[fmt](lines)
        Calculation = self.env["bodyshop.calculation"]
        timings, queries, difference = [], set(), None
        for _round in range(ROUNDS):
            dossier = self.dossier()
            with Measure(self.env) as measure:
                calc = Calculation._import_estimate_file(
                    dossier, data, "bench.xml", confirm_vehicle=True
                )
            timings.append(measure.seconds)
            queries.add(measure.queries)
            difference = calc.import_difference
        return statistics.median(timings), sorted(queries), difference


def main():
    args = parse_args(__doc__, "bodyshop_bench_import")
    create_database(args.db, args.addons_path, keep=args.keep, modules="bodyshop")
    registry = open_registry(args.db, args.addons_path)
    print(f"Benchmarks on {machine()}, {fields.Datetime.now()} UTC, database {args.db}")
    with environment(registry) as env:
        bench = ImportBench(env)
        print(f"\n10. Estimate import (median of {ROUNDS}), server side")
        for fmt in ("cieca_bms", "dat_vxs"):
            figures = {}
            for lines in (30, 300):
                seconds, queries, difference = bench.run(fmt, lines)
                figures[lines] = (seconds, queries)
                print(
                    f"   {fmt:<9} {lines:>3} lines: {seconds * 1000:.0f} ms, "
                    f"{queries} queries, difference with the file {difference:.2f}"
                )
            fast = figures[300][0] < 1.0
            # 270 lines more: a query per line would be 270 more.
            growth = max(figures[300][1]) - min(figures[30][1])
            flat = growth < 27
            print(
                f"   target 300 lines < 1 s: {'met' if fast else 'MISSED'}; "
                f"queries not per line ({growth:+d} for 270 more lines): "
                f"{'met' if flat else 'MISSED'}"
            )
        env.cr.rollback()


if __name__ == "__main__":
    main()
