from odoo import fields, models

CHECK_RESULTS = [
    ("ok", "OK"),
    ("failed", "Not OK"),
    ("na", "Not Applicable"),
]


class BodyshopChecklistItem(models.Model):
    """A point of the final inspection before delivery (eindcontrole)."""

    _name = "bodyshop.checklist.item"
    _description = "Final Inspection Item"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(string="Check", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        index=True,
        help="Empty: every company checks it.",
    )
    description = fields.Char(help="What to look at.", translate=True)

    def _for_company(self, company):
        return self.search([("company_id", "in", [company.id, False])])


class BodyshopDossierChecklist(models.Model):
    """The final inspection as it was done for one dossier."""

    _name = "bodyshop.dossier.checklist"
    _description = "Final Inspection Result"
    _order = "dossier_id, sequence, id"

    dossier_id = fields.Many2one(
        comodel_name="bodyshop.dossier",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="dossier_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Check", required=True)
    result = fields.Selection(selection=CHECK_RESULTS, required=True)
    note = fields.Char()
