"""The dossier's guarantees through the API: every call below is one an
insurer's platform, a reporting tool or a curious user can make over
XML-RPC. Each is refused with a clear message and changes nothing."""

import math
from xmlrpc.client import Fault

from odoo import Command, fields
from odoo.tests import JsonRpcException, new_test_user, tagged

from .common import BodyshopHttpCommon

PNG_1PX = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk+A8AAQUBAScY42YAAAAASUVO"
    "RK5CYII="
)


def _plain(value):
    """x2many commands as XML-RPC carries them (plain numbers)."""
    if isinstance(value, Command):
        return int(value)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


@tagged("post_install", "-at_install")
class TestApiIntegrity(BodyshopHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.account_sale_tax_id.ensure_one()
        cls.bs_user_other_company.write(
            {
                "groups_id": [
                    Command.link(cls.env.ref("purchase.group_purchase_user").id)
                ]
            }
        )
        # An approved dossier: version 1 approved at 505.18.
        cls.approved = cls._create_dossier(claim_number="API-1")
        cls.approved_calc = cls._calculation(cls.approved, 417.5)
        cls.approved_calc.action_send()
        cls.approved_calc.approval_ids.action_approve()
        # A dossier with a draft calculation.
        cls.drafted = cls._create_dossier(
            vehicle_id=cls._create_vehicle("TZ-102-B", cls.model_petrol).id,
            claim_number="API-2",
        )
        cls.draft_calc = cls._calculation(cls.drafted, 100.0)
        # An invoiced final calculation.
        cls.invoiced = cls._create_dossier(
            vehicle_id=cls._create_vehicle("TZ-103-B", cls.model_petrol).id,
            claim_number="API-3",
        )
        calc = cls._calculation(cls.invoiced, 200.0)
        calc.action_send()
        calc.approval_ids.action_approve()
        cls.invoiced.action_create_final()
        cls.final_calc = cls.invoiced.current_calculation_id
        cls.final_calc.action_send()
        cls.final_calc.approval_ids.action_approve()
        cls.invoiced.action_create_invoices()
        # A delivered car with its final inspection and signature.
        cls.delivered = cls._create_dossier(
            vehicle_id=cls._create_vehicle("TZ-104-B", cls.model_petrol).id,
            claim_number="API-4",
        )
        calc = cls._calculation(cls.delivered, 150.0)
        calc.action_send()
        calc.approval_ids.action_approve()
        cls.delivered._do_checkin(fields.Datetime.now(), 1000)
        cls.delivered.action_start_repair()
        cls.delivered.action_ready()
        cls.delivered._do_deliver(
            {
                "date": fields.Datetime.now(),
                "inspected_by": "Werkplaatschef",
                "odometer": 1001,
                "handed_to": "Jan Klant",
                "signature": PNG_1PX,
            },
            [{"sequence": 1, "name": "Lak", "result": "ok"}],
        )
        # A courtesy car that is out.
        cls.courtesy_car = cls.env["fleet.vehicle"].create(
            {
                "license_plate": "GX-991-K",
                "model_id": cls.model_petrol.id,
                "is_courtesy_car": True,
            }
        )
        cls.booking = cls.env["bodyshop.courtesy.booking"].create(
            {
                "dossier_id": cls.approved.id,
                "vehicle_id": cls.courtesy_car.id,
                "date_start": fields.Datetime.subtract(fields.Datetime.now(), hours=2),
                "date_end": fields.Datetime.add(fields.Datetime.now(), days=3),
            }
        )
        cls.booking._hand_over(
            fields.Datetime.subtract(fields.Datetime.now(), hours=1), 23410, "100"
        )
        # Photos of the approved dossier.
        cls.photo = cls.env["ir.attachment"].create(
            {
                "name": "voorkant.png",
                "datas": PNG_1PX,
                "res_model": "bodyshop.dossier",
                "res_id": cls.approved.id,
                "bodyshop_photo_phase": "intake",
            }
        )
        cls.env.flush_all()

    @classmethod
    def _calculation(cls, dossier, price):
        return cls.env["bodyshop.calculation"].create(
            {
                "dossier_id": dossier.id,
                "line_ids": [
                    Command.create(
                        {
                            "line_type": "part",
                            "name": "Bumper",
                            "quantity": 1.0,
                            "price_unit": price,
                        }
                    )
                ],
            }
        )

    # helpers

    def _call(self, user, model, method, *args, **kwargs):
        args, kwargs = _plain(args), _plain(kwargs)
        db = self.env.cr.dbname
        password = user.login + "x" * (8 - len(user.login))
        uid = self.xmlrpc_common.authenticate(db, user.login, password, {})
        self.assertTrue(uid, f"{user.login} cannot log in")
        return self.xmlrpc_object.execute_kw(
            db, uid, password, model, method, list(args), kwargs
        )

    def assertRefused(self, user, model, method, *args, message, **kwargs):
        with self.assertRaises(Fault) as caught:
            self._call(user, model, method, *args, **kwargs)
        self.assertRegex(caught.exception.faultString, message)
        self.assertNotIn("Traceback", caught.exception.faultString.split("\n")[0])
        self.env.invalidate_all()

    # an approved calculation never changes

    def test_approved_calculation_cannot_be_unlocked(self):
        calc = self.approved_calc
        self.assertRefused(
            self.bs_user,
            "bodyshop.calculation",
            "write",
            [calc.id],
            {"state": "draft"},
            context={"bodyshop_workflow": True},
            message="set by the workflow",
        )
        self.assertRefused(
            self.bs_user,
            "bodyshop.calculation.line",
            "write",
            calc.line_ids.ids,
            {"price_unit": 5000.0},
            message="read-only",
        )
        self.assertEqual(calc.state, "approved")
        self.assertAlmostEqual(calc.amount_payer, 505.18, places=2)
        self.assertAlmostEqual(self.approved.approved_amount, 505.18, places=2)

    def test_no_approved_calculation_without_approval(self):
        self.assertRefused(
            self.bs_user,
            "bodyshop.calculation",
            "write",
            [self.draft_calc.id],
            {"state": "approved", "calc_type": "final"},
            message="set by the workflow",
        )
        self.assertEqual(self.draft_calc.state, "draft")
        self.assertEqual(self.draft_calc.calc_type, "estimate")
        calculations = self.drafted.calculation_ids
        self.assertRefused(
            self.bs_user,
            "bodyshop.calculation",
            "create",
            {"dossier_id": self.drafted.id, "state": "approved"},
            message="set by the workflow",
        )
        new_id = self._call(
            self.bs_user,
            "bodyshop.calculation",
            "create",
            {"dossier_id": self.drafted.id, "calc_type": "final"},
            context={"default_state": "approved"},
        )
        new = self.env["bodyshop.calculation"].browse(new_id)
        self.assertEqual(new.state, "draft", "a context default is not a way in")
        self.assertEqual(new.version, 2)
        self.assertRefused(
            self.bs_user,
            "bodyshop.dossier",
            "action_create_invoices",
            [self.drafted.id],
            message="invoices are made",
        )
        self.assertEqual(self.drafted.calculation_ids, calculations | new)
        self.assertFalse(self.drafted.invoice_ids)

    def test_calculation_version_and_chain_are_the_workflow_s(self):
        for vals in ({"version": 7}, {"previous_id": self.approved_calc.id}):
            with self.subTest(vals=vals):
                self.assertRefused(
                    self.bs_user,
                    "bodyshop.calculation",
                    "write",
                    [self.draft_calc.id],
                    vals,
                    message="set by the workflow",
                )
        self.assertEqual(self.draft_calc.version, 1)
        self.assertFalse(self.draft_calc.previous_id)

    # the invoice equals what was approved, once

    def test_calculation_is_invoiced_once(self):
        invoices = self.invoiced.invoice_ids
        self.assertTrue(invoices)
        self.assertRefused(
            self.bs_manager,
            "bodyshop.dossier",
            "write",
            [self.invoiced.id],
            {"invoiced_calculation_id": False},
            message="set by the workflow",
        )
        self.assertRefused(
            self.bs_manager,
            "bodyshop.dossier",
            "action_create_invoices",
            [self.invoiced.id],
            message="invoiced already",
        )
        self.assertEqual(self.invoiced.invoiced_calculation_id, self.final_calc)
        self.assertEqual(self.invoiced.invoice_ids, invoices)

    def test_dossier_workflow_fields_are_not_written(self):
        dossier = self.approved
        attempts = [
            {"state": "invoiced"},
            {"state": "repair"},
            {"approved_amount": 99999.0},
            {"amount_invoiced": 1.0},
            {"margin": 1.0},
            {"repair_start": "2026-11-01 08:00:00"},
            {"checkin_date": "2026-11-01 08:00:00"},
            {"current_calculation_id": self.draft_calc.id},
            {"access_token": "0123456789abcdef"},
        ]
        for vals in attempts:
            with self.subTest(vals=vals):
                self.assertRefused(
                    self.bs_user,
                    "bodyshop.dossier",
                    "write",
                    [dossier.id],
                    vals,
                    message="set by the workflow",
                )
        self.assertEqual(dossier.state, "approved")
        self.assertFalse(dossier.checkin_date)
        self.assertFalse(dossier.repair_start)
        self.assertFalse(dossier.access_token)
        self.assertAlmostEqual(dossier.approved_amount, 505.18, places=2)
        # ... nor through a one2many command of the dossier.
        self.assertRefused(
            self.bs_user,
            "bodyshop.dossier",
            "write",
            [self.drafted.id],
            {
                "calculation_ids": [
                    Command.update(self.draft_calc.id, {"state": "sent"})
                ]
            },
            message="set by the workflow",
        )
        self.assertEqual(self.draft_calc.state, "draft")
        # The guards hold for the button too: not checked in, no repair.
        self.assertRefused(
            self.bs_user,
            "bodyshop.dossier",
            "action_start_repair",
            [dossier.id],
            message="check the car in",
        )

    def test_approval_answer_is_the_workflow_s(self):
        approval = self.approved_calc.approval_ids
        attempts = [
            {"state": "pending"},
            {"approved_amount": 5971.35},
            {"calculation_id": self.draft_calc.id},
            {"responded_by": "Niemand"},
        ]
        for vals in attempts:
            with self.subTest(vals=vals):
                self.assertRefused(
                    self.bs_user,
                    "bodyshop.approval",
                    "write",
                    approval.ids,
                    vals,
                    message="set by the workflow",
                )
        self.assertEqual(approval.state, "approved")
        self.assertAlmostEqual(approval.approved_amount, 505.18, places=2)
        self.assertEqual(approval.calculation_id, self.approved_calc)
        self.assertRefused(
            self.bs_user,
            "bodyshop.approval",
            "create",
            {"calculation_id": self.draft_calc.id, "state": "approved"},
            message="sending the calculation",
        )
        self.assertFalse(self.draft_calc.approval_ids)

    # one branch never sees another's customers

    def test_wizards_of_another_company_show_nothing(self):
        other = self.bs_user_other_company
        approval = self.approved_calc.approval_ids
        wizards = [
            ("bodyshop.checkin.wizard", {"dossier_id": self.approved.id}),
            ("bodyshop.delivery.wizard", {"dossier_id": self.approved.id}),
            ("bodyshop.photo.upload", {"dossier_id": self.approved.id}),
            ("bodyshop.approval.response", {"approval_id": approval.id}),
            (
                "bodyshop.courtesy.handover",
                {"booking_id": self.booking.id, "mode": "in", "fuel_level": "100"},
            ),
        ]
        for model, vals in wizards:
            with self.subTest(model=model):
                self.assertRefused(
                    other, model, "create", vals, message="not allowed|access"
                )
                field, record_id = next(iter(vals.items()))
                self.assertRefused(
                    other,
                    model,
                    "default_get",
                    [field],
                    context={f"default_{field}": record_id},
                    message="not allowed|access",
                )
                self.assertRefused(
                    other,
                    model,
                    "onchange",
                    [],
                    {field: record_id},
                    [field],
                    {field: {}, "display_name": {}},
                    message="not allowed|access",
                )

    def test_purchase_order_of_another_company_cannot_join_a_dossier(self):
        margin = self.approved.margin
        supplier = self.env["res.partner"].create({"name": "Leverancier B"})
        order_id = self._call(
            self.bs_user_other_company,
            "purchase.order",
            "create",
            {
                "partner_id": supplier.id,
                "order_line": [
                    Command.create(
                        {
                            "name": "Motorblok",
                            "product_qty": 1,
                            "price_unit": 5000.0,
                            "product_id": self.env.ref(
                                "bodyshop.product_product_part"
                            ).id,
                        }
                    )
                ],
            },
        )
        self._call(
            self.bs_user_other_company, "purchase.order", "button_confirm", [order_id]
        )
        self.assertRefused(
            self.bs_user_other_company,
            "purchase.order",
            "write",
            [order_id],
            {"bodyshop_dossier_id": self.approved.id},
            message="another company",
        )
        self.assertFalse(self.approved.purchase_order_ids)
        self.assertEqual(self.approved.margin, margin)

    def test_wizards_attach_only_their_own_uploads(self):
        other_dossier = self.drafted
        wizard_id = self._call(
            self.bs_user,
            "bodyshop.checkin.wizard",
            "create",
            {
                "dossier_id": other_dossier.id,
                "odometer": 100,
                "photo_ids": [Command.set(self.photo.ids)],
            },
        )
        self.assertRefused(
            self.bs_user,
            "bodyshop.checkin.wizard",
            "action_confirm",
            [wizard_id],
            message="belong to another record",
        )
        self.assertEqual(self.photo.res_id, self.approved.id)
        self.assertFalse(other_dossier.checkin_date)
        intake_id = self._call(
            self.bs_user,
            "bodyshop.intake.wizard",
            "create",
            {
                "license_plate": "TZ-101-B",
                "vehicle_id": self.vehicle.id,
                "customer_id": self.customer.id,
                "payer_type": "private",
                "photo_ids": [Command.set(self.photo.ids)],
            },
        )
        dossiers = self.env["bodyshop.dossier"].search_count([])
        self.assertRefused(
            self.bs_user,
            "bodyshop.intake.wizard",
            "action_create_dossier",
            [intake_id],
            message="belong to another record",
        )
        self.assertEqual(self.env["bodyshop.dossier"].search_count([]), dossiers)
        self.assertEqual(self.photo.res_id, self.approved.id)

    # courtesy cars move through their actions

    def test_courtesy_booking_moves_through_its_actions(self):
        booking = self.booking
        for vals in (
            {"state": "cancelled"},
            {"state": "returned"},
            {"in_odometer": 0},
            {"out_odometer": 0},
        ):
            with self.subTest(vals=vals):
                self.assertRefused(
                    self.bs_user,
                    "bodyshop.courtesy.booking",
                    "write",
                    booking.ids,
                    vals,
                    message="set by the workflow",
                )
        self.assertRefused(
            self.bs_user,
            "bodyshop.courtesy.booking",
            "unlink",
            booking.ids,
            message="stays on record",
        )
        wizard_id = self._call(
            self.bs_user,
            "bodyshop.courtesy.handover",
            "create",
            {
                "booking_id": booking.id,
                "mode": "in",
                "odometer": 0,
                "fuel_level": "75",
            },
        )
        self.assertRefused(
            self.bs_user,
            "bodyshop.courtesy.handover",
            "action_confirm",
            [wizard_id],
            message="cannot come back with less",
        )
        self.assertEqual(booking.state, "out")
        self.assertEqual(booking.out_odometer, 23410)
        self.assertFalse(booking.in_odometer)
        # The car is still out: it cannot be booked again meanwhile.
        self.assertRefused(
            self.bs_user,
            "bodyshop.courtesy.booking",
            "create",
            {
                "dossier_id": self.drafted.id,
                "vehicle_id": self.courtesy_car.id,
                "date_start": "2099-01-01 08:00:00",
                "date_end": "2099-01-02 08:00:00",
            },
            message="has not been returned",
        )

    # the signed final inspection stays as signed

    def test_final_inspection_is_frozen_after_delivery(self):
        dossier = self.delivered
        check = dossier.checklist_line_ids
        self.assertEqual(len(check), 1)
        self.assertRefused(
            self.bs_manager,
            "bodyshop.dossier.checklist",
            "write",
            check.ids,
            {"result": "failed"},
            message="not allowed|access",
        )
        self.assertRefused(
            self.bs_manager,
            "bodyshop.dossier.checklist",
            "unlink",
            check.ids,
            message="not allowed|access",
        )
        for vals in (
            {"delivery_signature": False},
            {"delivered_to": "Iemand anders"},
            {"checklist_line_ids": [Command.clear()]},
        ):
            with self.subTest(vals=vals):
                self.assertRefused(
                    self.bs_manager,
                    "bodyshop.dossier",
                    "write",
                    dossier.ids,
                    vals,
                    message="set by the workflow",
                )
        self.assertEqual(check.exists().result, "ok")
        self.assertTrue(dossier.delivery_signature)
        self.assertEqual(dossier.delivered_to, "Jan Klant")

    def test_delivery_needs_the_whole_inspection(self):
        dossier = self._create_dossier(
            vehicle_id=self._create_vehicle("TZ-105-B", self.model_petrol).id
        )
        calc = self._calculation(dossier, 150.0)
        calc.action_send()
        calc.approval_ids.action_approve()
        dossier._do_checkin(fields.Datetime.now(), 1000)
        dossier.action_start_repair()
        dossier.action_ready()
        self.env.flush_all()
        wizard_id = self._call(
            self.bs_user,
            "bodyshop.delivery.wizard",
            "create",
            {
                "dossier_id": dossier.id,
                "line_ids": [Command.clear()],
                "handed_to": "Jan",
                "inspected_by": "Piet",
            },
        )
        self.assertRefused(
            self.bs_user,
            "bodyshop.delivery.wizard",
            "action_confirm",
            [wizard_id],
            message="give a result for",
        )
        wizard = self.env["bodyshop.delivery.wizard"].browse(wizard_id)
        wizard.line_ids = [
            Command.create({"item_id": item.id, "name": item.name, "result": "ok"})
            for item in self.env["bodyshop.checklist.item"]._for_company(self.company)
        ]
        self.env.flush_all()
        self.assertRefused(
            self.bs_user,
            "bodyshop.delivery.wizard",
            "write",
            [wizard_id],
            {"signature": "niet-base64!"},
            message="not base64",
        )
        self._call(
            self.bs_user,
            "bodyshop.delivery.wizard",
            "write",
            [wizard_id],
            {"signature": "aGFsbG8="},
        )
        self.assertRefused(
            self.bs_user,
            "bodyshop.delivery.wizard",
            "action_confirm",
            [wizard_id],
            message="not an image",
        )
        self.assertEqual(dossier.state, "ready")

    # numbers a shop can mean

    def test_numbers_and_dates_a_shop_can_mean(self):
        dossier = self.drafted
        line = self.draft_calc.line_ids
        attempts = [
            ("bodyshop.dossier", dossier, {"estimate_hours": math.nan}, "finite"),
            ("bodyshop.dossier", dossier, {"estimate_hours": math.inf}, "finite"),
            ("bodyshop.dossier", dossier, {"estimate_amount": 1e308}, "beyond"),
            ("bodyshop.dossier", dossier, {"deductible_amount": -250.0}, "negative"),
            ("bodyshop.dossier", dossier, {"odometer_intake": -23410}, "negative"),
            (
                "bodyshop.dossier",
                dossier,
                {"intake_date": "0001-01-01 00:00:00"},
                "not plausible",
            ),
            (
                "bodyshop.dossier",
                dossier,
                {"intake_date": "9999-12-31 00:00:00"},
                "not plausible",
            ),
            ("bodyshop.dossier", dossier, {"coverage": "everything"}, "choices"),
            ("bodyshop.calculation.line", line, {"price_unit": 1e308}, "beyond"),
            ("bodyshop.calculation.line", line, {"quantity": math.nan}, "finite"),
            ("bodyshop.calculation.line", line, {"line_type": False}, "type of line"),
            ("bodyshop.calculation", self.draft_calc, {"rate_body": -1.0}, "negative"),
        ]
        for model, record, vals, message in attempts:
            with self.subTest(model=model, vals=vals):
                self.assertRefused(
                    self.bs_user, model, "write", record.ids, vals, message=message
                )
        self.assertEqual(dossier.estimate_hours, 0.0)
        self.assertEqual(line.line_type, "part")
        self.assertEqual(line.price_unit, 100.0)
        self.assertEqual(dossier.intake_date.year, fields.Date.today().year)
        self.assertRefused(
            self.bs_user,
            "bodyshop.dossier",
            "create",
            self._dossier_vals(
                vehicle_id=self._create_vehicle("TZ-106-B", self.model_petrol).id,
                intake_date="9999-01-01 10:00:00",
            ),
            message="not plausible",
        )
        self.assertFalse(
            self.env["bodyshop.dossier"].search([("name", "like", "SD9999/")])
        )

    def test_approval_amount_must_be_a_number(self):
        calc = self._calculation(
            self._create_dossier(
                vehicle_id=self._create_vehicle("TZ-107-B", self.model_petrol).id
            ),
            80.0,
        )
        calc.action_send()
        self.env.flush_all()
        approval = calc.approval_ids
        for amount in ("abc", math.nan, 1e308, True):
            with self.subTest(amount=amount):
                self.assertRefused(
                    self.bs_user,
                    "bodyshop.approval",
                    "action_approve",
                    approval.ids,
                    amount,
                    message="give the amount",
                )
        self.assertEqual(approval.state, "pending")
        self.assertEqual(calc.state, "sent")

    # no anonymous access to a dossier or its chatter

    def test_no_anonymous_access_to_the_chatter(self):
        dossier = self.approved
        self.assertFalse(dossier.access_token)
        messages = len(dossier.message_ids)
        for token in ("", "0123456789abcdef"):
            with self.subTest(token=token), self.assertRaises(JsonRpcException):
                self.make_jsonrpc_request(
                    "/mail/message/post",
                    {
                        "thread_model": "bodyshop.dossier",
                        "thread_id": dossier.id,
                        "post_data": {"body": "Hallo", "message_type": "comment"},
                        "token": token,
                    },
                )
        dossier.invalidate_recordset()
        self.assertEqual(len(dossier.message_ids), messages)
        public = self.env.ref("base.public_user")
        Dossier = self.env["bodyshop.dossier"].with_user(public)
        for token in ("", "0123456789abcdef"):
            self.assertFalse(
                Dossier._get_thread_with_access(dossier.id, "read", token=token)
            )

    def test_invoicing_rights(self):
        self.assertTrue(self.bs_manager.has_group("account.group_account_invoice"))
        owner = new_test_user(
            self.env,
            login="bs_owner2",
            groups="bodyshop.group_bodyshop_manager",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        self.assertTrue(owner.has_group("account.group_account_invoice"))
