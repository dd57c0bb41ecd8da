"""18.0.1.1.0: every dossier gets its analytic account; its invoice lines,
purchase lines and vendor bill lines the account's distribution; an invoiced
dossier its labour and paint cost booked at standard cost. Every margin stays
what it was."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
    env["res.company"]._bodyshop_setup_companies()
    dossiers = (
        env["bodyshop.dossier"]
        .with_context(active_test=False)
        .search([("analytic_account_id", "=", False)])
    )
    dossiers._create_analytic_accounts()
    for dossier in dossiers:
        distribution = dossier._analytic_distribution()
        invoice_lines = dossier.invoice_ids.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )
        purchase_lines = dossier.purchase_order_ids.order_line.filtered(
            lambda line: not line.display_type
        )
        bill_lines = purchase_lines.invoice_lines
        for lines in (invoice_lines, purchase_lines, bill_lines):
            for line in lines:
                line.analytic_distribution = {
                    **(line.analytic_distribution or {}),
                    **distribution,
                }
        if dossier.invoiced_calculation_id:
            dossier._book_standard_costs(dossier.invoiced_calculation_id)
    margin_fields = [
        dossiers._fields[name]
        for name in (
            "amount_invoiced",
            "cost_parts",
            "cost_sublet",
            "cost_labour",
            "cost_paint",
            "margin",
            "margin_percent",
            "cost_incomplete",
        )
    ]
    for field in margin_fields:
        env.add_to_compute(field, dossiers)
    env.flush_all()
