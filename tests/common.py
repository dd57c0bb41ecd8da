from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase


class BodyshopCommon(TransactionCase):
    """Users of every kind, made here and never taken from demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Other Body Shop"})
        cls.plain_user = new_test_user(
            cls.env,
            login="bs_plain",
            groups="base.group_user",
            name="Plain Employee",
        )
        cls.bs_user = new_test_user(
            cls.env,
            login="bs_user",
            groups="bodyshop.group_bodyshop_user",
            name="Sanne Schademanager",
        )
        cls.bs_manager = new_test_user(
            cls.env,
            login="bs_manager",
            groups="bodyshop.group_bodyshop_manager",
            name="Marco Owner",
        )
        cls.bs_user_other_company = new_test_user(
            cls.env,
            login="bs_user_other",
            groups="bodyshop.group_bodyshop_user",
            name="Other Company Estimator",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )
