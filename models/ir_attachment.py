from odoo import _, fields, models
from odoo.exceptions import UserError

PHOTO_PHASES = [
    ("intake", "Intake"),
    ("checkin", "Check-in"),
    ("teardown", "Teardown"),
    ("repair", "Repair"),
    ("delivery", "Delivery"),
]

DOCUMENT_TYPES = [
    ("pre_scan", "Pre-repair Scan"),
    ("post_scan", "Post-repair Scan"),
    ("diagnosis", "Diagnosis Report"),
    ("alignment", "Wheel Alignment Report"),
    ("calibration", "ADAS Calibration Report"),
    ("measurement", "Body Measurement Report"),
    ("other", "Other Report"),
]


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    bodyshop_photo_phase = fields.Selection(
        selection=PHOTO_PHASES,
        string="Photo Phase",
        index="btree_not_null",
        help="When the photo of a damage dossier was taken.",
    )

    bodyshop_document_type = fields.Selection(
        selection=DOCUMENT_TYPES,
        string="Report Type",
        index="btree_not_null",
        help="What kind of report this is, for a document of a damage dossier.",
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
