import logging

from odoo import _, models
from odoo.exceptions import AccessError, UserError, ValidationError

_logger = logging.getLogger(__name__)

# Attachments of an incoming mail that may be an exported calculation.
ESTIMATE_EXTENSIONS = (".xml", ".bms", ".vxs")


class BodyshopDossierImport(models.Model):
    """A mail to the dossier with an exported calculation attached imports
    it as a draft version."""

    _inherit = "bodyshop.dossier"

    def message_update(self, msg_dict, update_vals=None):
        result = super().message_update(msg_dict, update_vals=update_vals)
        for dossier in self:
            dossier._import_estimates_from_mail(msg_dict.get("attachments") or [])
        return result

    def _import_estimates_from_mail(self, attachments):
        """Import each calculation file among ``attachments`` (the mail
        gateway's (name, content, info) tuples); a note on the dossier says
        what became of it. A file that cannot be imported does not fail the
        mail: the note says why."""
        self.ensure_one()
        Calculation = self.env["bodyshop.calculation"]
        for attachment in attachments:
            filename, content = attachment[0], attachment[1]
            if not (filename or "").lower().endswith(ESTIMATE_EXTENSIONS):
                continue
            if isinstance(content, str):
                content = content.encode()
            try:
                with self.env.cr.savepoint():
                    # A mail never overwrites the lines of a draft somebody
                    # is typing (anyone can write to a dossier's thread).
                    calc = Calculation._import_estimate_file(
                        self, content, filename, replace_draft=False
                    )
            except (UserError, ValidationError, AccessError) as error:
                _logger.info(
                    "Dossier %s: %s not imported: %s", self.id, filename, error
                )
                self._message_log(
                    body=_(
                        "The calculation in %(file)s was not imported: %(error)s",
                        file=filename,
                        error=str(error),
                    )
                )
                continue
            self._message_log(
                body=_(
                    "%(file)s imported as %(name)s (untaxed %(amount)s, "
                    "difference with the file %(difference)s).",
                    file=filename,
                    name=calc.name,
                    amount=calc.amount_untaxed,
                    difference=calc.import_difference,
                )
            )
