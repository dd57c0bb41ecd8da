"""Body shop benchmarks, each against a reference from Odoo core measured in
the same run, in a fresh database (see README, "Benchmarks").

    python3 benchmarks/run.py --addons-path=<odoo addons>,<folder holding bodyshop>

Prints wall time, SQL queries and their ratio to the reference; a target
missed is printed as such (this script reports, it does not fail).
"""

import random
import statistics
import time
from datetime import date, timedelta

from common import (
    Measure,
    create_database,
    environment,
    machine,
    open_registry,
    parse_args,
    prepare_company,
    ratio,
    report_line,
)

from odoo import Command, fields
from odoo.tools import SQL

LABOUR_TYPES = ("body", "paint", "mechanical", "electrical", "trim", "pdr")


def calculation_lines(count):
    lines = []
    for index in range(count):
        kind = index % 4
        if kind in (0, 1):
            lines.append(
                {
                    "line_type": "labour",
                    "labour_type": LABOUR_TYPES[index % len(LABOUR_TYPES)],
                    "operation": "repair",
                    "name": f"Bewerking {index}",
                    "labour_units": 5 + index % 17,
                }
            )
        elif kind == 2:
            lines.append(
                {
                    "line_type": "part",
                    "operation": "replace",
                    "name": f"Onderdeel {index}",
                    "part_number": f"PN-{index:05d}",
                    "quantity": 1 + index % 3,
                    "price_unit": 12.5 + index,
                }
            )
        else:
            lines.append(
                {
                    "line_type": "sublet",
                    "name": f"Werk derden {index}",
                    "quantity": 1,
                    "price_unit": 40.0 + index,
                }
            )
    return lines


class Bench:
    def __init__(self, env):
        self.env = env
        self.company = prepare_company(env)
        self.company.bodyshop_invoice_post = True
        Partner = env["res.partner"]
        self.customer = Partner.create({"name": "Bench Klant"})
        self.insurer = Partner.create({"name": "Bench Verzekeraar", "is_company": True})
        brand = env["fleet.vehicle.model.brand"].create({"name": "Bench"})
        self.model = env["fleet.vehicle.model"].create(
            {"name": "B", "brand_id": brand.id}
        )
        self.product = env["product.product"].create(
            {
                "name": "Bench product",
                "type": "consu",
                "list_price": 10.0,
                "invoice_policy": "order",
                "taxes_id": [Command.set(self.company.account_sale_tax_id.ids)],
            }
        )
        self.plate = 0
        self.run = int(time.time())
        env.flush_all()

    def vehicle(self):
        self.plate += 1
        return self.env["fleet.vehicle"].create(
            {
                "license_plate": f"BENCH-{self.run}-{self.plate}",
                "bodyshop_plate_country_id": self.env.ref("base.be").id,
                "model_id": self.model.id,
                "bodyshop_customer_vehicle": True,
            }
        )

    def dossier(self):
        return self.env["bodyshop.dossier"].create(
            {
                "customer_id": self.customer.id,
                "vehicle_id": self.vehicle().id,
                "payer_type": "insurer",
                "payer_id": self.insurer.id,
                "deductible_amount": 250.0,
            }
        )

    def sale_lines(self, count):
        return [
            Command.create(
                {
                    "product_id": self.product.id,
                    "name": f"Regel {index}",
                    "product_uom_qty": 1 + index % 3,
                    "price_unit": 12.5 + index,
                }
            )
            for index in range(count)
        ]

    # 1. a 200-line calculation from creation to posted invoices

    def calculation_to_invoices(self, lines=200):
        vehicle = self.vehicle()
        self.env.flush_all()
        with Measure(self.env) as ours:
            dossier = self.env["bodyshop.dossier"].create(
                {
                    "customer_id": self.customer.id,
                    "vehicle_id": vehicle.id,
                    "payer_type": "insurer",
                    "payer_id": self.insurer.id,
                    "deductible_amount": 250.0,
                }
            )
            calculation = self.env["bodyshop.calculation"].create(
                {
                    "dossier_id": dossier.id,
                    "calc_type": "final",
                    "line_ids": [Command.create(v) for v in calculation_lines(lines)],
                }
            )
            assert calculation.amount_total > 0
            calculation.action_send()
            calculation.approval_ids.action_approve()
            dossier.action_create_invoices()
            assert {m.state for m in dossier.invoice_ids} == {"posted"}
        with Measure(self.env) as reference:
            order = self.env["sale.order"].create(
                {"partner_id": self.customer.id, "order_line": self.sale_lines(lines)}
            )
            assert order.amount_total > 0
            order.action_confirm()
            invoice = order._create_invoices()
            invoice.action_post()
        return ours, reference

    # 2. query growth with the number of lines

    def query_growth(self, sizes=(10, 100, 1000)):
        rows = []
        for size in sizes:
            dossier = self.dossier()
            self.env.flush_all()
            with Measure(self.env) as ours:
                calculation = self.env["bodyshop.calculation"].create(
                    {
                        "dossier_id": dossier.id,
                        "line_ids": [
                            Command.create(v) for v in calculation_lines(size)
                        ],
                    }
                )
                calculation.amount_total  # noqa: B018 (the totals are computed)
            with Measure(self.env) as reference:
                order = self.env["sale.order"].create(
                    {
                        "partner_id": self.customer.id,
                        "order_line": self.sale_lines(size),
                    }
                )
                order.amount_total  # noqa: B018
            rows.append((size, ours, reference))
        return rows

    # 4. PDF of a 200-line calculation

    def pdf(self, lines=200):
        dossier = self.dossier()
        calculation = self.env["bodyshop.calculation"].create(
            {
                "dossier_id": dossier.id,
                "line_ids": [Command.create(v) for v in calculation_lines(lines)],
            }
        )
        order = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "order_line": self.sale_lines(lines)}
        )
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        timings = {"ours": [], "reference": []}
        for _round in range(3):
            start = time.perf_counter()
            pdf, _format = Report._render_qweb_pdf(
                "bodyshop.action_report_calculation", calculation.ids
            )
            timings["ours"].append(time.perf_counter() - start)
            assert pdf.startswith(b"%PDF")
            start = time.perf_counter()
            pdf, _format = Report._render_qweb_pdf(
                "sale.action_report_saleorder", order.ids
            )
            timings["reference"].append(time.perf_counter() - start)
            assert pdf.startswith(b"%PDF")
        return statistics.median(timings["ours"]), statistics.median(
            timings["reference"]
        )

    # 3. margin report over many dossiers

    def bulk_dossiers(self, dossiers=10000, lines_each=30, payers=40):
        """Dossiers and calculation lines written in bulk with SQL."""
        cr = self.env.cr
        payer_ids = (
            self.env["res.partner"]
            .create(
                [{"name": f"Betaler {i}", "is_company": True} for i in range(payers)]
            )
            .ids
        )
        vehicle = self.vehicle()
        self.env.flush_all()
        cr.execute(
            SQL(
                """
                INSERT INTO bodyshop_dossier (
                    name, company_id, user_id, state, intake_channel,
                    intake_date, delivery_date, customer_id, payer_type, payer_id,
                    vehicle_id, active, amount_invoiced, cost_parts, cost_sublet,
                    cost_labour, cost_paint, margin, margin_percent, customer_updates,
                    create_uid, write_uid, create_date, write_date)
                SELECT 'BULK/' || n, %(company)s, %(uid)s, 'invoiced',
                    'physical', %(start)s + (mod(n, 730)) * interval '1 day',
                    %(start)s + (mod(n, 730) + 9) * interval '1 day', %(customer)s,
                    'insurer', (%(payers)s)[1 + mod(n, %(npayers)s)], %(vehicle)s, true,
                    2000 + mod(n, 997), 600 + mod(n, 211), 90 + mod(n, 37),
                    500 + mod(n, 113), 80 + mod(n, 19), 730 + mod(n, 617), 30.5, true,
                    %(uid)s, %(uid)s, now(), now()
                FROM generate_series(1, %(count)s) AS n
                """,
                company=self.company.id,
                uid=self.env.uid,
                start=date.today() - timedelta(days=760),
                customer=self.customer.id,
                payers=payer_ids,
                npayers=len(payer_ids),
                vehicle=vehicle.id,
                count=dossiers,
            )
        )
        cr.execute(
            SQL(
                """
                INSERT INTO bodyshop_calculation (
                    dossier_id, company_id, name, version, calc_type, state,
                    units_per_hour, paint_material_method, small_parts_base,
                    amount_total, create_uid, write_uid, create_date, write_date)
                SELECT id, company_id, name || ' v1', 1, 'final', 'approved', 10,
                    'percent_paint_labour', 'parts', amount_invoiced, create_uid,
                    write_uid, now(), now()
                FROM bodyshop_dossier WHERE starts_with(name, 'BULK/')
                """
            )
        )
        cr.execute(
            SQL(
                """
                INSERT INTO bodyshop_calculation_line (
                    calculation_id, company_id, dossier_id, sequence, line_type,
                    name, quantity, price_unit, price_subtotal, labour_units,
                    create_uid, write_uid, create_date, write_date)
                SELECT c.id, c.company_id, c.dossier_id, s, 'part', 'Regel ' || s, 1,
                    10 + s, 10 + s, 0, c.create_uid, c.write_uid, now(), now()
                FROM bodyshop_calculation c
                CROSS JOIN generate_series(1, %(lines)s) AS s
                WHERE starts_with(c.name, 'BULK/')
                """,
                lines=lines_each,
            )
        )
        cr.execute("ANALYZE bodyshop_dossier")
        cr.execute("ANALYZE bodyshop_calculation_line")
        self.env.invalidate_all()

    def margin_report(self, rounds=7):
        Dossier = self.env["bodyshop.dossier"]
        aggregates = ["amount_invoiced:sum", "cost_parts:sum", "margin:sum", "__count"]
        groupby = ["delivery_date:month", "payer_id"]
        sql = SQL(
            """
            SELECT date_trunc('month', delivery_date) AS month, payer_id,
                   sum(amount_invoiced), sum(cost_parts), sum(margin), count(*)
              FROM bodyshop_dossier
             WHERE active AND company_id = %s
             GROUP BY 1, 2
             ORDER BY 1, 2
            """,
            self.company.id,
        )
        timings = {"orm": [], "web": [], "reference": []}
        groups = web_groups = rows = None
        for _round in range(rounds):
            self.env.invalidate_all()
            start = time.perf_counter()
            groups = Dossier._read_group([], groupby, aggregates)
            timings["orm"].append(time.perf_counter() - start)
            self.env.invalidate_all()
            start = time.perf_counter()
            web_groups = Dossier.read_group([], aggregates, groupby, lazy=False)
            timings["web"].append(time.perf_counter() - start)
            start = time.perf_counter()
            self.env.cr.execute(sql)
            rows = self.env.cr.fetchall()
            timings["reference"].append(time.perf_counter() - start)
        assert len(groups) == len(web_groups) == len(rows), (len(groups), len(rows))
        return (
            statistics.median(timings["orm"]),
            statistics.median(timings["web"]),
            statistics.median(timings["reference"]),
            len(rows),
        )

    # 5. the dossier list

    def dossier_list(self, limits=(20, 80)):
        Dossier = self.env["bodyshop.dossier"]
        arch, _view = Dossier._get_view(view_type="list")
        fields_spec = {}
        for name in {node.get("name") for node in arch.xpath("/list/field")}:
            field = Dossier._fields[name]
            fields_spec[name] = (
                {"fields": {"display_name": {}}} if field.type == "many2one" else {}
            )
        counts = {}
        for limit in limits:
            self.env.invalidate_all()
            with Measure(self.env) as measure:
                result = Dossier.web_search_read(
                    [], fields_spec, limit=limit, order="intake_date desc, id desc"
                )
            assert len(result["records"]) == limit
            counts[limit] = measure.queries
        return counts


def main():
    args = parse_args(__doc__, "bodyshop_bench")
    create_database(args.db, args.addons_path, keep=args.keep)
    registry = open_registry(args.db, args.addons_path)
    print(f"Benchmarks on {machine()}, {fields.Datetime.now()} UTC, database {args.db}")
    random.seed(42)
    with environment(registry) as env:
        bench = Bench(env)
        print("\n1. Calculation with 200 lines: create, total, send, approve, invoice")
        print("   reference: sale.order with 200 lines: create, confirm, invoice, post")
        bench.calculation_to_invoices(lines=20)  # warm the caches
        ours, reference = bench.calculation_to_invoices()
        print(report_line("wall time", ours.seconds, reference.seconds, "s"))
        print(report_line("SQL queries", ours.queries, reference.queries, "queries"))
        target = ratio(ours.seconds, reference.seconds) <= 1.0
        print(f"   target time ratio <= 1.0: {'met' if target else 'MISSED'}")

        print("\n2. Query growth: create and total a calculation / a sale order")
        rows = bench.query_growth()
        for size, ours, reference in rows:
            print(
                f"   {size:>5} lines: bodyshop {ours.queries:>6} queries,"
                f" sale.order {reference.queries:>6} queries"
            )
        (small, ours_s, ref_s), (large, ours_l, ref_l) = rows[0], rows[-1]
        slope_ours = (ours_l.queries - ours_s.queries) / (large - small)
        slope_ref = (ref_l.queries - ref_s.queries) / (large - small)
        print(
            f"   slope: bodyshop {slope_ours:.3f} queries/line,"
            f" sale.order {slope_ref:.3f} queries/line"
        )
        print(
            f"   target slope <= sale.order's: "
            f"{'met' if slope_ours <= slope_ref + 1e-9 else 'MISSED'}"
        )

        print("\n4. PDF of a 200-line calculation vs a 200-line sale order")
        ours_pdf, ref_pdf = bench.pdf()
        print(report_line("wall time (median of 3)", ours_pdf, ref_pdf, "s"))
        print(
            f"   target ratio <= 1.2: "
            f"{'met' if ratio(ours_pdf, ref_pdf) <= 1.2 else 'MISSED'}"
        )
        env.cr.commit()

        print("\n3. Margin report: 10,000 dossiers, 300,000 lines (bulk SQL)")
        start = time.perf_counter()
        bench.bulk_dossiers()
        env.cr.commit()
        print(f"   generated in {time.perf_counter() - start:.1f} s")
        orm_rg, web_rg, ref_rg, groups = bench.margin_report()
        print(f"   grouped by month and payer: {groups} groups")
        print(report_line("_read_group (ORM), median of 7", orm_rg, ref_rg, "s"))
        print(report_line("read_group (+ web labels, domains)", web_rg, ref_rg, "s"))
        print(
            f"   target ratio <= 1.5 (ORM grouping): "
            f"{'met' if ratio(orm_rg, ref_rg) <= 1.5 else 'MISSED'}"
        )

        print("\n5. Dossier list: web_search_read with the list view's fields")
        counts = bench.dossier_list()
        for limit, queries in counts.items():
            print(f"   {limit:>3} dossiers: {queries} queries")
        same = len(set(counts.values())) == 1
        print(
            f"   target count independent of the records: {'met' if same else 'MISSED'}"
        )
        env.cr.rollback()


if __name__ == "__main__":
    main()
