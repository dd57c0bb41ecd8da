from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

REPAIR_INFO_TYPES = [
    ("repair_method", "Repair Method"),
    ("position_statement", "Position Statement"),
    ("body_dimensions", "Body Dimensions"),
    ("adas", "ADAS Calibration"),
    ("ev_safety", "High-voltage Safety"),
    ("other", "Other"),
]


class BodyshopRepairInfo(models.Model):
    """Vehicle-specific repair information (voertuigspecifieke informatie)."""

    _name = "bodyshop.repair.info"
    _description = "OEM Repair Information"
    _order = "brand_id, model_id, info_type, name"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        index=True,
        help="Empty: shared by every company.",
    )
    brand_id = fields.Many2one(
        comodel_name="fleet.vehicle.model.brand",
        string="Make",
        required=True,
        index=True,
        compute="_compute_brand_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    model_id = fields.Many2one(
        comodel_name="fleet.vehicle.model",
        index=True,
        domain="[('brand_id', '=?', brand_id)]",
        help="Empty: applies to every model of the make.",
    )
    info_type = fields.Selection(
        selection=REPAIR_INFO_TYPES,
        string="Type",
        required=True,
        default="repair_method",
    )
    url = fields.Char(string="Link", help="The manufacturer's repair portal page.")
    document = fields.Binary(attachment=True)
    document_name = fields.Char()
    note = fields.Text(help="What the workshop must know, in short.")

    @api.depends("model_id")
    def _compute_brand_id(self):
        for info in self.filtered("model_id"):
            info.brand_id = info.model_id.brand_id

    @api.constrains("brand_id", "model_id")
    def _check_model_brand(self):
        for info in self:
            if info.model_id and info.model_id.brand_id != info.brand_id:
                raise ValidationError(
                    _(
                        "Model: %(model)s is not a model of %(brand)s.",
                        model=info.model_id.display_name,
                        brand=info.brand_id.name,
                    )
                )

    @api.constrains("name", "url", "document", "note")
    def _check_source(self):
        for info in self:
            if not info.url and not info.document and not info.note:
                raise ValidationError(
                    _(
                        "Repair information '%(name)s' needs a link, a document "
                        "or a note.",
                        name=info.name,
                    )
                )

    @api.model
    def _for_vehicles(self, vehicles):
        """Documents of each vehicle's model and of its make as a whole.

        Returns {vehicle: bodyshop.repair.info recordset}.
        """
        infos = self.search(
            [
                ("brand_id", "in", vehicles.brand_id.ids),
                "|",
                ("model_id", "=", False),
                ("model_id", "in", vehicles.model_id.ids),
            ]
        )
        return {
            vehicle: infos.filtered(
                lambda info, v=vehicle: (
                    info.brand_id == v.brand_id
                    and (not info.model_id or info.model_id == v.model_id)
                )
            )
            for vehicle in vehicles
        }
