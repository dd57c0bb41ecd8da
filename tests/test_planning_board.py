from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import BodyshopWorkshopData


@tagged("post_install", "-at_install")
class TestPlanningBoardTour(BodyshopWorkshopData, HttpCase):
    """The planning board in the browser: drag and drop with the pointer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_workshop_data()
        # 60 AE of body work: 6 hours to plan.
        cls.dossier = cls._create_approved_dossier(units={"body": 60.0})

    def _next_week_monday(self, user):
        Slot = self.env["bodyshop.planning.slot"].with_user(user)
        today = fields.Date.context_today(Slot)
        return today - timedelta(days=today.weekday()) + timedelta(days=7)

    def test_planning_board_tour(self):
        """Plan a dossier's body work by dragging it onto a technician's day,
        move the block to another day, remove it and plan it again."""
        tuesday = self._next_week_monday(self.workshop_manager) + timedelta(days=1)
        self.start_tour(
            "/odoo/action-bodyshop.bodyshop_planning_board_action",
            "bodyshop_planning_board_tour",
            login="bs_workshop",
        )
        slots = self.env["bodyshop.planning.slot"].search(
            [("dossier_id", "=", self.dossier.id)]
        )
        self.assertRecordValues(
            slots,
            [
                {
                    "employee_id": self.plaatwerker.id,
                    "date": tuesday,
                    "labour_type": "body",
                    "hours": 6.0,
                    "done": False,
                }
            ],
        )

    def test_planning_board_read_only(self):
        """A body shop user sees the board and opens a dossier from it, but
        drags nothing and removes nothing."""
        monday = self._next_week_monday(self.bs_user)
        slot = self.env["bodyshop.planning.slot"].create(
            {
                "dossier_id": self.dossier.id,
                "employee_id": self.plaatwerker.id,
                "date": monday + timedelta(days=2),
                "labour_type": "body",
                "hours": 2.5,
            }
        )
        self.start_tour(
            "/odoo/action-bodyshop.bodyshop_planning_board_action",
            "bodyshop_planning_board_read_only_tour",
            login="bs_user",
        )
        self.assertTrue(slot.exists())
        self.assertEqual(slot.date, monday + timedelta(days=2))
