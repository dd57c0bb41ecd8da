"""Load test: Odoo with 2 workers on 127.0.0.1, 20 concurrent JSON-RPC clients
for 60 seconds creating dossiers with calculations and reading lists.

    python3 benchmarks/load.py --addons-path=<odoo addons>,<folder holding bodyshop>

Reports requests per second, p50/p95/p99 latency and errors, then counts the
dossiers in the database: none lost, none duplicated. Loopback only.
"""

import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

import requests
from common import create_database, machine, parse_args

CLIENTS = 20
DURATION = 60.0
PASSWORD = "admin"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client(threading.Thread):
    def __init__(self, number, url, db, uid, stop_at, ids):
        super().__init__(daemon=True)
        self.number = number
        self.url = url
        self.db = db
        self.uid = uid
        self.stop_at = stop_at
        self.ids = ids
        self.session = requests.Session()
        self.latencies = []
        self.errors = []
        self.created = []  # claim numbers of the dossiers the server confirmed

    def call(self, model, method, *args, **kwargs):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.db,
                    self.uid,
                    PASSWORD,
                    model,
                    method,
                    list(args),
                    kwargs,
                ],
            },
        }
        start = time.perf_counter()
        try:
            response = self.session.post(
                f"{self.url}/jsonrpc", json=payload, timeout=60
            )
            data = response.json()
        except (requests.RequestException, ValueError) as error:
            self.errors.append(f"{model}.{method}: {error}")
            return None
        finally:
            self.latencies.append(time.perf_counter() - start)
        if "error" in data:
            message = data["error"].get("data", {}).get("message") or data["error"]
            self.errors.append(f"{model}.{method}: {message}")
            return None
        return data["result"]

    def run(self):
        iteration = 0
        while time.time() < self.stop_at:
            iteration += 1
            claim = f"LOAD-{self.number}-{iteration}"
            vehicle = self.call(
                "fleet.vehicle",
                "create",
                {
                    "license_plate": claim,
                    "bodyshop_plate_country_id": self.ids["belgium"],
                    "model_id": self.ids["model"],
                    "bodyshop_customer_vehicle": True,
                },
            )
            if not vehicle:
                continue
            dossier = self.call(
                "bodyshop.dossier",
                "create",
                {
                    "customer_id": self.ids["customer"],
                    "vehicle_id": vehicle,
                    "payer_type": "insurer",
                    "payer_id": self.ids["insurer"],
                    "claim_number": claim,
                },
            )
            if not dossier:
                continue
            self.created.append(claim)
            lines = [
                [
                    0,
                    0,
                    {
                        "line_type": "labour",
                        "labour_type": "body",
                        "name": f"Arbeid {i}",
                        "labour_units": 10 + i,
                    },
                ]
                for i in range(3)
            ] + [
                [
                    0,
                    0,
                    {
                        "line_type": "part",
                        "name": f"Onderdeel {i}",
                        "quantity": 1,
                        "price_unit": 100.0 + i,
                    },
                ]
                for i in range(3)
            ]
            self.call(
                "bodyshop.calculation",
                "create",
                {"dossier_id": dossier, "line_ids": lines},
            )
            self.call(
                "bodyshop.dossier",
                "web_search_read",
                [],
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


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))
    return ordered[index]


def main():
    args = parse_args(__doc__, "bodyshop_load")
    create_database(args.db, args.addons_path, modules="bodyshop", keep=args.keep)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = f"/tmp/bodyshop-load-{os.getpid()}.log"
    # The odoo script, not "python -m odoo": the prefork server starts its
    # long-polling process again from its own command line.
    odoo_bin = shutil.which("odoo")
    command = [odoo_bin] if odoo_bin else [sys.executable, "-m", "odoo"]
    server = subprocess.Popen(
        [
            *command,
            "-d",
            args.db,
            f"--addons-path={args.addons_path}",
            "--workers=2",
            "--max-cron-threads=0",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            f"--db-filter=^{args.db}$",
            "--log-level=warn",
            f"--logfile={log}",
        ],
        start_new_session=True,
    )
    try:
        for _attempt in range(120):
            try:
                requests.get(f"{url}/web/login", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.5)
        uid = requests.post(
            f"{url}/jsonrpc",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "service": "common",
                    "method": "authenticate",
                    "args": [args.db, "admin", PASSWORD, {}],
                },
            },
            timeout=30,
        ).json()["result"]
        setup = Client(0, url, args.db, uid, 0, {})
        ids = {
            "customer": setup.call("res.partner", "create", {"name": "Load Klant"}),
            "insurer": setup.call(
                "res.partner",
                "create",
                {"name": "Load Verzekeraar", "is_company": True},
            ),
            "belgium": setup.call(
                "res.country", "search", [["code", "=", "BE"]], limit=1
            )[0],
        }
        brand = setup.call("fleet.vehicle.model.brand", "create", {"name": "Load"})
        ids["model"] = setup.call(
            "fleet.vehicle.model", "create", {"name": "L", "brand_id": brand}
        )
        before = setup.call("bodyshop.dossier", "search_count", [])
        print(
            f"Load on {machine()}: {CLIENTS} clients, {DURATION:.0f} s, "
            f"Odoo with 2 workers at {url}",
            flush=True,
        )
        stop_at = time.time() + DURATION
        clients = [
            Client(n + 1, url, args.db, uid, stop_at, ids) for n in range(CLIENTS)
        ]
        started = time.perf_counter()
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        elapsed = time.perf_counter() - started
        latencies = [x for client in clients for x in client.latencies]
        errors = [x for client in clients for x in client.errors]
        created = [x for client in clients for x in client.created]
        print(
            f"  requests        {len(latencies)} in {elapsed:.1f} s: "
            f"{len(latencies) / elapsed:.1f} requests/s"
        )
        print(
            f"  latency         p50 {percentile(latencies, 0.50) * 1000:.0f} ms, "
            f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
            f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, "
            f"mean {statistics.mean(latencies) * 1000:.0f} ms"
        )
        print(f"  errors          {len(errors)}")
        for error in errors[:10]:
            print(f"    {error}")
        stored = setup.call(
            "bodyshop.dossier",
            "search_read",
            [["claim_number", "=like", "LOAD-%"]],
            ["claim_number"],
        )
        claims = [row["claim_number"] for row in stored]
        lost = set(created) - set(claims)
        duplicated = len(claims) - len(set(claims))
        unexpected = set(claims) - set(created)
        after = setup.call("bodyshop.dossier", "search_count", [])
        print(
            f"  dossiers        {len(created)} confirmed to clients, "
            f"{after - before} more in the database; lost {len(lost)}, "
            f"duplicated {duplicated}, unconfirmed but stored {len(unexpected)}"
        )
        ok = not errors and not lost and not duplicated
        print(
            "  target zero errors, nothing lost or duplicated: "
            + ("met" if ok else "MISSED")
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
