from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.modules.registry import FunctionStatus
from odoo.tools import sql

PAYER_ROLES = [
    ("insurer", "Insurer"),
    ("lease", "Lease Company"),
    ("fleet", "Fleet Owner"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    bodyshop_payer_type = fields.Selection(
        selection=PAYER_ROLES,
        string="Paying Party Type",
        help="Offered as paying party of damage dossiers of this type (set "
        "the first time the partner pays a dossier).",
    )
    bodyshop_supplier_discount = fields.Float(
        string="Supplier Discount (%)",
        digits="Discount",
        help="What this part supplier deducts from the list price: requests "
        "for quotation price a part at its calculation price less this "
        "discount, unless the supplier's price list has the part.",
    )

    bodyshop_dossier_ids = fields.One2many(
        comodel_name="bodyshop.dossier",
        inverse_name="customer_id",
        string="Damage Dossiers",
    )
    bodyshop_dossier_count = fields.Integer(
        string="Dossiers as Customer",
        compute="_compute_bodyshop_dossier_count",
    )
    bodyshop_payer_dossier_count = fields.Integer(
        string="Dossiers as Paying Party",
        compute="_compute_bodyshop_dossier_count",
    )

    def init(self):
        """A trigram index on the partner's full name: the damage dossiers'
        search bar finds a customer by part of his name among 100,000 of
        them without reading them all (benchmarks/scale.py). Made as Odoo
        makes the trigram index of a field."""
        super().init()
        registry = self.env.registry
        if not registry.has_trigram:
            return
        column = '"complete_name"'
        if registry.has_unaccent == FunctionStatus.INDEXABLE:
            column = registry.unaccent(column)
        sql.create_index(
            self.env.cr,
            "res_partner_complete_name_bodyshop_trgm_index",
            self._table,
            [f"{column} gin_trgm_ops"],
            "gin",
        )

    @api.constrains("bodyshop_supplier_discount")
    def _check_bodyshop_supplier_discount(self):
        for partner in self:
            if not 0 <= partner.bodyshop_supplier_discount <= 100:
                raise ValidationError(
                    _("Supplier Discount: give a percentage from 0 to 100.")
                )

    def _compute_bodyshop_dossier_count(self):
        dossiers = self.env["bodyshop.dossier"]
        if not dossiers.has_access("read"):
            self.bodyshop_dossier_count = 0
            self.bodyshop_payer_dossier_count = 0
            return
        as_customer = dict(
            dossiers._read_group(
                [("customer_id", "in", self.ids)], ["customer_id"], ["__count"]
            )
        )
        as_payer = dict(
            dossiers._read_group(
                [("payer_id", "in", self.ids)], ["payer_id"], ["__count"]
            )
        )
        for partner in self:
            partner.bodyshop_dossier_count = as_customer.get(partner, 0)
            partner.bodyshop_payer_dossier_count = as_payer.get(partner, 0)

    def action_open_bodyshop_dossiers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bodyshop.bodyshop_dossier_action"
        )
        action["domain"] = [
            "|",
            ("customer_id", "=", self.id),
            ("payer_id", "=", self.id),
        ]
        action["context"] = {"default_customer_id": self.id}
        return action
