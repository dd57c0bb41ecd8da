from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    bodyshop_dossier_id = fields.Many2one(
        comodel_name="bodyshop.dossier",
        string="Damage Dossier",
        index="btree_not_null",
        copy=False,
        check_company=True,
    )
    bodyshop_license_plate = fields.Char(
        related="bodyshop_dossier_id.license_plate", string="License Plate"
    )

    @api.constrains("bodyshop_dossier_id", "company_id")
    def _check_bodyshop_dossier_company(self):
        """Purchase orders do not check their companies by themselves: a
        dossier's orders are of the dossier's company."""
        for order in self.filtered("bodyshop_dossier_id"):
            dossier = order.sudo().bodyshop_dossier_id
            if dossier.company_id != order.company_id:
                raise ValidationError(
                    _(
                        "Purchase order %(order)s belongs to %(company)s: it "
                        "cannot be linked to a damage dossier of another company.",
                        order=order.name,
                        company=order.company_id.name,
                    )
                )

    def _add_supplier_to_product(self):
        """Purchase records the vendor of a confirmed line on its product. The
        catch-all products of calculation lines (body part, sublet work) must
        not get one: its price would be proposed for every other part."""
        generic = self.env["bodyshop.calculation.line"]._generic_purchase_products()
        sellers_before = generic.sudo().seller_ids
        result = super()._add_supplier_to_product()
        (generic.sudo().seller_ids - sellers_before).unlink()
        return result


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    bodyshop_calculation_line_id = fields.Many2one(
        comodel_name="bodyshop.calculation.line",
        string="Calculation Line",
        index="btree_not_null",
        copy=False,
        ondelete="set null",
    )

    @api.constrains("bodyshop_calculation_line_id", "order_id")
    def _check_bodyshop_calculation_line(self):
        for line in self.filtered("bodyshop_calculation_line_id"):
            dossier = line.bodyshop_calculation_line_id.dossier_id
            if line.order_id.bodyshop_dossier_id != dossier:
                raise ValidationError(
                    _(
                        "Purchase line '%(line)s' belongs to the calculation of "
                        "dossier %(dossier)s: its purchase order must be linked "
                        "to that dossier.",
                        line=line.name,
                        dossier=dossier.name,
                    )
                )

    @api.depends("order_id.bodyshop_dossier_id")
    def _compute_analytic_distribution(self):
        """A damage dossier's purchases (so their vendor bills) are booked on
        its analytic account."""
        result = super()._compute_analytic_distribution()
        for line in self.filtered(
            lambda pol: pol.order_id.bodyshop_dossier_id and not pol.display_type
        ):
            distribution = line.order_id.bodyshop_dossier_id._analytic_distribution()
            line.analytic_distribution = {
                **(line.analytic_distribution or {}),
                **distribution,
            }
        return result

    def _bodyshop_is_sublet(self):
        """Sublet work (werk derden) rather than a part, for the dossier's cost."""
        self.ensure_one()
        calculation_line = self.bodyshop_calculation_line_id
        if calculation_line:
            return calculation_line.line_type == "sublet"
        return self.product_id.type == "service"
