from odoo import models
from odoo.tools import SQL


class IrSequence(models.Model):
    _inherit = "ir.sequence"

    def _create_date_range_seq(self, date):
        """The first dossier of a year makes the year's number range. Two made
        at once would each make one, both starting at 1: the second waits for
        the first here and is retried (a concurrent update), then numbers on
        in the first one's range."""
        if self.code == "bodyshop.dossier":
            self.env.cr.execute(
                SQL(
                    "UPDATE ir_sequence SET write_date = write_date WHERE id = %s",
                    self.id,
                )
            )
        return super()._create_date_range_seq(date)
