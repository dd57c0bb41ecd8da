"""Shared helpers of the benchmarks: a fresh database, an environment, and
measurements of wall time and SQL queries taken in one run."""

import argparse
import os
import subprocess
import sys
import time
from contextlib import contextmanager

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry


def parse_args(description, default_db):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", default=default_db, help="database to (re)create")
    parser.add_argument(
        "--addons-path",
        required=True,
        help="Odoo's addons folders and the folder holding bodyshop",
    )
    parser.add_argument(
        "--keep", action="store_true", help="reuse the database if it exists"
    )
    return parser.parse_args()


def create_database(db, addons_path, modules="bodyshop,sale", keep=False):
    """A fresh database with ``modules`` installed, without demo data."""
    exists = (
        subprocess.run(
            ["psql", "-d", db, "-Atc", "select 1"], capture_output=True, check=False
        ).returncode
        == 0
    )
    if keep and exists:
        return
    subprocess.run(["dropdb", "--if-exists", db], check=True, capture_output=True)
    print(f"Creating {db} with {modules} (no demo data)...", flush=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-d",
            db,
            f"--addons-path={addons_path}",
            "-i",
            modules,
            "--without-demo=all",
            "--stop-after-init",
            "--no-http",
            "--log-level=warn",
        ],
        check=True,
    )


def open_registry(db, addons_path):
    odoo.tools.config.parse_config(
        [f"--addons-path={addons_path}", "-d", db, "--log-level=error", "--no-http"]
    )
    return Registry(db)


@contextmanager
def environment(registry):
    with registry.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})


def prepare_company(env):
    """Dutch chart and 21 % VAT on the main company, a default agreement."""
    company = env.company
    if not company.chart_template:
        env["account.chart.template"].try_loading("nl", company, install_demo=False)
    company.country_id = env.ref("base.nl")
    return company


class Measure:
    """Wall time and SQL queries of a block, flushed to the database."""

    def __init__(self, env):
        self.env = env
        self.seconds = 0.0
        self.queries = 0

    def __enter__(self):
        self.env.flush_all()
        self.env.invalidate_all()
        self._queries = self.env.cr.sql_log_count
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.env.flush_all()
        self.seconds = time.perf_counter() - self._start
        self.queries = self.env.cr.sql_log_count - self._queries
        return False


def percentile(values, fraction):
    """The value at ``fraction`` (0.95: p95) of ``values``; 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def ratio(ours, reference):
    return ours / reference if reference else float("inf")


def report_line(label, ours, reference, unit):
    return (
        f"  {label:<34} bodyshop {ours:>10.3f} {unit:<8} reference "
        f"{reference:>10.3f} {unit:<8} ratio {ratio(ours, reference):6.2f}"
    )


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}"
