"""Load test with faults: Odoo with 4 HTTP workers and a cron worker on
127.0.0.1, 40 schademanagers' clients for 120 seconds, one HTTP worker killed
(kill -9) at a third of the run and PostgreSQL restarted at two thirds.

    python3 benchmarks/load.py --addons-path=<odoo addons>,<folder holding bodyshop>
    python3 benchmarks/load.py ... --clients 10 --duration 20 --no-restart  # CI

Everything runs in a PostgreSQL cluster of its own (initdb into a temporary
folder, its own port and socket, a role "odooload", trust on 127.0.0.1),
removed afterwards: the machine's PostgreSQL is never touched, let alone
restarted.

Each client logs in as one of the damage managers (the web client's session,
/web/session/authenticate, then /web/dataset/call_kw as the web client calls
it) and takes cars through the whole process: the intake wizard, the
calculation and its lines, send, approve, order the parts (confirm the RFQs,
receive), check in, start the repair, the final calculation sent and
approved, ready, the delivery wizard, the invoices; and reads the list of
open dossiers. A request that fails for a reason that is not a refusal of
the user's input (connection reset, a 5xx, a database error) is retried, as
a user clicks again, at most 8 times with a short back-off; before a
workflow button is retried, the client reads whether its step has been done.
An intake carries the client's request key, so a retried intake never makes
a second dossier.

Afterwards the database is checked: every dossier, calculation, approval and
invoice a client was told about exists exactly once, nothing is doubled, no
record is half-written. Exits 1 when something was lost, doubled or
half-written.
"""

import argparse
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import psycopg2
import requests
from common import machine, percentile


def postgresql_bin():
    """The folder of the machine's PostgreSQL server programs (initdb,
    pg_ctl): $PG_BIN, the PATH, or Debian's /usr/lib/postgresql/<version>."""
    if os.environ.get("PG_BIN"):
        return os.environ["PG_BIN"]
    initdb = shutil.which("initdb")
    if initdb:
        return os.path.dirname(os.path.realpath(initdb))
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: (
            int(path.split("/")[-3]) if path.split("/")[-3].isdigit() else 0
        ),
    )
    if not versions:
        sys.exit("The load test needs PostgreSQL's server programs (initdb, pg_ctl).")
    return os.path.dirname(versions[-1])


PG_BIN = postgresql_bin()
PG_ROLE = "odooload"
DB = "bodyshop_load"
TIMEOUT = 30  # seconds a request may take
ATTEMPTS = 8  # tries of one request, the first included
GRACE = 30  # seconds after the deadline in which a retry may still finish
# Errors of the user's input or rights: the server refused, a retry would not
# change that (a fault never raises them).
REFUSALS = (
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.MissingError",
    "odoo.exceptions.RedirectWarning",
)
PHASES = ("before kill", "after kill", "after PG restart")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ------------------------------------------------------------------
# The cluster of the load test
# ------------------------------------------------------------------


class Cluster:
    """A throwaway PostgreSQL 15 cluster in a temporary folder."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="bodyshop-load-pg.")
        self.data = os.path.join(self.root, "data")
        self.sockets = os.path.join(self.root, "run")
        self.log = os.path.join(self.root, "postgresql.log")
        self.port = free_port()
        os.makedirs(self.sockets)
        # initdb refuses root: the cluster belongs to the postgres OS user.
        self.as_user = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.sockets, "postgres")
            os.chmod(self.root, 0o755)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *command, check=True):
        return subprocess.run(
            [*self.as_user, *command],
            check=check,
            capture_output=True,
            text=True,
        )

    def create(self):
        self._run(
            f"{PG_BIN}/initdb",
            "-D",
            self.data,
            "-U",
            PG_ROLE,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        with open(os.path.join(self.data, "postgresql.auto.conf"), "a") as conf:
            conf.write(
                f"port = {self.port}\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.sockets}'\n"
                "max_connections = 400\n"
                "shared_buffers = 256MB\n"
            )
        self.start()

    def start(self):
        self._run(f"{PG_BIN}/pg_ctl", "-D", self.data, "-l", self.log, "-w", "start")

    def restart(self):
        self._run(
            f"{PG_BIN}/pg_ctl",
            "-D",
            self.data,
            "-l",
            self.log,
            "-m",
            "fast",
            "-w",
            "restart",
        )

    def destroy(self):
        self._run(
            f"{PG_BIN}/pg_ctl", "-D", self.data, "-m", "fast", "stop", check=False
        )
        shutil.rmtree(self.root, ignore_errors=True)

    def connect(self):
        return psycopg2.connect(
            host="127.0.0.1", port=self.port, user=PG_ROLE, dbname=DB
        )

    def odoo_args(self):
        return [
            "--db_host=127.0.0.1",
            f"--db_port={self.port}",
            f"--db_user={PG_ROLE}",
        ]


SETUP = """
company = env.company
env["account.chart.template"].try_loading("nl", company, install_demo=False)
company.country_id = env.ref("base.nl")
company.bodyshop_invoice_post = True
company.email = "schade@load.example.com"
Partner = env["res.partner"]
ids = {
    "company": company.id,
    "belgium": env.ref("base.be").id,
    "customer": Partner.create({"name": "Load Klant"}).id,
    "insurer": Partner.create({"name": "Load Verzekeraar", "is_company": True}).id,
    "supplier": Partner.create({"name": "Load Onderdelen", "is_company": True}).id,
    "users": [],
}
groups = [
    env.ref("base.group_user").id,
    env.ref("bodyshop.group_bodyshop_user").id,
    env.ref("account.group_account_invoice").id,
]
for number in range(1, USERS + 1):
    user = env["res.users"].create({
        "name": f"Schademanager {number}",
        "login": f"sm{number}",
        "password": f"sm{number}",
        "email": f"sm{number}@load.example.com",
        "company_id": company.id,
        "company_ids": [(6, 0, company.ids)],
        "groups_id": [(6, 0, groups)],
        "tz": "Europe/Amsterdam",
    })
    ids["users"].append(user.login)
env.cr.commit()
print("IDS " + json.dumps(ids))
"""


def install(cluster, addons_path, users):
    print(f"Installing bodyshop into {DB} on its own cluster...", flush=True)
    odoo = [sys.executable, "-m", "odoo"]
    subprocess.run(
        [
            *odoo,
            "-d",
            DB,
            *cluster.odoo_args(),
            f"--addons-path={addons_path}",
            "-i",
            "bodyshop",
            "--without-demo=all",
            "--stop-after-init",
            "--no-http",
            "--log-level=warn",
        ],
        check=True,
    )
    shell = subprocess.run(
        [
            *odoo,
            "shell",
            "-d",
            DB,
            *cluster.odoo_args(),
            f"--addons-path={addons_path}",
            "--no-http",
            "--log-level=warn",
        ],
        input=f"import json\nUSERS = {users}\n" + SETUP,
        check=True,
        capture_output=True,
        text=True,
    )
    for line in shell.stdout.splitlines():
        if line.startswith("IDS "):
            return json.loads(line[4:])
    raise RuntimeError(f"the setup did not finish: {shell.stdout}\n{shell.stderr}")


# ------------------------------------------------------------------
# The clients
# ------------------------------------------------------------------


class RpcError(Exception):
    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name = name
        self.refusal = name in REFUSALS


class Run:
    """What the clients share: the clock, the phase, the results."""

    def __init__(self, url, ids, duration):
        self.url = url
        self.ids = ids
        self.key = uuid.uuid4().hex[:8]
        self.started = time.time()
        self.deadline = self.started + duration
        self.phase = 0
        self.lock = threading.Lock()
        self.requests = []  # (phase, seconds, ok)
        self.errors = {phase: [] for phase in range(len(PHASES))}
        self.retried_ok = [0] * len(PHASES)
        self.unrecovered = []
        self.refused = []


class Client(threading.Thread):
    def __init__(self, run, number, login):
        super().__init__(daemon=True)
        self.run_ = run
        self.number = number
        self.login = login
        self.session = requests.Session()
        self.context = {
            "lang": "en_US",
            "tz": "Europe/Amsterdam",
            "allowed_company_ids": [run.ids["company"]],
        }
        self.dossiers = {}  # request key -> dossier id, as the server confirmed
        self.calculations = set()
        self.approvals = set()
        self.invoices = set()
        self.cases = 0

    # transport

    def _post(self, path, params):
        run = self.run_
        phase = run.phase
        start = time.perf_counter()
        ok = False
        try:
            response = self.session.post(
                f"{run.url}{path}",
                json={"jsonrpc": "2.0", "method": "call", "params": params},
                timeout=TIMEOUT,
            )
            if response.status_code >= 500:
                raise RpcError("HTTP", f"{response.status_code} {response.reason}")
            data = response.json()
            if "error" in data:
                error = data["error"].get("data") or {}
                raise RpcError(
                    error.get("name", "error"),
                    (error.get("message") or str(data["error"]))[:200],
                )
            ok = True
            return data["result"]
        except (requests.RequestException, ValueError) as error:
            raise RpcError(type(error).__name__, str(error)[:200]) from error
        finally:
            with run.lock:
                run.requests.append((phase, time.perf_counter() - start, ok))

    def authenticate(self):
        self._post(
            "/web/session/authenticate",
            {"db": DB, "login": self.login, "password": self.login},
        )

    def call(self, model, method, *args, done=None, **kwargs):
        """Call ``method`` as the web client does; retry a failure that is
        not a refusal. ``done()``, when given, is asked before a retry: it
        returns the step's result when the failed attempt did it after all."""
        run = self.run_
        kwargs.setdefault("context", self.context)
        params = {
            "model": model,
            "method": method,
            "args": list(args),
            "kwargs": kwargs,
        }
        failed = False
        last = None
        for attempt in range(ATTEMPTS):
            if attempt:
                time.sleep(min(0.25 * 2 ** (attempt - 1), 3.0))
                if time.time() > run.deadline + GRACE:
                    break
                try:
                    if "SessionExpired" in last.name:
                        self.authenticate()
                    if done is not None:
                        result = done()
                        if result is not None:
                            with run.lock:
                                run.retried_ok[run.phase] += 1
                            return result
                except RpcError as error:
                    last = error
                    self._record(error, model, method)
                    continue
            try:
                result = self._post(f"/web/dataset/call_kw/{model}/{method}", params)
            except RpcError as error:
                last = error
                if error.refusal:
                    with run.lock:
                        run.refused.append(f"{model}.{method}: {error}")
                    raise
                self._record(error, model, method)
                failed = True
                continue
            if failed:
                with run.lock:
                    run.retried_ok[run.phase] += 1
            return result
        with run.lock:
            run.unrecovered.append(f"{model}.{method}: {last}")
        raise last

    def _record(self, error, model, method):
        run = self.run_
        with run.lock:
            run.errors[run.phase].append(f"{model}.{method}: {error}")

    def read(self, model, ids, fields):
        return self.call(model, "read", ids, fields)

    def search_read(self, model, domain, fields, **kwargs):
        return self.call(model, "search_read", domain, fields, **kwargs)

    # the schademanager's day

    def warm_up(self):
        """Log in and read the list once, before the clock starts (the first
        requests of a worker build its routing map and caches)."""
        self.authenticate()
        self.list_open()

    def run(self):
        run = self.run_
        number = 0
        while time.time() < run.deadline:
            number += 1
            try:
                self.case(number)
            except RpcError:
                # Reported; the next car.
                continue
            except Exception as error:  # noqa: BLE001  a client never dies
                with run.lock:
                    run.unrecovered.append(f"client {self.number}: {error!r}")

    def step(self):
        if time.time() >= self.run_.deadline:
            raise StopIteration

    def case(self, number):
        try:
            self._case(number)
        except StopIteration:
            pass

    def _case(self, number):
        ids = self.run_.ids
        key = f"load-{self.run_.key}-{self.number}-{number}"
        intake = {
            "license_plate": f"L{self.number}-{number}-{self.run_.key[:4]}",
            "plate_country_id": ids["belgium"],
            "brand_name": "Load",
            "model_name": "L1",
            "fuel_type": "gasoline",
            "customer_id": ids["customer"],
            "payer_type": "insurer",
            "payer_id": ids["insurer"],
            "claim_number": key,
            "request_key": key,
            "damage_description": "Voorbumper en koplamp",
        }
        self.step()
        wizard = self.call("bodyshop.intake.wizard", "create", intake)
        action = self.call("bodyshop.intake.wizard", "action_create_dossier", [wizard])
        dossier = action["res_id"]
        self.dossiers[key] = dossier
        self.list_open()

        self.step()
        action = self.call("bodyshop.dossier", "action_start_calculation", [dossier])
        calc = action["res_id"]
        self.calculations.add(calc)
        self.add_lines(calc)
        self.send_and_approve(calc)

        self.step()
        self.order_parts(dossier)
        self.step()
        self.call(
            "bodyshop.checkin.wizard",
            "action_confirm",
            [self.call("bodyshop.checkin.wizard", "create", {"dossier_id": dossier})],
            done=lambda: self._dossier(dossier, "checkin_date")["checkin_date"] or None,
        )
        self.button(dossier, "action_start_repair", ("repair", "ready", "delivered"))

        self.step()
        action = self.call(
            "bodyshop.calculation",
            "action_new_version",
            [calc],
            calc_type="final",
            done=lambda: self._final(dossier),
        )
        final = action["res_id"]
        self.calculations.add(final)
        self.send_and_approve(final)
        self.button(dossier, "action_ready", ("ready", "delivered", "invoiced"))
        self.list_open()

        self.step()
        self.deliver(dossier)
        self.step()
        self.call(
            "bodyshop.dossier",
            "action_create_invoices",
            [dossier],
            done=lambda: self._invoices(dossier) or None,
        )
        self.invoices.update(self._invoices(dossier))
        self.cases += 1

    def list_open(self):
        self.call(
            "bodyshop.dossier",
            "web_search_read",
            [("state", "not in", ["delivered", "invoiced", "total_loss", "cancelled"])],
            {
                "name": {},
                "license_plate": {},
                "state": {},
                "customer_id": {"fields": {"display_name": {}}},
                "payer_id": {"fields": {"display_name": {}}},
                "calculation_amount": {},
            },
            limit=80,
        )

    def _dossier(self, dossier, *fields):
        return self.read("bodyshop.dossier", [dossier], list(fields))[0]

    def _final(self, dossier):
        current = self._dossier(dossier, "current_calculation_id")
        calc_id = current["current_calculation_id"][0]
        calc = self.read("bodyshop.calculation", [calc_id], ["calc_type"])[0]
        if calc["calc_type"] == "final":
            return {"res_id": calc_id}
        return None

    def _invoices(self, dossier):
        rows = self.search_read(
            "account.move",
            [("bodyshop_dossier_id", "=", dossier), ("move_type", "=", "out_invoice")],
            ["id"],
        )
        return [row["id"] for row in rows]

    def button(self, dossier, method, reached):
        self.step()
        self.call(
            "bodyshop.dossier",
            method,
            [dossier],
            done=lambda: self._dossier(dossier, "state")["state"] in reached or None,
        )

    def add_lines(self, calc):
        supplier = self.run_.ids["supplier"]
        lines = [
            [
                0,
                0,
                {
                    "line_type": "labour",
                    "labour_type": labour_type,
                    "name": f"Arbeid {labour_type}",
                    "labour_units": 12 + i,
                },
            ]
            for i, labour_type in enumerate(("body", "paint", "mechanical"))
        ] + [
            [
                0,
                0,
                {
                    "line_type": "part",
                    "name": f"Onderdeel {i}",
                    "part_number": f"P-{i}",
                    "quantity": 1,
                    "price_unit": 100.0 + i,
                    "vendor_id": supplier,
                },
            ]
            for i in range(2)
        ]
        self.step()
        self.call(
            "bodyshop.calculation",
            "write",
            [calc],
            {"line_ids": lines},
            done=lambda: (
                self.read("bodyshop.calculation", [calc], ["line_ids"])[0]["line_ids"]
                or None
            ),
        )

    def send_and_approve(self, calc):
        def state():
            return self.read("bodyshop.calculation", [calc], ["state"])[0]["state"]

        self.step()
        self.call(
            "bodyshop.calculation",
            "action_send",
            [calc],
            done=lambda: state() != "draft" or None,
        )
        approvals = self.search_read(
            "bodyshop.approval", [("calculation_id", "=", calc)], ["id", "state"]
        )
        self.approvals.update(row["id"] for row in approvals)
        self.step()
        approval = approvals[0]["id"]
        self.call(
            "bodyshop.approval",
            "action_approve",
            [approval],
            reference=f"AUTH-{calc}",
            done=lambda: (
                self.read("bodyshop.approval", [approval], ["state"])[0]["state"]
                != "pending"
                or None
            ),
        )

    def order_parts(self, dossier):
        def orders():
            return self.search_read(
                "purchase.order",
                [("bodyshop_dossier_id", "=", dossier)],
                ["id", "state", "order_line"],
            )

        self.call(
            "bodyshop.dossier",
            "action_order_parts",
            [dossier],
            done=lambda: orders() or None,
        )
        for order in orders():
            if order["state"] in ("draft", "sent"):
                self.step()
                self.call(
                    "purchase.order",
                    "button_confirm",
                    [order["id"]],
                    done=lambda order=order: (
                        self.read("purchase.order", [order["id"]], ["state"])[0][
                            "state"
                        ]
                        == "purchase"
                        or None
                    ),
                )
            lines = self.read(
                "purchase.order.line", order["order_line"], ["product_qty"]
            )
            self.step()
            for line in lines:
                # Received (without stock, the quantity is written by hand).
                self.call(
                    "purchase.order.line",
                    "write",
                    [line["id"]],
                    {"qty_received": line["product_qty"]},
                )

    def deliver(self, dossier):
        def delivered():
            state = self._dossier(dossier, "state")["state"]
            return state in ("delivered", "invoiced") or None

        wizard = self.call(
            "bodyshop.delivery.wizard", "create", {"dossier_id": dossier}
        )
        lines = self.read("bodyshop.delivery.wizard", [wizard], ["line_ids"])[0][
            "line_ids"
        ]
        self.call(
            "bodyshop.delivery.wizard",
            "write",
            [wizard],
            {"line_ids": [[1, line, {"result": "ok"}] for line in lines]},
        )
        self.call(
            "bodyshop.delivery.wizard", "action_confirm", [wizard], done=delivered
        )


# ------------------------------------------------------------------
# Faults and the probe
# ------------------------------------------------------------------


def processes(session):
    """(pid, parent, nice, command line) of the processes of ``session``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode()
        except OSError:
            continue
        # After the name: state, ppid, pgrp, session, ... nice (the 17th).
        if int(fields[3]) == session:
            found.append((int(entry), int(fields[1]), int(fields[16]), command))
    return found


def http_workers(session):
    """The prefork master's HTTP workers: its children but the cron worker
    (which runs at nice 10) and the gevent process."""
    tree = processes(session)
    master = max(
        (pid for pid, *_rest in tree),
        key=lambda pid: sum(1 for row in tree if row[1] == pid),
    )
    nice = next(row[2] for row in tree if row[0] == master)
    return [
        pid
        for pid, parent, own_nice, command in tree
        if parent == master and own_nice == nice and " gevent " not in command
    ]


class Probe(threading.Thread):
    """A cheap call needing the database every 100 ms: when the service
    answers."""

    def __init__(self, url, stop):
        super().__init__(daemon=True)
        self.url = url
        self.stop = stop
        self.session = requests.Session()
        self.results = []  # (sent at, answered or failed at, ok)

    def run(self):
        self.session.post(
            f"{self.url}/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"db": DB, "login": "sm1", "password": "sm1"},
            },
            timeout=TIMEOUT,
        )
        while not self.stop.is_set():
            sent = time.time()
            ok = False
            try:
                response = self.session.post(
                    f"{self.url}/web/dataset/call_kw/res.partner/search_count",
                    json={
                        "jsonrpc": "2.0",
                        "method": "call",
                        "params": {
                            "model": "res.partner",
                            "method": "search_count",
                            "args": [[]],
                            "kwargs": {},
                        },
                    },
                    # Slow under load is not down: a probe fails when the
                    # service refuses, errs or takes longer than 10 s.
                    timeout=10,
                )
                ok = response.status_code == 200 and "result" in response.json()
            except (requests.RequestException, ValueError):
                pass
            self.results.append((sent, time.time(), ok))
            time.sleep(max(0.0, 0.1 - (time.time() - sent)))

    def recovery(self, at, until):
        """After a fault at ``at`` (until the next one): the seconds until the
        service answers again (the answer of the first probe sent after the
        first failed one), the failed probes, and when the last one failed.
        A probe belongs to the fault before its answer: one sent just before
        a fault that fails because of it counts for that fault."""
        after = [row for row in self.results if at <= row[1] < until]
        failed = [row for row in after if not row[2]]
        if not failed:
            return 0.0, 0, None
        back = next(
            (done for sent, done, ok in after if ok and sent >= failed[0][0]), None
        )
        return (back - at if back else None), len(failed), failed[-1][1] - at


# ------------------------------------------------------------------
# The check afterwards
# ------------------------------------------------------------------


DOUBLED = [
    (
        (
            "SELECT dossier_id, calc_type, count(*) FROM bodyshop_calculation "
            "WHERE dossier_id IN %s GROUP BY 1, 2 HAVING count(*) > 1"
        ),
        "doubled: dossier {0} has {2} {1} versions",
    ),
    (
        (
            "SELECT calculation_id, count(*) FROM bodyshop_approval a "
            "JOIN bodyshop_calculation c ON c.id = a.calculation_id "
            "WHERE c.dossier_id IN %s GROUP BY 1 HAVING count(*) > 1"
        ),
        "doubled: calculation {0} has {1} approvals",
    ),
    (
        (
            "SELECT bodyshop_dossier_id, partner_id, count(*) FROM purchase_order "
            "WHERE bodyshop_dossier_id IN %s GROUP BY 1, 2 HAVING count(*) > 1"
        ),
        "doubled: dossier {0} has {2} purchase orders to partner {1}",
    ),
    (
        (
            "SELECT l.id, sum(p.product_qty), l.quantity "
            "FROM bodyshop_calculation_line l "
            "JOIN purchase_order_line p ON p.bodyshop_calculation_line_id = l.id "
            "JOIN bodyshop_calculation c ON c.id = l.calculation_id "
            "WHERE c.dossier_id IN %s GROUP BY l.id "
            "HAVING sum(p.product_qty) > l.quantity"
        ),
        "doubled: calculation line {0} ordered {1} times of {2}",
    ),
    (
        (
            "SELECT bodyshop_dossier_id, bodyshop_invoice_role, count(*) "
            "FROM account_move WHERE bodyshop_dossier_id IN %s AND state = 'posted' "
            "AND move_type = 'out_invoice' GROUP BY 1, 2 HAVING count(*) > 1"
        ),
        "doubled: dossier {0}: the {1} is invoiced {2} times",
    ),
]

# A half-written record: a dossier without number, customer, vehicle, payer
# or analytic account; a calculation whose stored totals differ from its
# lines; a sent calculation without a pending approval, an approved one
# without its approval; a dossier whose state its calculation contradicts; a
# posted invoice without lines; an invoiced dossier without posted invoice.
HALF_WRITTEN = [
    (
        (
            "SELECT id FROM bodyshop_dossier WHERE id IN %s AND (name IS NULL "
            "OR name = 'New' OR customer_id IS NULL OR vehicle_id IS NULL "
            "OR payer_id IS NULL OR analytic_account_id IS NULL)"
        ),
        (
            "half-written dossier {0}: number, customer, vehicle, payer or "
            "analytic account missing"
        ),
    ),
    (
        (
            "SELECT c.id, c.amount_labour, c.amount_parts, c.amount_untaxed "
            "FROM bodyshop_calculation c WHERE c.dossier_id IN %s AND ("
            "abs(c.amount_labour - coalesce((SELECT sum(price_subtotal) FROM "
            "bodyshop_calculation_line l WHERE l.calculation_id = c.id AND "
            "l.line_type = 'labour' AND l.display_type IS NULL), 0)) > 0.005 OR "
            "abs(c.amount_parts - coalesce((SELECT sum(price_subtotal) FROM "
            "bodyshop_calculation_line l WHERE l.calculation_id = c.id AND "
            "l.line_type = 'part' AND l.display_type IS NULL), 0)) > 0.005 OR "
            "abs(c.amount_untaxed - (c.amount_labour + c.amount_paint_material + "
            "c.amount_parts + c.amount_small_parts + c.amount_sublet + "
            "c.amount_other)) > 0.005)"
        ),
        "half-written calculation {0}: totals {1}/{2}/{3} differ from its lines",
    ),
    (
        (
            "SELECT c.id, c.state FROM bodyshop_calculation c WHERE c.dossier_id IN %s "
            "AND ((c.state IN ('approved', 'superseded') AND NOT EXISTS (SELECT 1 "
            "FROM bodyshop_approval a WHERE a.calculation_id = c.id AND a.state IN "
            "('approved', 'partial'))) OR (c.state = 'sent' AND NOT EXISTS (SELECT 1 "
            "FROM bodyshop_approval a WHERE a.calculation_id = c.id AND a.state = "
            "'pending')))"
        ),
        "half-written: calculation {0} is {1} without its approval",
    ),
    (
        (
            "SELECT d.id, d.state, c.state FROM bodyshop_dossier d "
            "LEFT JOIN bodyshop_calculation c ON c.id = d.current_calculation_id "
            "WHERE d.id IN %s AND ((d.state = 'approval' AND c.state IS DISTINCT "
            "FROM 'sent') OR (d.state IN ('approved', 'ready', 'delivered', "
            "'invoiced') AND c.state IS DISTINCT FROM 'approved'))"
        ),
        "half-written: dossier {0} is {1} but its calculation {2}",
    ),
    (
        (
            "SELECT m.id FROM account_move m WHERE m.bodyshop_dossier_id IN %s AND "
            "m.state = 'posted' AND NOT EXISTS (SELECT 1 FROM account_move_line l "
            "WHERE l.move_id = m.id AND l.display_type = 'product')"
        ),
        "half-written: posted invoice {0} has no lines",
    ),
    (
        (
            "SELECT d.id FROM bodyshop_dossier d WHERE d.id IN %s AND (d.state = "
            "'invoiced' OR d.invoiced_calculation_id IS NOT NULL) AND NOT EXISTS ("
            "SELECT 1 FROM account_move m WHERE m.bodyshop_dossier_id = d.id "
            "AND m.state = 'posted')"
        ),
        "half-written: dossier {0} is invoiced without a posted invoice",
    ),
]

COUNTS = {
    "dossiers": "SELECT count(*) FROM bodyshop_dossier WHERE id IN %s",
    "calculations": "SELECT count(*) FROM bodyshop_calculation WHERE dossier_id IN %s",
    "approvals": "SELECT count(*) FROM bodyshop_approval a "
    "JOIN bodyshop_calculation c ON c.id = a.calculation_id "
    "WHERE c.dossier_id IN %s",
    "purchase orders": "SELECT count(*) FROM purchase_order "
    "WHERE bodyshop_dossier_id IN %s",
    "posted invoices": "SELECT count(*) FROM account_move "
    "WHERE bodyshop_dossier_id IN %s AND state = 'posted'",
    "invoiced dossiers": "SELECT count(*) FROM bodyshop_dossier "
    "WHERE id IN %s AND state = 'invoiced'",
}


def check(cluster, run, clients):
    """Return the problems found: lost, doubled, half-written."""
    problems = []
    dossiers = {}
    for client in clients:
        dossiers.update(client.dossiers)
    calculations = set().union(*(c.calculations for c in clients))
    approvals = set().union(*(c.approvals for c in clients))
    invoices = set().union(*(c.invoices for c in clients))
    prefix = f"load-{run.key}-%"
    with cluster.connect() as conn, conn.cursor() as cr:

        def rows(query, *params):
            cr.execute(query, params)
            return cr.fetchall()

        # Every confirmed record exists, exactly once.
        stored = rows(
            "SELECT request_key, array_agg(id) FROM bodyshop_dossier "
            "WHERE request_key LIKE %s GROUP BY request_key",
            prefix,
        )
        by_key = dict(stored)
        for key, dossier_id in dossiers.items():
            if key not in by_key:
                problems.append(f"lost dossier {key} (id {dossier_id})")
            elif by_key[key] != [dossier_id]:
                problems.append(
                    f"dossier {key}: told {dossier_id}, stored {by_key[key]}"
                )
        for key, found in by_key.items():
            if len(found) > 1:
                problems.append(f"doubled dossier {key}: {found}")
        unconfirmed = set(by_key) - set(dossiers)
        run_dossiers = [i for found in by_key.values() for i in found]
        for table, told in (
            ("bodyshop_calculation", calculations),
            ("bodyshop_approval", approvals),
            ("account_move", invoices),
        ):
            if told:
                present = {
                    r[0]
                    for r in rows(f"SELECT id FROM {table} WHERE id IN %s", tuple(told))
                }
                problems += [f"lost {table} {i}" for i in sorted(told - present)]
        if not run_dossiers:
            return problems, {"dossiers": 0}, unconfirmed
        dossier_ids = tuple(run_dossiers)
        # Doubled: one estimate and one final version per dossier, one
        # approval per version, one purchase order per supplier, one order
        # per calculation line, one posted invoice per dossier and role.
        # Half-written: see HALF_WRITTEN.
        for query, message in DOUBLED + HALF_WRITTEN:
            for row in rows(query, dossier_ids):
                problems.append(message.format(*row))
        counts = {
            name: rows(query, dossier_ids)[0][0] for name, query in COUNTS.items()
        }
    return problems, counts, unconfirmed


# ------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--duration", type=float, default=120.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--users", type=int, default=4, help="damage managers")
    parser.add_argument(
        "--no-kill", action="store_true", help="do not kill an HTTP worker"
    )
    parser.add_argument(
        "--no-restart", action="store_true", help="do not restart PostgreSQL"
    )
    return parser.parse_args()


def main():
    args = parse_args()
    cluster = Cluster()
    server = None
    try:
        cluster.create()
        ids = install(cluster, args.addons_path, args.users)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = os.path.join(tempfile.gettempdir(), f"bodyshop-load-{os.getpid()}.log")
        # The odoo script, not "python -m odoo": the prefork server starts its
        # long-polling process again from its own command line.
        odoo_bin = shutil.which("odoo")
        command = [odoo_bin] if odoo_bin else [sys.executable, "-m", "odoo"]
        server = subprocess.Popen(
            [
                *command,
                "-d",
                DB,
                *cluster.odoo_args(),
                f"--addons-path={args.addons_path}",
                f"--workers={args.workers}",
                "--max-cron-threads=1",
                "--http-interface=127.0.0.1",
                f"--http-port={port}",
                f"--gevent-port={free_port()}",
                f"--db-filter=^{DB}$",
                "--log-level=info",
                f"--logfile={log}",
            ],
            start_new_session=True,
        )
        for _attempt in range(240):
            try:
                requests.get(f"{url}/web/login", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.5)
        faults = []
        if not args.no_kill:
            faults.append(("kill", args.duration / 3))
        if not args.no_restart:
            faults.append(("restart", args.duration * 2 / 3))
        print(f"Odoo log: {log}")
        print(
            f"Load on {machine()}: {args.clients} clients ({args.users} damage "
            f"managers), {args.duration:.0f} s, Odoo with {args.workers} HTTP "
            f"workers and a cron worker at {url}, PostgreSQL 15 of its own on "
            f"port {cluster.port}; faults: "
            + (", ".join(f"{name} at {at:.0f} s" for name, at in faults) or "none"),
            flush=True,
        )
        run = Run(url, ids, args.duration)
        clients = [
            Client(run, n + 1, ids["users"][n % len(ids["users"])])
            for n in range(args.clients)
        ]
        warm = [threading.Thread(target=client.warm_up) for client in clients]
        for thread in warm:
            thread.start()
        for thread in warm:
            thread.join()
        run.requests.clear()
        stop = threading.Event()
        probe = Probe(url, stop)
        probe.start()
        run.started = time.time()
        run.deadline = run.started + args.duration
        for client in clients:
            client.start()
        fault_log = []
        for name, at in faults:
            time.sleep(max(0.0, run.started + at - time.time()))
            moment = time.time()
            if name == "kill":
                run.phase = 1
                victim = http_workers(server.pid)[0]
                os.kill(victim, signal.SIGKILL)
                fault_log.append((name, moment, f"kill -9 HTTP worker {victim}"))
            else:
                run.phase = 2
                cluster.restart()
                seconds = time.time() - moment
                fault_log.append(
                    (name, moment, f"pg_ctl restart -m fast ({seconds:.1f} s)")
                )
        for client in clients:
            client.join()
        elapsed = time.time() - run.started
        time.sleep(0.5)
        stop.set()
        probe.join(timeout=5)
        report(run, clients, elapsed, probe, fault_log)
        problems, counts, unconfirmed = check(cluster, run, clients)
        print("  counts checked  " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        print(
            f"  confirmed       {sum(len(c.dossiers) for c in clients)} dossiers, "
            f"{sum(len(c.calculations) for c in clients)} calculations, "
            f"{sum(len(c.approvals) for c in clients)} approvals, "
            f"{sum(len(c.invoices) for c in clients)} invoices told to the clients; "
            f"{len(unconfirmed)} dossiers stored whose intake answer never reached "
            "its client"
        )
        if problems:
            print(
                f"  VERDICT: {len(problems)} problems (lost, doubled or half-written):"
            )
            for problem in problems[:40]:
                print(f"    {problem}")
            return 1
        print("  VERDICT: nothing lost, nothing doubled")
        return 0
    finally:
        if server:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        cluster.destroy()


def report(run, clients, elapsed, probe, fault_log):
    latencies = [seconds for _phase, seconds, _ok in run.requests]
    print(
        f"  requests        {len(latencies)} in {elapsed:.1f} s: "
        f"{len(latencies) / elapsed:.1f} requests/s; "
        f"{sum(c.cases for c in clients)} cars taken from intake to invoice"
    )
    print(
        f"  latency         p50 {percentile(latencies, 0.50) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms"
    )
    for number, phase in enumerate(PHASES):
        if number > len(fault_log):
            break
        done = [r for r in run.requests if r[0] == number]
        errors = run.errors[number]
        print(
            f"  {phase:<17}{len(done)} requests, {len(errors)} failed attempts, "
            f"{run.retried_ok[number]} retried successfully"
        )
        for error in sorted(set(errors))[:5]:
            print(f"      {error}")
    moments = [moment for _name, moment, _what in fault_log] + [float("inf")]
    for (name, moment, what), until in zip(fault_log, moments[1:], strict=True):
        seconds, failed, last = probe.recovery(moment, until)
        answer = f"{seconds:.1f} s" if seconds is not None else "never"
        tail = f", the last at +{last:.1f} s" if last is not None else ""
        print(
            f"  {name:<16}at {moment - run.started:.0f} s, {what}: answered again "
            f"after {answer} ({failed} probes of 100 ms failed{tail})"
        )
    print(f"  unrecovered     {len(run.unrecovered)} requests failed after retries")
    for error in run.unrecovered[:10]:
        print(f"      {error}")
    print(f"  refused         {len(run.refused)} requests refused by the server")
    for error in sorted(set(run.refused))[:10]:
        print(f"      {error}")


if __name__ == "__main__":
    sys.exit(main())
