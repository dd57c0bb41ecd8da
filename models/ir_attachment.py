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
        """Hang uploaded images on ``dossier`` as photos of ``phase``: new
        uploads of this user, or photos of that same dossier (another phase);
        never the attachments of another record."""
        foreign = self.filtered(lambda a: not a._bodyshop_is_upload_for(dossier))
        if foreign:
            raise UserError(
                _(
                    "Photos: %(files)s belong to another record; upload the "
                    "photos again.",
                    files=", ".join(foreign.mapped("name")),
                )
            )
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

    def _bodyshop_is_upload_for(self, dossier):
        self.ensure_one()
        if (self.res_model, self.res_id) == (dossier._name, dossier.id):
            return True
        fresh = not self.res_id or (
            self.res_model in self.env and self.env[self.res_model]._transient
        )
        return fresh and (self.env.su or self.create_uid == self.env.user)
