"""A sent or approved calculation cannot be changed through XML-RPC either:
write, line write, line create, unlink, all refused with a clear message."""

from xmlrpc.client import Fault

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestLockedVersionOverRpc(HttpCase):
    def test_locked_calculation_refuses_rpc_changes(self):
        new_test_user(
            self.env,
            login="bs_rpc",
            password="bs_rpc_password",
            groups="bodyshop.group_bodyshop_manager",
        )
        customer = self.env["res.partner"].create({"name": "RPC Klant"})
        brand = self.env["fleet.vehicle.model.brand"].create({"name": "RPC"})
        model = self.env["fleet.vehicle.model"].create(
            {"name": "R", "brand_id": brand.id}
        )
        vehicle = self.env["fleet.vehicle"].create(
            {
                "license_plate": "TZ-961-B",
                "model_id": model.id,
                "bodyshop_customer_vehicle": True,
            }
        )
        dossier = self.env["bodyshop.dossier"].create(
            {
                "customer_id": customer.id,
                "vehicle_id": vehicle.id,
                "payer_type": "private",
            }
        )
        calculation = self.env["bodyshop.calculation"].create(
            {
                "dossier_id": dossier.id,
                "line_ids": [
                    Command.create(
                        {"line_type": "part", "name": "Bumper", "price_unit": 300.0}
                    )
                ],
            }
        )
        calculation.action_send()
        line = calculation.line_ids
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(db, "bs_rpc", "bs_rpc_password", {})
        self.assertTrue(uid)

        def call(model_name, method, *args):
            return self.xmlrpc_object.execute_kw(
                db, uid, "bs_rpc_password", model_name, method, list(args)
            )

        attempts = [
            ("bodyshop.calculation", "write", [calculation.id], {"rate_body": 1.0}),
            ("bodyshop.calculation.line", "write", [line.id], {"price_unit": 1.0}),
            (
                "bodyshop.calculation.line",
                "create",
                [
                    {
                        "calculation_id": calculation.id,
                        "line_type": "part",
                        "name": "Extra",
                        "price_unit": 1.0,
                    }
                ],
            ),
            ("bodyshop.calculation.line", "unlink", [line.id]),
            ("bodyshop.calculation", "unlink", [calculation.id]),
        ]
        for model_name, method, *args in attempts:
            with self.subTest(model=model_name, method=method):
                with self.assertRaises(Fault) as caught:
                    call(model_name, method, *args)
                self.assertIn("read-only", caught.exception.faultString)
        calculation.invalidate_recordset()
        self.assertEqual(calculation.state, "sent")
        self.assertEqual(len(calculation.line_ids), 1)
        self.assertEqual(calculation.line_ids.price_unit, 300.0)
        # What the approval does not cover may change: the supplier.
        supplier = self.env["res.partner"].create({"name": "RPC Leverancier"})
        call(
            "bodyshop.calculation.line", "write", [line.id], {"vendor_id": supplier.id}
        )
        line.invalidate_recordset()
        self.assertEqual(line.vendor_id, supplier)
