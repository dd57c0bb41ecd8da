"""Random input at the dossier's entry points, as any RPC client can send it:
whatever the values, a call either succeeds or is refused with a UserError,
ValidationError or AccessError, and a refused call writes nothing. No crash
from the addon's own code."""

import math
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import BodyshopCommon

REFUSALS = (UserError, ValidationError, AccessError)
# Fields the clients cannot mean to write this way (ORM bookkeeping).
SKIPPED = {"id", "display_name", "create_uid", "create_date", "write_uid", "write_date"}

NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -1.0, 1e-300, 1e9, 1e12, 1e308, -1e308]),
)
INTEGERS = st.one_of(
    st.integers(min_value=-(2**40), max_value=2**40),
    st.sampled_from([0, -1, 2**31 - 1, 2**31, -(2**31) - 1]),
)
TEXTS = st.one_of(st.text(max_size=30), st.sampled_from(["", "\x00", "a\x00b"]))
DATES = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
DATETIMES = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)
)


@tagged("post_install", "-at_install")
class TestApiProperty(BodyshopCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dossier = cls._create_dossier()
        other = cls._create_dossier(
            vehicle_id=cls._create_vehicle("TZ-108-B", cls.model_petrol).id
        )
        cls.calculation = cls.env["bodyshop.calculation"].create(
            {
                "dossier_id": cls.dossier.id,
                "line_ids": [
                    Command.create(
                        {"line_type": "part", "name": "Bumper", "price_unit": 300.0}
                    ),
                    Command.create(
                        {
                            "line_type": "labour",
                            "labour_type": "body",
                            "name": "Bumper vervangen",
                            "labour_units": 12,
                        }
                    ),
                ],
            }
        )
        sent = cls.env["bodyshop.calculation"].create(
            {
                "dossier_id": other.id,
                "line_ids": [
                    Command.create(
                        {"line_type": "part", "name": "Spiegel", "price_unit": 90.0}
                    )
                ],
            }
        )
        sent.action_send()
        cls.approval = sent.approval_ids
        courtesy_car = cls.env["fleet.vehicle"].create(
            {
                "license_plate": "GX-992-K",
                "model_id": cls.model_petrol.id,
                "is_courtesy_car": True,
            }
        )
        cls.booking = cls.env["bodyshop.courtesy.booking"].create(
            {
                "dossier_id": cls.dossier.id,
                "vehicle_id": courtesy_car.id,
                "date_start": "2099-01-01 08:00:00",
                "date_end": "2099-01-05 18:00:00",
            }
        )
        cls.other_company_partner = cls.env["res.partner"].create(
            {"name": "Partner B", "company_id": cls.other_company.id}
        )
        cls.entry_points = {
            "dossier": cls.dossier,
            "calculation": cls.calculation,
            "line": cls.calculation.line_ids[0],
            "approval": cls.approval,
            "booking": cls.booking,
        }

    def _relation_ids(self, comodel):
        """A few records of ``comodel``, of both companies where it has them."""
        records = self.env[comodel].search([], limit=3)
        if comodel == "res.partner":
            records |= self.other_company_partner
        return [False, *records.ids]

    def _value_strategy(self, field):
        if field.type in ("float", "monetary"):
            return NUMBERS
        if field.type == "integer":
            return INTEGERS
        if field.type in ("char", "text", "html"):
            return TEXTS
        if field.type == "boolean":
            return st.booleans()
        if field.type == "date":
            return DATES.map(fields.Date.to_string)
        if field.type == "datetime":
            return DATETIMES.map(fields.Datetime.to_string)
        if field.type == "selection":
            keys = [key for key, _label in field._description_selection(self.env)]
            return st.sampled_from([*keys, "bogus", False])
        if field.type == "many2one":
            return st.sampled_from(self._relation_ids(field.comodel_name))
        if field.type == "binary":
            return st.sampled_from(["aGFsbG8=", "not base64!", ""])
        return None

    def _field_names(self, record):
        return sorted(
            name
            for name, field in record._fields.items()
            if name not in SKIPPED
            and field.store
            and field.type not in ("one2many", "many2many", "properties")
            and self._value_strategy(field) is not None
        )

    def _snapshot(self, record):
        self.env.invalidate_all()
        return record.sudo().read(self._field_names(record))

    def _try(self, call, record):
        """Run ``call`` as a schademanager; a refusal must be one of the user
        errors and leave ``record`` as it was."""
        before = self._snapshot(record)
        try:
            with self.env.cr.savepoint():
                call()
                self.env.flush_all()
        except REFUSALS:
            self.assertEqual(self._snapshot(record), before)
        else:
            self.env.invalidate_all()

    @settings(
        max_examples=200,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(data=st.data())
    def test_random_writes(self, data):
        key = data.draw(st.sampled_from(sorted(self.entry_points)))
        record = self.entry_points[key].with_user(self.bs_user)
        names = data.draw(
            st.lists(
                st.sampled_from(self._field_names(record)),
                min_size=1,
                max_size=4,
                unique=True,
            )
        )
        vals = {
            name: data.draw(self._value_strategy(record._fields[name]), label=name)
            for name in names
        }
        self._try(lambda: record.write(vals), record)

    @settings(
        max_examples=150,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(data=st.data())
    def test_random_creates(self, data):
        key = data.draw(st.sampled_from(["dossier", "calculation", "line", "booking"]))
        template = self.entry_points[key]
        Model = self.env[template._name].with_user(self.bs_user)
        base = {
            "dossier": self._dossier_vals,
            "calculation": lambda: {"dossier_id": self.dossier.id},
            "line": lambda: {
                "calculation_id": self.calculation.id,
                "name": "Regel",
                "line_type": "other",
            },
            "booking": lambda: {
                "dossier_id": self.dossier.id,
                "vehicle_id": self.booking.vehicle_id.id,
                "date_start": "2098-01-01 08:00:00",
                "date_end": "2098-01-02 08:00:00",
            },
        }[key]()
        names = data.draw(
            st.lists(
                st.sampled_from(self._field_names(template)),
                min_size=1,
                max_size=4,
                unique=True,
            )
        )
        vals = dict(
            base,
            **{
                name: data.draw(
                    self._value_strategy(template._fields[name]), label=name
                )
                for name in names
            },
        )
        count = Model.sudo().search_count([])
        try:
            with self.env.cr.savepoint():
                Model.create(vals)
                self.env.flush_all()
        except REFUSALS:
            self.assertEqual(Model.sudo().search_count([]), count)

    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        amount=st.one_of(
            NUMBERS, INTEGERS, TEXTS, st.none(), st.booleans(), st.just([1])
        )
    )
    def test_random_approval_amounts(self, amount):
        approval = self.approval.with_user(self.bs_user)
        self._try(lambda: approval.action_approve(amount), approval)

    def test_examples_are_refused_not_crashed(self):
        """The inputs of the issue, explicitly: refused, nothing written."""
        record = self.dossier.with_user(self.bs_user)
        for vals in (
            {"estimate_hours": math.nan},
            {"estimate_amount": 1e308},
            {"intake_date": "0001-01-01 00:00:00"},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                record.write(vals)
        self.assertEqual(self.dossier.estimate_hours, 0.0)
