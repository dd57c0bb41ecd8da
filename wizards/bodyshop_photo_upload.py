from odoo import _, fields, models
from odoo.exceptions import UserError

from ..models.ir_attachment import PHOTO_PHASES


class BodyshopPhotoUpload(models.TransientModel):
    _name = "bodyshop.photo.upload"
    _description = "Add Photos to a Damage Dossier"
    _inherit = ["bodyshop.wizard.mixin"]

    dossier_id = fields.Many2one(
        comodel_name="bodyshop.dossier",
        required=True,
        ondelete="cascade",
    )
    phase = fields.Selection(
        selection=PHOTO_PHASES,
        required=True,
        default=lambda self: self._default_phase(),
    )
    attachment_ids = fields.Many2many(
        comodel_name="ir.attachment",
        string="Photos",
    )

    def _default_phase(self):
        dossier = self.env["bodyshop.dossier"].browse(
            self.env.context.get("default_dossier_id")
        )
        return (
            dossier.exists()._photo_phase_for_state() if dossier.exists() else "intake"
        )

    def action_confirm(self):
        self.ensure_one()
        if not self.attachment_ids:
            raise UserError(_("Photos: choose at least one photo to upload."))
        self.attachment_ids._bodyshop_attach_photos(self.dossier_id, self.phase)
        self.dossier_id._message_log(
            body=_(
                "%(count)s photo(s) added (%(phase)s).",
                count=len(self.attachment_ids),
                phase=dict(PHOTO_PHASES)[self.phase],
            ),
        )
        return {"type": "ir.actions.act_window_close"}
