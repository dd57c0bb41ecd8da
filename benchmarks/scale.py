"""Scale: a group of ten body shops after five years, on one database.

    python3 benchmarks/scale.py --addons-path=<odoo addons>,<folder holding bodyshop>
    python3 benchmarks/scale.py ... --sizes=100,1000 --runs=5 --check   (CI)

Builds a fresh database with a parent company and nine branches, then grows
it in steps (default 10,000 and 100,000 dossiers). History is written in bulk
with SQL: per dossier a customer and a car, two calculation versions of 15
lines each (3,000,000 lines at 100,000 dossiers), an approval per version
(200,000) and the invoices of the invoiced dossiers, half of them with a
deductible invoice to the customer (about 150,000); a third of the dossiers
had a courtesy car. Dossiers are numbered back in time, so each step adds
older history and the open work of today stays the same. One dossier with
5 versions and 40 photos is made with the ORM.

At each size it measures, server side as a damage manager of one branch
(the owner for the group), the median and p95 of ``--runs`` runs and the SQL
queries of each screen: the search bar (plate with and without hyphens,
claim number, customer name), the kanban and list of open dossiers, the
dossier form, the courtesy calendar of a month, Margins and Key Figures for
a year. Then it prints the growth factor of each figure from the first size
to the last, and the plans of the searches (``--explain``).

``--check`` exits non-zero when a screen's query count grows with the
database, when a search finds the wrong dossiers, or when the data is not what
was generated (counts); the times are reported, not asserted.
"""

import argparse
import base64
import statistics
import sys
import time
from contextlib import closing
from datetime import datetime, timedelta

import psycopg2
from common import (
    create_database,
    machine,
    open_registry,
    percentile,
    prepare_company,
)
from lxml import etree

from odoo import SUPERUSER_ID, Command, api
from odoo.sql_db import connection_info_for
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

BRANCHES = 10
YEARS = 5
LINES_PER_VERSION = 16
COURTESY_CARS = 10
# Plates as the RDW writes them: sidecode 8 (XX-999-X) from these letters.
PLATE_LETTERS = "BDFGHJKLNPRSTVXZ"
FIRST_NAMES = [
    "Daan",
    "Sem",
    "Lucas",
    "Levi",
    "Finn",
    "Milan",
    "Noah",
    "Jesse",
    "Bram",
    "Thijs",
    "Ruben",
    "Lars",
    "Sven",
    "Tim",
    "Emma",
    "Julia",
    "Mila",
    "Tess",
    "Sophie",
    "Zoë",
    "Sara",
    "Anna",
    "Evi",
    "Nina",
    "Fleur",
    "Lotte",
    "Eva",
    "Lisa",
    "Ahmed",
    "Mohamed",
    "Yusuf",
    "Fatima",
    "Aylin",
    "Elif",
    "Kees",
    "Henk",
    "Joke",
    "Wilma",
    "Piet",
    "Truus",
    "Gerrit",
    "Annie",
    "Willem",
    "Jannie",
    "Ingrid",
    "Marco",
    "Sanne",
    "Pieter",
]
LAST_NAMES = [
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "van der Linden",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "van der Veen",
    "van den Broek",
    "de Bruijn",
    "de Bruin",
    "van der Heijden",
    "Schouten",
    "van Beek",
    "Willems",
    "van Wijk",
    "Hoekstra",
    "Koster",
    "Verhoeven",
    "Prins",
    "Postma",
    "Leenders",
    "Kuipers",
    "van Vliet",
    "Yilmaz",
    "Kaya",
    "Demir",
    "Şahin",
    "Çelik",
    "El Amrani",
    "Bouzid",
    "Ouali",
    "Benali",
    "Tahiri",
    "van Dam",
    "Kramer",
    "Maas",
    "Koning",
    "Huisman",
    "Peeters",
    "van Rijn",
    "Lammers",
    "Scholten",
    "Veenstra",
    "Wolters",
    "Gerritsen",
    "Groen",
    "Blom",
    "Timmermans",
    "Hermans",
    "Evers",
    "Kuiper",
    "Bosch",
    "Martens",
    "Molenaar",
    "Sanders",
    "Claassen",
    "Wouters",
    "Post",
    "Vink",
    "Boer",
    "Jonker",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="bodyshop_scale")
    parser.add_argument("--addons-path", required=True)
    parser.add_argument(
        "--sizes",
        default="10000,100000",
        help="dossier counts to measure at, ascending (comma-separated)",
    )
    parser.add_argument("--runs", type=int, default=20, help="runs per measure")
    parser.add_argument("--keep", action="store_true", help="reuse the database")
    parser.add_argument(
        "--explain", action="store_true", help="print the plans of the searches"
    )
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="measure the database made by an earlier run again, as it is",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="fail when query counts grow or results are wrong (CI)",
    )
    args = parser.parse_args()
    args.sizes = sorted(int(size) for size in args.sizes.split(","))
    return args


class Scale:
    def __init__(self, env, target):
        self.env = env
        self.cr = env.cr
        # The last size sets the time scale: dossier n was taken in n steps
        # of (five years / target) before now, whatever the current size.
        self.target = target
        self.step = timedelta(days=365 * YEARS) / target
        self.now = datetime.now().replace(microsecond=0)

    # ------------------------------------------------------------------
    # set-up with the ORM
    # ------------------------------------------------------------------

    def setup(self):
        env = self.env
        group = prepare_company(env)
        group.name = "Schadegroep Nederland"
        self.companies = group
        for number in range(2, BRANCHES + 1):
            self.companies |= env["res.company"].create(
                {
                    "name": f"Schadegroep Vestiging {number}",
                    "parent_id": group.id,
                }
            )
        self.branch = self.companies[1]
        users = env["res.users"].with_context(no_reset_password=True)
        self.managers = users.browse()
        for company in self.companies:
            self.managers |= users.create(
                {
                    "name": f"Schademanager {company.name}",
                    "login": f"sm{company.id}",
                    "email": f"sm{company.id}@schadegroep.example.nl",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [
                        Command.set([env.ref("bodyshop.group_bodyshop_user").id])
                    ],
                }
            )
        self.owner = users.create(
            {
                "name": "Eigenaar Schadegroep",
                "login": "owner",
                "email": "eigenaar@schadegroep.example.nl",
                "company_id": group.id,
                "company_ids": [Command.set(self.companies.ids)],
                "groups_id": [
                    Command.set([env.ref("bodyshop.group_bodyshop_manager").id])
                ],
            }
        )
        self.insurers = env["res.partner"].create(
            [
                {"name": f"Verzekeraar {number}", "is_company": True}
                for number in range(1, 21)
            ]
        )
        brand = env["fleet.vehicle.model.brand"].create({"name": "Volkswagen"})
        self.models = env["fleet.vehicle.model"].create(
            [
                {"name": name, "brand_id": brand.id, "default_fuel_type": "gasoline"}
                for name in ("Golf", "Polo", "Passat", "Tiguan", "Touran")
            ]
        )
        self.courtesy_cars = {}
        for index, company in enumerate(self.companies):
            self.courtesy_cars[company.id] = (
                env["fleet.vehicle"]
                .create(
                    [
                        {
                            "license_plate": f"V{index:02d}-{car:02d}-LX",
                            "model_id": self.models[0].id,
                            "company_id": company.id,
                            "is_courtesy_car": True,
                        }
                        for car in range(COURTESY_CARS)
                    ]
                )
                .ids
            )
        self.nl = env.ref("base.nl")
        self.journal = env["account.journal"].search(
            [("company_id", "=", group.id), ("type", "=", "sale")], limit=1
        )
        self.sample = self.sample_dossier()
        env.flush_all()

    def load(self):
        """The companies, users and sample of an earlier run."""
        env = self.env
        self.companies = env["res.company"].search(
            [("name", "=like", "Schadegroep%")], order="id"
        )
        self.branch = self.companies[1]
        self.managers = env["res.users"].search(
            [("login", "in", [f"sm{company.id}" for company in self.companies])],
            order="id",
        )
        self.owner = env["res.users"].search([("login", "=", "owner")])
        self.sample = env["bodyshop.dossier"].search(
            [("claim_number", "=", "STEEKPROEF-1")]
        )

    def sample_dossier(self, versions=5, photos=40):
        """A dossier of the branch with ``versions`` calculation versions and
        ``photos`` photos, made as the schademanager makes it."""
        env = self.env(
            user=self.managers[1],
            context={"allowed_company_ids": self.branch.ids, "tracking_disable": True},
        )
        customer = env["res.partner"].create({"name": "Steekproef Klant"})
        vehicle = env["fleet.vehicle"].create(
            {
                "license_plate": "ZZ-999-Z",
                "model_id": self.models[0].id,
                "bodyshop_customer_vehicle": True,
                "company_id": self.branch.id,
            }
        )
        dossier = env["bodyshop.dossier"].create(
            {
                "customer_id": customer.id,
                "vehicle_id": vehicle.id,
                "payer_type": "insurer",
                "payer_id": self.insurers[0].id,
                "claim_number": "STEEKPROEF-1",
            }
        )
        dossier.action_start_calculation()
        for version in range(1, versions + 1):
            calculation = dossier.current_calculation_id
            calculation.write(
                {
                    "line_ids": [
                        Command.create(
                            {
                                "line_type": "labour",
                                "labour_type": "body",
                                "name": f"Versie {version} arbeid {i}",
                                "labour_units": 10 + i,
                            }
                        )
                        for i in range(4)
                    ]
                    + [
                        Command.create(
                            {
                                "line_type": "part",
                                "name": f"Versie {version} onderdeel {i}",
                                "quantity": 1,
                                "price_unit": 100 + i,
                            }
                        )
                        for i in range(4)
                    ]
                }
            )
            calculation.action_send()
            calculation.approval_ids.action_approve()
            if version == 1:
                env["bodyshop.checkin.wizard"].create(
                    {"dossier_id": dossier.id, "odometer": 48000}
                ).action_confirm()
                dossier.action_start_repair()
            if version < versions:
                dossier.action_create_supplement()
        pixel = base64.b64decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEA"
            "wS2OUAAAAABJRU5ErkJggg=="
        )
        env["ir.attachment"].create(
            [
                {
                    "name": f"foto-{i:02d}.png",
                    "raw": pixel,
                    "mimetype": "image/png",
                    "res_model": dossier._name,
                    "res_id": dossier.id,
                    "bodyshop_photo_phase": "intake" if i < 20 else "repair",
                }
                for i in range(photos)
            ]
        )
        return dossier.with_env(self.env)

    # ------------------------------------------------------------------
    # history in bulk
    # ------------------------------------------------------------------

    def grow(self, first, last):
        """Dossiers ``first`` .. ``last`` (numbered back in time) and
        everything that hangs on them, with SQL."""
        cr = self.cr
        started = time.perf_counter()
        params = {
            "first": first,
            "last": last,
            "now": self.now,
            "step": self.step,
            "companies": self.companies.ids,
            "managers": self.managers.ids,
            "insurers": self.insurers.ids,
            "models": self.models.ids,
            "brand": self.models[0].brand_id.id,
            "nl": self.nl.id,
            "first_names": FIRST_NAMES,
            "last_names": LAST_NAMES,
            "letters": PLATE_LETTERS,
            "uid": SUPERUSER_ID,
            "journal": self.journal.id,
            "currency": self.companies[0].currency_id.id,
        }
        # n -> company index c = n % 10; the k-th dossier of its company.
        cr.execute(
            SQL(
                """
                CREATE TEMP TABLE scale_n ON COMMIT DROP AS
                SELECT n, mod(n, %(branches)s) AS c, n / %(branches)s AS k,
                       %(now)s - n * %(step)s AS intake,
                       (%(first_names)s)[1 + mod(n * 7, %(nfirst)s)] || ' '
                           || (%(last_names)s)[1 + mod(n / 7 * 13, %(nlast)s)]
                           AS customer_name,
                       substr(%(letters)s, 1 + mod(n / 16000, 16), 1)
                           || substr(%(letters)s, 1 + mod(n / 1000, 16), 1) || '-'
                           || lpad(mod(n, 1000)::text, 3, '0') || '-'
                           || substr(%(letters)s, 1 + mod(n / 256000, 16), 1)
                           AS plate
                  FROM generate_series(%(first)s, %(last)s) AS n
                """,
                branches=BRANCHES,
                nfirst=len(FIRST_NAMES),
                nlast=len(LAST_NAMES),
                **params,
            )
        )
        # State by age: today's work is open, what is older than a month is
        # closed (mostly invoiced; some total losses and cancellations).
        cr.execute(
            SQL(
                """
                ALTER TABLE scale_n ADD COLUMN state varchar;
                UPDATE scale_n SET state = CASE
                    WHEN intake > %(now)s - interval '2 days' THEN 'intake'
                    WHEN intake > %(now)s - interval '5 days' THEN 'calculation'
                    WHEN intake > %(now)s - interval '9 days' THEN 'approval'
                    WHEN intake > %(now)s - interval '20 days' THEN 'repair'
                    WHEN intake > %(now)s - interval '30 days' THEN 'ready'
                    WHEN mod(n, 50) = 7 THEN 'total_loss'
                    WHEN mod(n, 33) = 5 THEN 'cancelled'
                    ELSE 'invoiced' END;
                ANALYZE scale_n;
                """,
                **params,
            )
        )
        cr.execute(
            SQL(
                """
                ALTER TABLE scale_n ADD COLUMN partner_id int,
                                    ADD COLUMN vehicle_id int,
                                    ADD COLUMN dossier_id int;
                WITH partners AS (
                    INSERT INTO res_partner (
                        name, complete_name, type, active, is_company,
                        autopost_bills, lang, email, create_uid, write_uid,
                        create_date, write_date, ref)
                    SELECT customer_name, customer_name, 'contact', true, false,
                           'ask', 'nl_NL',
                           'klant' || n || '@example.nl', %(uid)s, %(uid)s,
                           intake, intake, 'SCALE-' || n
                      FROM scale_n
                    RETURNING id, ref)
                UPDATE scale_n SET partner_id = partners.id
                  FROM partners WHERE partners.ref = 'SCALE-' || scale_n.n;
                UPDATE res_partner SET commercial_partner_id = id
                 WHERE commercial_partner_id IS NULL;
                WITH vehicles AS (
                    INSERT INTO fleet_vehicle (
                        name, license_plate, model_id, brand_id, odometer_unit,
                        power_unit, active, bodyshop_customer_vehicle,
                        bodyshop_plate_country_id, driver_id, fuel_type,
                        create_uid, write_uid, create_date, write_date, description)
                    SELECT 'Volkswagen/' || plate, plate,
                           (%(models)s)[1 + mod(n, 5)], %(brand)s, 'kilometers',
                           'power', true, true, %(nl)s, partner_id, 'gasoline',
                           %(uid)s, %(uid)s, intake, intake, 'SCALE-' || n
                      FROM scale_n
                    RETURNING id, description)
                UPDATE scale_n SET vehicle_id = vehicles.id
                  FROM vehicles WHERE vehicles.description = 'SCALE-' || scale_n.n;
                UPDATE fleet_vehicle SET description = NULL
                 WHERE starts_with(description, 'SCALE-');
                UPDATE res_partner SET ref = NULL WHERE starts_with(ref, 'SCALE-');
                """,
                **params,
            )
        )
        cr.execute(
            SQL(
                """
                WITH dossiers AS (
                    INSERT INTO bodyshop_dossier (
                        name, company_id, user_id, state, intake_channel,
                        intake_date, customer_id, payer_type, payer_id, vehicle_id,
                        license_plate, license_plate_compact, claim_number,
                        active, is_electric,
                        customer_updates, has_supplement, cost_incomplete,
                        checkin_date, repair_start, repair_end, delivery_date,
                        key_to_key_days, repair_cycle_days,
                        amount_invoiced, cost_parts, cost_sublet, cost_labour,
                        cost_labour_standard, cost_paint, labour_margin, margin,
                        margin_percent, sold_hours, clocked_hours,
                        labour_efficiency, planned_delivery_date,
                        create_uid, write_uid, create_date, write_date)
                    SELECT 'H' || (c + 1) || '/' || extract(year FROM intake) || '/'
                               || lpad(k::text, 5, '0'),
                           (%(companies)s)[c + 1], (%(managers)s)[c + 1], state,
                           CASE WHEN mod(n, 4) = 0 THEN 'digital' ELSE 'physical' END,
                           intake, partner_id, 'insurer',
                           (%(insurers)s)[1 + mod(n, 20)], vehicle_id, plate,
                           replace(plate, '-', ''),
                           to_char(intake, 'YYYY') || '-' || lpad(n::text, 7, '0'),
                           true, false, true, state <> 'cancelled',
                           false,
                           intake + interval '1 day',
                           CASE WHEN state IN ('repair', 'ready', 'invoiced')
                                THEN intake + interval '2 days' END,
                           CASE WHEN state IN ('ready', 'invoiced')
                                THEN intake + interval '8 days' END,
                           CASE WHEN state = 'invoiced'
                                THEN intake + interval '9 days' END,
                           CASE WHEN state = 'invoiced' THEN 9 END,
                           CASE WHEN state IN ('ready', 'invoiced') THEN 6 END,
                           CASE WHEN state = 'invoiced'
                                THEN 2000 + mod(n, 997) ELSE 0 END,
                           600 + mod(n, 211), 90 + mod(n, 37), 500 + mod(n, 113),
                           false, 80 + mod(n, 19), 300 + mod(n, 57),
                           CASE WHEN state = 'invoiced'
                                THEN 730 + mod(n, 617) ELSE 0 END,
                           30.5, 10 + mod(n, 7), 9 + mod(n, 9),
                           round((10 + mod(n, 7)) * 100.0 / (9 + mod(n, 9)), 2),
                           (intake + interval '10 days')::date,
                           %(uid)s, %(uid)s, intake, intake
                      FROM scale_n
                    RETURNING id, vehicle_id)
                UPDATE scale_n SET dossier_id = dossiers.id
                  FROM dossiers WHERE dossiers.vehicle_id = scale_n.vehicle_id;
                """,
                **params,
            )
        )
        # Two versions of the dossiers that were calculated: the estimate and a
        # supplement (superseded / approved, or draft and sent for today's).
        cr.execute(
            SQL(
                """
                INSERT INTO bodyshop_calculation (
                    dossier_id, company_id, name, version, calc_type, state,
                    is_latest, units_per_hour, paint_material_method,
                    small_parts_base, amount_labour, amount_parts, amount_untaxed,
                    amount_tax, amount_total, amount_payer, labour_units,
                    create_uid, write_uid, create_date, write_date)
                SELECT s.dossier_id, (%(companies)s)[s.c + 1],
                       d.name || ' v' || v, v,
                       CASE WHEN v = 1 THEN 'estimate' ELSE 'supplement' END,
                       CASE WHEN s.state = 'calculation' THEN 'draft'
                            WHEN s.state = 'approval' AND v = 2 THEN 'sent'
                            WHEN v = 1 THEN 'superseded'
                            ELSE 'approved' END,
                       v = 2 OR s.state = 'calculation', 10,
                       'percent_paint_labour', 'parts', 600, 1200, 1800, 378,
                       2178, 2178, 60, %(uid)s, %(uid)s, s.intake, s.intake
                  FROM scale_n s
                  JOIN bodyshop_dossier d ON d.id = s.dossier_id
                 CROSS JOIN generate_series(1, 2) AS v
                 WHERE s.state NOT IN ('intake', 'cancelled')
                   AND (v = 1 OR s.state <> 'calculation');
                UPDATE bodyshop_dossier d SET current_calculation_id = calc.id
                  FROM bodyshop_calculation calc, scale_n s
                 WHERE calc.dossier_id = d.id AND calc.is_latest
                   AND s.dossier_id = d.id;
                INSERT INTO bodyshop_calculation_line (
                    calculation_id, company_id, dossier_id, sequence, line_type,
                    name, quantity, price_unit, price_subtotal, labour_units,
                    labour_type, create_uid, write_uid, create_date, write_date)
                SELECT calc.id, calc.company_id, calc.dossier_id, l,
                       CASE WHEN l <= 5 THEN 'labour' ELSE 'part' END,
                       CASE WHEN l <= 5 THEN 'Arbeid ' ELSE 'Onderdeel ' END || l,
                       1, CASE WHEN l <= 5 THEN 0 ELSE 120 END,
                       CASE WHEN l <= 5 THEN 120 ELSE 120 END,
                       CASE WHEN l <= 5 THEN 12 ELSE 0 END,
                       CASE WHEN l <= 5 THEN 'body' END,
                       %(uid)s, %(uid)s, calc.create_date, calc.create_date
                  FROM bodyshop_calculation calc
                  JOIN scale_n s ON s.dossier_id = calc.dossier_id
                 CROSS JOIN generate_series(1, %(lines)s) AS l;
                INSERT INTO bodyshop_approval (
                    calculation_id, dossier_id, company_id, payer_id,
                    requested_by_id, channel, state, approved_amount,
                    requested_on, responded_on, responded_by,
                    create_uid, write_uid, create_date, write_date)
                SELECT calc.id, calc.dossier_id, calc.company_id, d.payer_id,
                       d.user_id, 'email',
                       CASE WHEN calc.state = 'sent' THEN 'pending'
                            ELSE 'approved' END,
                       CASE WHEN calc.state = 'sent' THEN NULL ELSE 2178 END,
                       calc.create_date + (calc.version - 1) * interval '3 days',
                       CASE WHEN calc.state <> 'sent'
                            THEN calc.create_date
                                 + ((calc.version - 1) * 3 + 1) * interval '1 day'
                       END,
                       CASE WHEN calc.state <> 'sent' THEN 'Expert verzekeraar' END,
                       %(uid)s, %(uid)s, calc.create_date, calc.create_date
                  FROM bodyshop_calculation calc
                  JOIN scale_n s ON s.dossier_id = calc.dossier_id
                  JOIN bodyshop_dossier d ON d.id = calc.dossier_id
                 WHERE calc.state <> 'draft';
                """,
                lines=LINES_PER_VERSION,
                **params,
            )
        )
        # Invoices of the invoiced dossiers (headers: no measured screen reads
        # their lines): the payer's, and for half of them the customer's
        # deductible.
        cr.execute(
            SQL(
                """
                INSERT INTO account_move (
                    name, journal_id, company_id, currency_id, date,
                    invoice_date, state, move_type, auto_post, partner_id,
                    commercial_partner_id, amount_untaxed, amount_tax,
                    amount_total, amount_residual, amount_untaxed_signed,
                    amount_tax_signed, amount_total_signed,
                    amount_total_in_currency_signed, amount_residual_signed,
                    payment_state, bodyshop_dossier_id, bodyshop_calculation_id,
                    bodyshop_invoice_role, invoice_partner_display_name,
                    sequence_prefix, sequence_number, posted_before,
                    create_uid, write_uid, create_date, write_date)
                SELECT 'SH' || (s.c + 1) || '/' || extract(year FROM s.intake)
                           || '/' || lpad(s.k::text, 5, '0') || '-' || role,
                       %(journal)s, d.company_id, %(currency)s,
                       (s.intake + interval '9 days')::date,
                       (s.intake + interval '9 days')::date, 'posted',
                       'out_invoice', 'no',
                       CASE WHEN role = 'payer' THEN d.payer_id
                            ELSE d.customer_id END,
                       CASE WHEN role = 'payer' THEN d.payer_id
                            ELSE d.customer_id END,
                       amount, round(amount * 0.21, 2), round(amount * 1.21, 2),
                       0, amount, round(amount * 0.21, 2), round(amount * 1.21, 2),
                       round(amount * 1.21, 2), 0, 'paid', d.id,
                       d.current_calculation_id, role, s.customer_name,
                       'SH' || (s.c + 1) || '/', s.k, true,
                       %(uid)s, %(uid)s, s.intake, s.intake
                  FROM scale_n s
                  JOIN bodyshop_dossier d ON d.id = s.dossier_id
                 CROSS JOIN LATERAL (VALUES ('payer', 1800.0), ('customer', 250.0))
                       AS roles (role, amount)
                 WHERE s.state = 'invoiced'
                   AND (role = 'payer' OR mod(s.n, 3) <> 0);
                """,
                **params,
            )
        )
        # A third of the dossiers had a courtesy car for three days; each car
        # of the branch in turn, so that no two bookings of a car overlap.
        cr.execute(
            SQL(
                """
                INSERT INTO bodyshop_courtesy_booking (
                    name, dossier_id, company_id, customer_id, vehicle_id,
                    date_start, date_end, state,
                    create_uid, write_uid, create_date, write_date)
                SELECT d.name, d.id, d.company_id, d.customer_id,
                       (cars.ids)[1 + mod(s.k / 3, %(cars)s)],
                       s.intake, s.intake + interval '3 days',
                       CASE WHEN s.intake + interval '3 days' < %(now)s
                            THEN 'returned' ELSE 'out' END,
                       %(uid)s, %(uid)s, s.intake, s.intake
                  FROM scale_n s
                  JOIN bodyshop_dossier d ON d.id = s.dossier_id
                  JOIN (SELECT company_id, array_agg(id ORDER BY id) AS ids
                          FROM fleet_vehicle WHERE is_courtesy_car
                         GROUP BY company_id) cars ON cars.company_id = d.company_id
                 WHERE mod(s.k, 3) = 0 AND s.state <> 'cancelled';
                """,
                cars=COURTESY_CARS,
                **params,
            )
        )
        cr.execute("DROP TABLE scale_n")
        self.env.invalidate_all()
        cr.commit()
        # What autovacuum would do in the next minutes, done now, so that it
        # does not run beside the measures (VACUUM needs its own connection,
        # outside a transaction).
        _name, dsn = connection_info_for(cr.dbname)
        with closing(psycopg2.connect(**dsn)) as connection:
            connection.autocommit = True
            with connection.cursor() as vacuum:
                for table in (
                    "res_partner",
                    "fleet_vehicle",
                    "bodyshop_dossier",
                    "bodyshop_calculation",
                    "bodyshop_calculation_line",
                    "bodyshop_approval",
                    "bodyshop_courtesy_booking",
                    "account_move",
                ):
                    vacuum.execute(SQL("VACUUM ANALYZE %s", SQL.identifier(table)).code)
        return time.perf_counter() - started

    def counts(self):
        self.cr.execute(
            """
            SELECT (SELECT count(*) FROM bodyshop_dossier),
                   (SELECT count(*) FROM bodyshop_calculation_line),
                   (SELECT count(*) FROM bodyshop_approval),
                   (SELECT count(*) FROM account_move
                     WHERE bodyshop_dossier_id IS NOT NULL),
                   (SELECT count(*) FROM bodyshop_courtesy_booking)
            """
        )
        return dict(
            zip(
                ("dossiers", "lines", "approvals", "invoices", "bookings"),
                self.cr.fetchone(),
                strict=True,
            )
        )


class Screens:
    """What the screens ask the server, as the web client asks it."""

    def __init__(self, scale, runs):
        self.scale = scale
        self.runs = runs
        base = scale.env
        self.branch_env = base(
            user=scale.managers[1],
            context={"allowed_company_ids": scale.branch.ids, "lang": "en_US"},
        )
        # Margins and Key Figures are the owner's: of one branch, of all.
        self.owner_branch_env = base(
            user=scale.owner,
            context={"allowed_company_ids": scale.branch.ids, "lang": "en_US"},
        )
        self.group_env = base(
            user=scale.owner,
            context={"allowed_company_ids": scale.companies.ids, "lang": "en_US"},
        )
        Dossier = self.branch_env["bodyshop.dossier"]
        search = Dossier.get_views([(False, "search")])["views"]["search"]["arch"]
        self.search_arch = etree.fromstring(search)
        self.kanban_spec = self.view_spec(Dossier, "kanban")
        self.list_spec = self.view_spec(Dossier, "list")

    @staticmethod
    def view_spec(model, view_type, view_id=False):
        """The fields the web client reads for a list, kanban or calendar."""
        views = model.get_views([(view_id, view_type)])
        arch = etree.fromstring(views["views"][view_type]["arch"])
        return arch_spec(arch, model._name, views["models"])

    def field_domain(self, field_name, value):
        node = self.search_arch.xpath(f"//field[@name='{field_name}']")[0]
        domain = node.get("filter_domain")
        if domain:
            return safe_eval(domain, {"self": value})
        return [(field_name, "ilike", value)]

    def measure(self, env, function):
        """Median and p95 of the runs in ms, and the queries of one run."""
        timings = []
        queries = None
        result = None
        for _run in range(self.runs):
            env.invalidate_all()
            count = env.cr.sql_log_count
            start = time.perf_counter()
            result = function(env)
            timings.append((time.perf_counter() - start) * 1000)
            queries = env.cr.sql_log_count - count
        return {
            "median": statistics.median(timings),
            "p95": percentile(timings, 0.95),
            "queries": queries,
            "result": result,
        }

    # the search bar of Damage Dossiers (the kanban view, as the action opens)

    def search(self, field_name, value):
        domain = self.field_domain(field_name, value)

        def run(env):
            result = env["bodyshop.dossier"].web_search_read(
                domain,
                self.kanban_spec,
                limit=40,
                order="intake_date desc, id desc",
                count_limit=10001,
            )
            return result["length"], [row["id"] for row in result["records"]]

        return self.measure(self.branch_env, run)

    def open_kanban(self):
        """The action's default: the open dossiers grouped by status, then the
        records of each group (40 per column)."""
        domain = self.field_filter("open")
        spec = self.kanban_spec

        def run(env):
            Dossier = env["bodyshop.dossier"]
            groups = Dossier.web_read_group(
                domain, ["state"], ["state"], lazy=True, orderby="state"
            )["groups"]
            total = 0
            for group in groups:
                if not group.get("state_count"):
                    continue
                result = Dossier.web_search_read(
                    group["__domain"],
                    spec,
                    limit=40,
                    order="intake_date desc, id desc",
                    count_limit=10001,
                )
                total += result["length"]
            return total

        return self.measure(self.branch_env, run)

    def open_list(self):
        domain = self.field_filter("open")

        def run(env):
            result = env["bodyshop.dossier"].web_search_read(
                domain,
                self.list_spec,
                limit=80,
                order="intake_date desc, id desc",
                count_limit=10001,
            )
            return result["length"]

        return self.measure(self.branch_env, run)

    def field_filter(self, name):
        node = self.search_arch.xpath(f"//filter[@name='{name}']")[0]
        return safe_eval(node.get("domain"), {"context_today": datetime.now})

    def form(self):
        """What the dossier form reads: its fields, and the records of its
        one2many lists and kanbans (40 each) with their subviews' fields."""
        Dossier = self.branch_env["bodyshop.dossier"]
        views = Dossier.get_views([(False, "form")])
        arch = etree.fromstring(views["views"]["form"]["arch"])
        spec = arch_spec(arch, Dossier._name, views["models"])
        dossier = self.scale.sample

        def run(env):
            [values] = dossier.with_env(env).web_read(spec)
            return (
                values["calculation_count"],
                len(values.get("photo_ids") or []),
            )

        return self.measure(self.branch_env, run)

    def calendar(self):
        Booking = self.branch_env["bodyshop.courtesy.booking"]
        spec = self.view_spec(Booking, "calendar")
        start = datetime.now().replace(day=1, hour=0, minute=0, second=0)
        end = (start + timedelta(days=32)).replace(day=1)
        domain = [("date_start", "<", end), ("date_end", ">=", start)]

        def run(env):
            result = env["bodyshop.courtesy.booking"].search_read(
                domain, list(spec), limit=None
            )
            return len(result)

        return self.measure(self.branch_env, run)

    def margins(self, env):
        """The Margins pivot (months x paying party type) of the last twelve
        months."""
        domain = [
            ("state", "in", ("delivered", "invoiced", "total_loss")),
            ("delivery_date", ">=", datetime.now() - timedelta(days=365)),
        ]
        measures = [
            "amount_invoiced:sum",
            "cost_parts:sum",
            "cost_sublet:sum",
            "cost_labour:sum",
            "cost_paint:sum",
            "labour_margin:sum",
            "margin:sum",
            "margin_percent:avg",
            "__count",
        ]

        def run(env):
            groups = env["bodyshop.dossier"].read_group(
                domain,
                measures,
                ["delivery_date:month", "payer_type"],
                lazy=False,
            )
            return sum(group["__count"] for group in groups)

        return self.measure(env, run)

    def key_figures(self, env):
        """The Key Figures pivot (months) of the last twelve months."""
        domain = [("intake_date", ">=", datetime.now() - timedelta(days=365))]
        measures = [
            "key_to_key_days:avg",
            "repair_cycle_days:avg",
            "approval_lead_days:avg",
            "supplement_rate:avg",
            "total_loss_rate:avg",
            "repair_amount:sum",
            "__count",
        ]

        def run(env):
            groups = env["bodyshop.kpi.report"].read_group(
                domain, measures, ["intake_date:month"], lazy=False
            )
            return sum(group["__count"] for group in groups)

        return self.measure(env, run)

    def explain(self, field_name, value):
        """The plan of the search's main query, as PostgreSQL runs it."""
        env = self.branch_env
        Dossier = env["bodyshop.dossier"]
        domain = self.field_domain(field_name, value)
        query = Dossier._search(domain, limit=40, order="intake_date desc, id desc")
        env.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) %s", query.select()))
        return "\n".join(row[0] for row in env.cr.fetchall())


def arch_spec(arch, model_name, models):
    """The web_read specification of a view's fields, as the web client
    builds it: display names of relations, subviews of one2many fields."""
    fields = models[model_name]["fields"]
    spec = {}
    for node in arch.iter("field"):
        if any(parent.tag == "field" for parent in node.iterancestors()):
            continue
        name = node.get("name")
        info = fields.get(name)
        if info is None:
            continue
        if info["type"] in ("one2many", "many2many"):
            subviews = [child for child in node if child.tag in ("list", "kanban")]
            if subviews:
                spec[name] = {
                    "fields": arch_spec(subviews[0], info["relation"], models),
                    "limit": 40,
                }
            else:
                spec[name] = {"fields": {"display_name": {}}}
        elif info["type"] == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        else:
            spec[name] = {}
    return spec


def main():
    args = parse_args()
    if args.measure_only:
        return measure_again(args)
    create_database(args.db, args.addons_path, modules="bodyshop", keep=args.keep)
    registry = open_registry(args.db, args.addons_path)
    print(f"Scale on {machine()}, sizes {args.sizes}, {args.runs} runs per measure")
    failures = []
    results = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        scale = Scale(env, args.sizes[-1])
        scale.setup()
        cr.commit()
        done = 0
        for size in args.sizes:
            seconds = scale.grow(done + 1, size)
            done = size
            counts = scale.counts()
            print(
                f"\n{counts['dossiers']:,} dossiers, {counts['lines']:,} lines, "
                f"{counts['approvals']:,} approvals, {counts['invoices']:,} "
                f"invoices, {counts['bookings']:,} bookings (written in "
                f"{seconds:.0f} s)",
                flush=True,
            )
            if counts["dossiers"] != size + 1:
                failures.append(f"{counts['dossiers']} dossiers, not {size + 1}")
            results[size] = measure_all(scale, args, failures)
            if args.explain:
                screens = Screens(scale, 1)
                for label, field_name, value in search_cases(args.sizes[0]):
                    print_plan(label, screens.explain(field_name, value))
    report_growth(results, args, failures)
    if failures:
        print("\nFAILED:")
        for failure in failures:
            print(f"  {failure}")
        sys.exit(1)


def measure_again(args):
    registry = open_registry(args.db, args.addons_path)
    failures = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        scale = Scale(env, args.sizes[-1])
        scale.load()
        counts = scale.counts()
        print(f"{counts['dossiers']:,} dossiers in {args.db}, {args.runs} runs")
        measure_all(scale, args, failures)
        if args.explain:
            screens = Screens(scale, 1)
            for label, field_name, value in search_cases(args.sizes[0]):
                print_plan(label, screens.explain(field_name, value))
    for failure in failures:
        print(f"FAILED: {failure}")
    sys.exit(1 if failures else 0)


def print_plan(label, plan):
    print(f"\n  EXPLAIN {label}:")
    print("    " + plan.replace("\n", "\n    "))


def search_cases(size):
    """What a damage manager types: an existing plate of the branch (with and
    without hyphens), its claim number and a customer's name."""
    # Dossier n of the branch (company index 1) at the oldest quarter of the
    # first size: present at every size.
    n = (size // 4) // BRANCHES * BRANCHES + 1
    plate = (
        PLATE_LETTERS[(n // 16000) % 16]
        + PLATE_LETTERS[(n // 1000) % 16]
        + f"-{n % 1000:03d}-"
        + PLATE_LETTERS[(n // 256000) % 16]
    )
    return [
        ("plate AB-123-C", "name", plate),
        ("plate AB123C", "name", plate.replace("-", "")),
        ("claim number", "name", f"-{n:07d}"),
        (
            "customer name",
            "customer_id",
            FIRST_NAMES[(n * 7) % len(FIRST_NAMES)]
            + " "
            + LAST_NAMES[(n // 7 * 13) % len(LAST_NAMES)],
        ),
    ]


def measure_all(scale, args, failures):
    screens = Screens(scale, args.runs)
    figures = {}
    for label, field_name, value in search_cases(args.sizes[0]):
        figure = screens.search(field_name, value)
        figures[f"search: {label}"] = figure
        length, _ids = figure["result"]
        # A plate or a claim number is one dossier; a name may be several.
        if not length or (field_name == "name" and length != 1):
            failures.append(f"search {label} ({value}) found {length} dossiers")
    figures["kanban of open dossiers"] = screens.open_kanban()
    figures["list of open dossiers"] = screens.open_list()
    figures["form: 5 versions, 40 photos"] = screens.form()
    if figures["form: 5 versions, 40 photos"]["result"] != (5, 40):
        failures.append(
            f"the sample form shows {figures['form: 5 versions, 40 photos']['result']}"
        )
    figures["courtesy calendar, a month"] = screens.calendar()
    figures["Margins, a year, branch"] = screens.margins(screens.owner_branch_env)
    figures["Margins, a year, group"] = screens.margins(screens.group_env)
    figures["Key Figures, a year, branch"] = screens.key_figures(
        screens.owner_branch_env
    )
    figures["Key Figures, a year, group"] = screens.key_figures(screens.group_env)
    for label, figure in figures.items():
        result = figure["result"]
        shown = result[0] if isinstance(result, tuple) else result
        print(
            f"  {label:<32} median {figure['median']:7.1f} ms  p95 "
            f"{figure['p95']:7.1f} ms  {figure['queries']:3d} queries  "
            f"({shown} found)",
            flush=True,
        )
    return figures


def report_growth(results, args, failures):
    sizes = args.sizes
    if len(sizes) < 2:
        return
    low, high = results[sizes[0]], results[sizes[-1]]
    print(f"\nGrowth from {sizes[0]:,} to {sizes[-1]:,} dossiers:")
    for label in low:
        a, b = low[label], high[label]
        print(
            f"  {label:<32} p95 {a['p95']:6.1f} -> {b['p95']:6.1f} ms "
            f"(x{b['p95'] / a['p95']:.2f}), queries {a['queries']} -> "
            f"{b['queries']}",
            flush=True,
        )
        if args.check and b["queries"] > a["queries"]:
            failures.append(
                f"{label}: {a['queries']} queries at {sizes[0]}, "
                f"{b['queries']} at {sizes[-1]}"
            )
    searches = [label for label in high if label.startswith("search")]
    slow = [label for label in searches if high[label]["p95"] >= 50]
    print(
        f"  target search p95 < 50 ms at {sizes[-1]:,}: "
        + ("met" if not slow else "MISSED (" + ", ".join(slow) + ")")
    )


if __name__ == "__main__":
    main()
