from odoo import api, fields, models


class BodyshopDossier(models.Model):
    """What the public damage report (/bodyshop/damage-report) leaves on the
    dossier it creates."""

    _inherit = "bodyshop.dossier"

    digital_intake_ip = fields.Char(
        string="Reported From (IP)",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_system",
        help="IP address of the online damage report; counts the reports of one "
        "address for the rate limit.",
    )
    digital_intake_payer_name = fields.Char(
        string="Insurer Given Online",
        readonly=True,
        copy=False,
        help="The insurer the customer named in the online damage report, as typed.",
    )

    @api.model
    def _bodyshop_digital_intake_count(self, ip_address, since):
        """How many online reports ``ip_address`` made since ``since``."""
        return (
            self.sudo()
            .with_context(active_test=False)
            .search_count(
                [
                    ("intake_channel", "=", "digital"),
                    ("digital_intake_ip", "=", ip_address),
                    ("create_date", ">=", since),
                ]
            )
        )
