from odoo import _, fields, models
from odoo.exceptions import UserError

PHOTO_PHASES = [
    ("intake", "Intake"),
    ("teardown", "Teardown"),
    ("repair", "Repair"),
    ("delivery", "Delivery"),
]


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    bodyshop_photo_phase = fields.Selection(
        selection=PHOTO_PHASES,
        string="Photo Phase",
        index="btree_not_null",
        help="When the photo of a damage dossier was taken.",
    )

    def _bodyshop_attach_photos(self, dossier, phase):
        """Hang uploaded images on ``dossier`` as photos of ``phase``."""
        not_images = self.filtered(
            lambda a: not (a.mimetype or "").startswith("image/")
        )
        if not_images:
            raise UserError(
                _(
                    "Photos: %(files)s is not an image. Attach documents through "
                    "the chatter instead.",
                    files=", ".join(not_images.mapped("name")),
                )
            )
        self.write(
            {
                "res_model": dossier._name,
                "res_id": dossier.id,
                "bodyshop_photo_phase": phase,
            }
        )
