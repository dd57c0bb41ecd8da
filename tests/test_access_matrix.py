"""Who may read, create, write and delete each body shop model: the table of
the README, checked."""

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import BodyshopCommon

MODELS = [
    "bodyshop.dossier",
    "bodyshop.calculation",
    "bodyshop.calculation.line",
    "bodyshop.approval",
    "bodyshop.agreement",
    "bodyshop.damage.zone",
    "bodyshop.workshop.load",
    "bodyshop.courtesy.booking",
    "bodyshop.repair.info",
    "bodyshop.checklist.item",
    "bodyshop.dossier.checklist",
    "bodyshop.kpi.report",
    "bodyshop.labour.type",
    "bodyshop.time.entry",
    "bodyshop.planning.slot",
    "bodyshop.dossier.labour",
    "bodyshop.labour.report",
]
OPERATIONS = ("read", "create", "write", "unlink")
# Rights of the Body Shop User and Manager per model, as "rcwd" letters
# (read, create, write, delete). A plain employee and a portal user have none.
# The Workshop Manager has the User's rights but where WORKSHOP says.
EXPECTED = {
    "bodyshop.dossier": ("rcw", "rcwd"),
    "bodyshop.calculation": ("rcwd", "rcwd"),
    "bodyshop.calculation.line": ("rcwd", "rcwd"),
    # Approval requests are made by sending a calculation, never deleted.
    "bodyshop.approval": ("rw", "rw"),
    "bodyshop.agreement": ("r", "rcwd"),
    "bodyshop.damage.zone": ("r", "rcwd"),
    "bodyshop.workshop.load": ("r", "r"),
    "bodyshop.courtesy.booking": ("rcwd", "rcwd"),
    "bodyshop.repair.info": ("rcw", "rcwd"),
    "bodyshop.checklist.item": ("r", "rcwd"),
    # The final inspection is recorded by the delivery, then frozen.
    "bodyshop.dossier.checklist": ("r", "r"),
    "bodyshop.kpi.report": ("", "r"),
    "bodyshop.labour.type": ("r", "rcwd"),
    # Clocked at the kiosk, corrected by the workshop manager's wizard.
    "bodyshop.time.entry": ("r", "rwd"),
    "bodyshop.planning.slot": ("r", "rcwd"),
    "bodyshop.dossier.labour": ("r", "r"),
    "bodyshop.labour.report": ("", "r"),
}
WORKSHOP = {
    "bodyshop.time.entry": "rwd",
    "bodyshop.planning.slot": "rcwd",
}
LETTERS = {"read": "r", "create": "c", "write": "w", "unlink": "d"}


@tagged("post_install", "-at_install")
class TestAccessMatrix(BodyshopCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env, login="bs_portal", groups="base.group_portal", name="Portal Klant"
        )
        cls.workshop_user = new_test_user(
            cls.env,
            login="bs_workshop_matrix",
            groups="bodyshop.group_bodyshop_workshop",
            name="Werkplaatschef",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )

    def _rights(self, user, model):
        Model = self.env[model].with_user(user)
        return "".join(LETTERS[op] for op in OPERATIONS if Model.has_access(op))

    def test_every_model_is_in_the_table(self):
        models = self.env["ir.model"].search(
            [("model", "=like", "bodyshop.%"), ("transient", "=", False)]
        )
        abstract = {name for name in models.mapped("model") if self.env[name]._abstract}
        self.assertEqual(set(models.mapped("model")) - abstract, set(MODELS))

    def test_model_rights(self):
        for model in MODELS:
            user_rights, manager_rights = EXPECTED[model]
            with self.subTest(model=model):
                self.assertEqual(self._rights(self.plain_user, model), "")
                self.assertEqual(self._rights(self.portal_user, model), "")
                self.assertEqual(self._rights(self.bs_user, model), user_rights)
                self.assertEqual(self._rights(self.bs_manager, model), manager_rights)
                self.assertEqual(
                    self._rights(self.workshop_user, model),
                    WORKSHOP.get(model, user_rights),
                )
                self.assertEqual(
                    self._rights(self.bs_user_other_company, model), user_rights
                )

    def test_other_company_sees_no_records(self):
        dossier = self._create_dossier()
        calculation = self.env["bodyshop.calculation"].create(
            {
                "dossier_id": dossier.id,
                "line_ids": [
                    Command.create(
                        {"line_type": "part", "name": "Bumper", "price_unit": 100.0}
                    )
                ],
            }
        )
        calculation.action_send()
        courtesy_car = self.env["fleet.vehicle"].create(
            {
                "license_plate": "GX-990-K",
                "model_id": self.model_petrol.id,
                "is_courtesy_car": True,
            }
        )
        booking = self.env["bodyshop.courtesy.booking"].create(
            {
                "dossier_id": dossier.id,
                "vehicle_id": courtesy_car.id,
                "date_end": "2099-01-01 10:00:00",
            }
        )
        agreement = self.env["bodyshop.agreement"].create(
            {"name": "Company agreement", "company_id": self.company.id}
        )
        records = (
            dossier,
            calculation,
            calculation.line_ids,
            calculation.approval_ids,
            booking,
            agreement,
        )
        for record in records:
            with self.subTest(model=record._name):
                self.assertTrue(record.with_user(self.bs_user).has_access("read"))
                self.assertFalse(
                    record.with_user(self.bs_user_other_company).has_access("read")
                )
                self.assertFalse(
                    record.with_user(self.bs_user_other_company).has_access("write")
                )
        self.assertFalse(
            self.env["bodyshop.dossier"]
            .with_user(self.bs_user_other_company)
            .search([("id", "=", dossier.id)])
        )
