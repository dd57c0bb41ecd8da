from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _load(self, template_code, company, install_demo, force_create=True):
        result = super()._load(
            template_code, company, install_demo, force_create=force_create
        )
        company._bodyshop_ensure_deductible_tax()
        return result
