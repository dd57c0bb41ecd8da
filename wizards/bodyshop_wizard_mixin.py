from odoo import api, models


class BodyshopWizardMixin(models.AbstractModel):
    """A wizard that works on one record of a damage dossier (the dossier, an
    approval, a courtesy booking).

    Before it shows or stores anything, the user must be allowed to change
    that record: a user of another company cannot open the wizard on it and
    read the record through the wizard's related fields (which therefore
    read as the user, ``compute_sudo=False``).
    """

    _name = "bodyshop.wizard.mixin"
    _description = "Body Shop Wizard on a Record"
    _inherit = ["bodyshop.guard.mixin"]

    # The many2one field naming the record the wizard works on.
    _bodyshop_record_field = "dossier_id"

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        self._bodyshop_check_record_access(values)
        return values

    def onchange(self, values, field_names, fields_spec):
        self._bodyshop_check_record_access(values)
        return super().onchange(values, field_names, fields_spec)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._bodyshop_check_record_access(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._bodyshop_check_record_access(vals)
        return super().write(vals)

    def _bodyshop_check_record_access(self, values):
        name = self._bodyshop_record_field
        value = values.get(name)
        if isinstance(value, dict):
            value = value.get("id")
        if isinstance(value, int) and not isinstance(value, bool) and value:
            self.env[self._fields[name].comodel_name].browse(value).check_access(
                "write"
            )
