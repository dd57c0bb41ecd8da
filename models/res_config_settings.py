from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.rdw import DEFAULT_BASE_URL, DEFAULT_TIMEOUT


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    bodyshop_productive_hours = fields.Float(
        related="company_id.bodyshop_productive_hours",
        readonly=False,
    )
    bodyshop_expert_threshold = fields.Monetary(
        related="company_id.bodyshop_expert_threshold",
        readonly=False,
        currency_field="company_currency_id",
    )
    bodyshop_default_agreement_id = fields.Many2one(
        related="company_id.bodyshop_default_agreement_id",
        readonly=False,
    )
    bodyshop_invoice_post = fields.Boolean(
        related="company_id.bodyshop_invoice_post",
        readonly=False,
    )
    bodyshop_deductible_tax_id = fields.Many2one(
        related="company_id.bodyshop_deductible_tax_id",
        readonly=False,
    )
    bodyshop_cost_rate_body = fields.Monetary(
        related="company_id.bodyshop_cost_rate_body",
        readonly=False,
        currency_field="company_currency_id",
    )
    bodyshop_cost_rate_paint = fields.Monetary(
        related="company_id.bodyshop_cost_rate_paint",
        readonly=False,
        currency_field="company_currency_id",
    )
    bodyshop_cost_rate_mechanical = fields.Monetary(
        related="company_id.bodyshop_cost_rate_mechanical",
        readonly=False,
        currency_field="company_currency_id",
    )
    bodyshop_cost_rate_electrical = fields.Monetary(
        related="company_id.bodyshop_cost_rate_electrical",
        readonly=False,
        currency_field="company_currency_id",
    )
    bodyshop_cost_rate_trim = fields.Monetary(
        related="company_id.bodyshop_cost_rate_trim",
        readonly=False,
        currency_field="company_currency_id",
    )
    bodyshop_cost_rate_pdr = fields.Monetary(
        related="company_id.bodyshop_cost_rate_pdr",
        readonly=False,
        currency_field="company_currency_id",
    )
    bodyshop_paint_cost_pct = fields.Float(
        related="company_id.bodyshop_paint_cost_pct",
        readonly=False,
    )
    bodyshop_rdw_base_url = fields.Char(
        string="Vehicle Register URL",
        config_parameter="bodyshop.rdw_base_url",
        default=DEFAULT_BASE_URL,
        help="Base URL of the RDW open data API (Socrata).",
    )
    bodyshop_rdw_timeout = fields.Float(
        string="Vehicle Register Timeout (s)",
        config_parameter="bodyshop.rdw_timeout",
        default=DEFAULT_TIMEOUT,
    )

    # The workshop kiosk, beside the company's kiosk key.
    bodyshop_kiosk_url = fields.Char(
        related="company_id.bodyshop_kiosk_url",
        groups="bodyshop.group_bodyshop_workshop",
    )

    @api.constrains("bodyshop_rdw_timeout", "bodyshop_rdw_base_url")
    def _check_bodyshop_rdw(self):
        for settings in self:
            if settings.bodyshop_rdw_timeout <= 0:
                raise ValidationError(
                    self.env._(
                        "Vehicle Register Timeout: give a number of seconds above 0."
                    )
                )
            url = settings.bodyshop_rdw_base_url or ""
            if url and not url.startswith(("http://", "https://")):
                raise ValidationError(
                    self.env._(
                        "Vehicle Register URL: %(url)s must start with http:// or "
                        "https://.",
                        url=url,
                    )
                )

    def action_bodyshop_regenerate_kiosk_key(self):
        self.ensure_one()
        return self.company_id.action_bodyshop_regenerate_kiosk_key()
