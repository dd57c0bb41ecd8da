import base64
import binascii

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.bodyshop_calculation_import import IMPORT_FORMATS


class BodyshopEstimateImport(models.TransientModel):
    """Import the calculation an estimating system exported onto a dossier:
    a preview of what the file holds, then a draft version (an estimate, or
    a supplement when the dossier has a calculation)."""

    _name = "bodyshop.estimate.import"
    _description = "Import a Calculation File"
    _inherit = ["bodyshop.wizard.mixin"]

    dossier_id = fields.Many2one(
        comodel_name="bodyshop.dossier", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="dossier_id.currency_id", compute_sudo=False)
    file = fields.Binary(string="Calculation File", required=True, attachment=False)
    filename = fields.Char()
    estimate_format = fields.Selection(
        selection=IMPORT_FORMATS, string="Format", compute="_compute_preview"
    )
    estimate_reference = fields.Char(string="Reference", compute="_compute_preview")
    line_count = fields.Integer(string="Lines", compute="_compute_preview")
    file_total = fields.Monetary(string="File's Net Total", compute="_compute_preview")
    parse_error = fields.Char(compute="_compute_preview")
    vehicle_mismatch = fields.Text(compute="_compute_preview")
    confirm_vehicle = fields.Boolean(
        string="Import for this dossier's car anyway",
        help="The file describes another vehicle than the dossier's car: tick "
        "to confirm it is this car.",
    )
    result_type = fields.Char(string="Result", compute="_compute_preview")

    @api.depends("file", "filename", "dossier_id")
    def _compute_preview(self):
        Calculation = self.env["bodyshop.calculation"]
        for wizard in self:
            values = {
                "estimate_format": False,
                "estimate_reference": False,
                "line_count": 0,
                "file_total": 0.0,
                "parse_error": False,
                "vehicle_mismatch": False,
                "result_type": False,
            }
            data = wizard._file_bytes()
            if data:
                try:
                    estimate = Calculation._parse_estimate(data, wizard.filename)
                except UserError as error:
                    values["parse_error"] = str(error)
                else:
                    values.update(
                        estimate_format=estimate.format,
                        estimate_reference=estimate.reference or False,
                        line_count=len(estimate.lines),
                        file_total=estimate.total_net or 0.0,
                    )
                    if wizard.dossier_id:
                        mismatch = Calculation._import_vehicle_mismatch(
                            wizard.dossier_id, estimate
                        )
                        values["vehicle_mismatch"] = "\n".join(mismatch) or False
            latest = wizard.dossier_id.current_calculation_id
            if latest and latest.state != "draft":
                values["result_type"] = _("A supplement on %(name)s", name=latest.name)
            elif latest.line_ids:
                values["result_type"] = _(
                    "Replaces the lines of draft %(name)s", name=latest.name
                )
            elif latest:
                values["result_type"] = _("Fills draft %(name)s", name=latest.name)
            elif wizard.dossier_id:
                values["result_type"] = _("An estimate")
            wizard.update(values)

    def _file_bytes(self):
        self.ensure_one()
        value = self.with_context(bin_size=False).file
        if not value:
            return b""
        if isinstance(value, str):
            value = value.encode()
        try:
            return base64.b64decode(value, validate=False)
        except (binascii.Error, ValueError):
            return b""

    def action_import(self):
        self.ensure_one()
        data = self._file_bytes()
        calc = self.env["bodyshop.calculation"]._import_estimate_file(
            self.dossier_id,
            data,
            self.filename or "",
            confirm_vehicle=self.confirm_vehicle,
        )
        return calc._get_form_action()
