"""Speed a person feels: adding one line to a 200-line calculation in
Chromium, typed with the keyboard, until its amount and the totals show;
against adding one line to a 200-line sale order in the same run (median of
5 each). See README, "Benchmarks".

    python3 benchmarks/ui_speed.py --addons-path=<odoo addons>,<folder holding bodyshop>

It starts Odoo on 127.0.0.1 and a headless Chromium driven through the
DevTools protocol with real key events (Input.dispatchKeyEvent and
Input.insertText), not a script that sets values.
"""

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import closing

import websocket
from common import (
    create_database,
    environment,
    machine,
    open_registry,
    parse_args,
    prepare_company,
    ratio,
)

from odoo import Command

RUNS = 5
LINES = 200
PASSWORD = "bench-ui"


def free_port():
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout=60.0, step=0.01, what="condition"):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise TimeoutError(f"timed out waiting for {what}")


class Chromium:
    """A headless Chromium and one page, over the DevTools protocol."""

    def __init__(self):
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="bodyshop-chromium-")
        self.process = subprocess.Popen(
            [
                shutil.which("chromium") or "/usr/bin/chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1440,900",
                f"--remote-debugging-port={self.port}",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        targets = wait_for(self._targets, what="Chromium")
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.ids = 0
        self.call("Page.enable")
        self.call("Runtime.enable")

    def _targets(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json") as r:
                return json.load(r)
        except OSError:
            return None

    def call(self, method, **params):
        self.ids += 1
        self.ws.send(json.dumps({"id": self.ids, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.ids:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def eval(self, expression):
        result = self.call(
            "Runtime.evaluate",
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def goto(self, url):
        self.call("Page.navigate", url=url)

    def type_text(self, text):
        self.call("Input.insertText", text=text)

    def press(self, key, code, keycode):
        for kind in ("rawKeyDown", "keyUp"):
            self.call(
                "Input.dispatchKeyEvent",
                type=kind,
                key=key,
                code=code,
                windowsVirtualKeyCode=keycode,
                nativeVirtualKeyCode=keycode,
            )

    def tab(self):
        self.press("Tab", "Tab", 9)

    def enter(self):
        self.press("Enter", "Enter", 13)

    def close(self):
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            self.process.wait(timeout=10)
            shutil.rmtree(self.profile, ignore_errors=True)


def prepare(env):
    """A 200-line draft calculation and a 200-line draft sale order; the
    administrator's password for the browser."""
    prepare_company(env)
    env.ref("base.user_admin").password = PASSWORD
    Partner = env["res.partner"]
    customer = Partner.create({"name": "UI Klant"})
    insurer = Partner.create({"name": "UI Verzekeraar", "is_company": True})
    brand = env["fleet.vehicle.model.brand"].create({"name": "UI"})
    model = env["fleet.vehicle.model"].create({"name": "U", "brand_id": brand.id})
    vehicle = env["fleet.vehicle"].create(
        {
            "license_plate": "UI-BENCH-1",
            "bodyshop_plate_country_id": env.ref("base.be").id,
            "model_id": model.id,
            "bodyshop_customer_vehicle": True,
        }
    )
    dossier = env["bodyshop.dossier"].create(
        {
            "customer_id": customer.id,
            "vehicle_id": vehicle.id,
            "payer_type": "insurer",
            "payer_id": insurer.id,
        }
    )
    calculation = env["bodyshop.calculation"].create(
        {
            "dossier_id": dossier.id,
            "rate_body": 60.0,
            "line_ids": [
                Command.create(
                    {
                        "line_type": "part",
                        "name": f"Onderdeel {index}",
                        "part_number": f"PN-{index:05d}",
                        "quantity": 1,
                        "price_unit": 10.0 + index,
                    }
                )
                for index in range(LINES)
            ],
        }
    )
    product = env["product.product"].create(
        {"name": "Bench Bumper", "list_price": 100.0, "type": "consu"}
    )
    order = env["sale.order"].create(
        {
            "partner_id": customer.id,
            "order_line": [
                Command.create(
                    {
                        "product_id": product.id,
                        "name": f"Regel {index}",
                        "product_uom_qty": 1,
                        "price_unit": 10.0 + index,
                    }
                )
                for index in range(LINES)
            ],
        }
    )
    return calculation.id, order.id


def start_odoo(db, addons_path, port):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "odoo",
            "-d",
            db,
            f"--addons-path={addons_path}",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            f"--db-filter=^{db}$",
            "--log-level=warn",
            "--max-cron-threads=0",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def login(browser, base):
    browser.goto(f"{base}/web/login")
    wait_for(
        lambda: browser.eval("!!document.querySelector('input[name=login]')"),
        what="the login page",
    )
    browser.eval(
        "document.querySelector('input[name=login]').value = 'admin';"
        f"document.querySelector('input[name=password]').value = '{PASSWORD}';"
        "document.querySelector('form').submit();"
    )
    wait_for(
        lambda: browser.eval("location.pathname.startsWith('/odoo')"),
        what="the web client",
    )


def open_form(browser, url, rows):
    browser.goto(url)
    wait_for(
        lambda: browser.eval(
            "document.querySelectorAll('.o_list_renderer .o_data_row').length"
            f" >= {rows}"
        ),
        what="the lines",
    )


def total_text(browser, selector):
    return browser.eval(f"document.querySelector({json.dumps(selector)})?.innerText")


def focused(browser, selector):
    return browser.eval(
        f"!!document.activeElement?.closest({json.dumps(selector)})"
        " && document.activeElement.matches('input, textarea')"
    )


def add_calculation_line(browser):
    """Add a part by keyboard: the time until the line's amount and the
    calculation's totals show it."""
    total = ".o_field_widget[name=tax_totals]"
    before = total_text(browser, total)
    browser.eval(
        "[...document.querySelectorAll('.o_field_x2many_list_row_add a')]"
        ".find(a => a.innerText.trim() === 'Add a part').click()"
    )
    wait_for(
        lambda: focused(browser, ".o_selected_row .o_field_widget[name=name]"),
        what="the new line",
    )
    start = time.perf_counter()
    browser.type_text("Nieuwe bumper")
    browser.tab()
    browser.type_text("PN-NEW")
    browser.tab()
    browser.type_text("1")
    browser.tab()
    browser.type_text("250")
    browser.enter()
    wait_for(
        lambda: (
            total_text(browser, total) not in (None, before)
            and browser.eval(
                "[...document.querySelectorAll('.o_data_row td[name=price_subtotal]')]"
                ".some(td => td.innerText.includes('250.00'))"
            )
        ),
        what="the calculation totals",
    )
    return time.perf_counter() - start


def add_sale_line(browser):
    """Add a product by keyboard (name, quantity, price): the time until the
    line's amount and the order's totals show it."""
    total = ".o_field_widget[name=tax_totals]"
    before = total_text(browser, total)
    browser.eval(
        "[...document.querySelectorAll('.o_field_x2many_list_row_add a')]"
        ".find(a => a.innerText.trim() === 'Add a product').click()"
    )
    product = ".o_selected_row .o_field_widget[name=product_template_id]"
    wait_for(lambda: focused(browser, product), what="the new order line")
    start = time.perf_counter()
    browser.type_text("Bench Bumper")
    wait_for(
        lambda: browser.eval(
            "!!document.querySelector('.o-autocomplete--dropdown-item')"
        ),
        what="the product list",
    )
    browser.enter()
    wait_for(
        lambda: browser.eval(
            "document.querySelector('.o_selected_row [name=product_uom_qty] input')"
            "?.value?.length > 0"
        ),
        what="the product on the line",
    )
    browser.tab()
    browser.type_text("1")
    browser.tab()
    browser.type_text("250")
    browser.enter()
    wait_for(
        lambda: (
            total_text(browser, total) not in (None, before)
            and browser.eval(
                "[...document.querySelectorAll('.o_data_row td[name=price_subtotal]')]"
                ".some(td => td.innerText.includes('250.00'))"
            )
        ),
        what="the order totals",
    )
    return time.perf_counter() - start


def measure(browser, url, rows, add):
    timings = []
    for _run in range(RUNS + 1):
        open_form(browser, url, rows)
        timings.append(add(browser))
        # Discard the new line: every run starts from the same 200 lines.
        browser.eval("document.querySelector('.o_form_button_cancel')?.click()")
        wait_for(
            lambda: (
                not browser.eval(
                    "!!document.querySelector('.o_form_status_indicator_buttons:not(.invisible)"
                    " .o_form_button_cancel')"
                )
            ),
            what="the discarded changes",
        )
    return statistics.median(timings[1:])  # the first run warms the caches


def main():
    args = parse_args(__doc__, "bodyshop_bench_ui")
    create_database(args.db, args.addons_path, keep=args.keep)
    registry = open_registry(args.db, args.addons_path)
    with environment(registry) as env:
        calculation_id, order_id = prepare(env)
        env.cr.commit()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_odoo(args.db, args.addons_path, port)
    browser = None
    try:
        wait_for(lambda: _answers(f"{base}/web/login"), timeout=120, what="Odoo")
        browser = Chromium()
        login(browser, base)
        ours = measure(
            browser,
            f"{base}/odoo/action-bodyshop.bodyshop_calculation_action/{calculation_id}",
            LINES,
            add_calculation_line,
        )
        reference = measure(
            browser,
            f"{base}/odoo/action-sale.action_quotations_with_onboarding/{order_id}",
            LINES,
            add_sale_line,
        )
    finally:
        if browser:
            browser.close()
        server.terminate()
        server.wait(timeout=30)
    print(f"UI speed on {machine()}, Chromium, median of {RUNS}")
    print(
        f"  add a line by keyboard to {LINES} lines: calculation {ours:.3f} s, "
        f"sale order {reference:.3f} s, ratio {ratio(ours, reference):.2f}"
    )
    print(f"  target ratio <= 1.0: {'met' if ours <= reference else 'MISSED'}")


def _answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


if __name__ == "__main__":
    os.environ.setdefault("TZ", "UTC")
    main()
