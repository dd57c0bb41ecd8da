import base64
import binascii
import math
from datetime import date, datetime

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError, ValidationError

# The largest number a body shop can mean: no repair costs a billion and no
# car drives a billion kilometres. Integers also stay within PostgreSQL's
# integer column.
MAX_NUMBER = 1_000_000_000
MAX_INTEGER = 2**31 - 1
# Dates a dossier can mean.
MIN_YEAR, MAX_YEAR = 1900, 2100


class BodyshopGuardMixin(models.AbstractModel):
    """What every body shop model and wizard refuses before it writes.

    Numbers must be finite, within bounds and (but for the signed fields) not
    negative; dates within a plausible range; selections one of their values;
    text without NUL characters; binary data base64. Each refusal is a
    ValidationError that names the field.

    On the stored models, the fields the workflow owns (MODEL.md) are written
    by the workflow only: its ``_do_*`` workers write them in superuser mode
    after their ``_check_can_*`` guards checked the user's rights, and data
    files load as superuser. A user or an RPC client who writes or creates
    them directly is refused: one2many commands and imports go through the
    same ``create``/``write``, and no context key opens the door. The addon's
    computed and related read-only fields belong to the workflow too.
    """

    _name = "bodyshop.guard.mixin"
    _description = "Body Shop Input Guard"

    # Fields the workflow owns besides the computed and related ones.
    _bodyshop_workflow_fields = ()
    # Numeric fields that may be negative.
    _bodyshop_signed_fields = ("sequence", "color")

    @api.model
    @tools.ormcache()
    def _bodyshop_owned_fields(self):
        """Names of the fields only the workflow writes (empty on wizards)."""
        if self._transient:
            return frozenset()
        derived = {
            name
            for name, field in self._fields.items()
            if field._module == "bodyshop"
            and field.readonly
            and (field.compute or field.related)
        }
        return frozenset(derived | set(self._bodyshop_workflow_fields))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._bodyshop_check_input(vals)
        model = self
        if not self.env.su:
            owned = self._bodyshop_owned_fields()
            for vals in vals_list:
                self._bodyshop_check_owned(owned & set(vals), vals, create=True)
            defaults = {f"default_{name}" for name in owned}
            if defaults & set(self.env.context):
                # A default from the context is a value like any other: the
                # workflow's fields start as the workflow starts them. The
                # context is replaced on purpose, without those keys only.
                model = self.with_context(  # pylint: disable=context-overridden
                    {
                        key: value
                        for key, value in self.env.context.items()
                        if key not in defaults
                    }
                )
        return super(BodyshopGuardMixin, model).create(vals_list)

    def write(self, vals):
        self._bodyshop_check_input(vals)
        if not self.env.su:
            self._bodyshop_check_owned(self._bodyshop_owned_fields() & set(vals), vals)
        return super().write(vals)

    def _bodyshop_mail_composer(self, template_xmlid, title, **context):
        """The mail composer on this record with ``template_xmlid``, as the
        send buttons of the dossier and the calculation open it."""
        self.ensure_one()
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id if template else False,
                "default_composition_mode": "comment",
                "force_email": True,
                **context,
            },
        }

    def _write_workflow(self, vals):
        """The workflow's own write of the fields it owns (its workers call
        it after their guards): the user must be allowed to change the
        records; the write itself is the workflow's."""
        if not self:
            return True
        self.check_access("write")
        return self.sudo().write(vals)

    def _selection_label(self, field_name="state"):
        """The value of selection ``field_name`` as the user reads it."""
        self.ensure_one()
        selection = self._fields[field_name]._description_selection(self.env)
        return dict(selection).get(self[field_name], "")

    def _bodyshop_check_owned(self, names, vals, create=False):
        for name in sorted(names):
            field = self._fields[name]
            if create and not (field.compute or field.related):
                # A record starts where the workflow starts it.
                default = field.default(self) if field.default else False
                if vals[name] == default or not vals[name]:
                    continue
            raise UserError(
                _(
                    "%(field)s of a %(model)s is set by the workflow (its buttons "
                    "and wizards), not written directly.",
                    field=field._description_string(self.env),
                    model=self._description,
                )
            )

    def _bodyshop_check_input(self, vals):
        for name, value in vals.items():
            field = self._fields.get(name)
            if field is None:
                continue
            label = field._description_string(self.env)
            if (
                field.required
                and field.type not in ("boolean", "integer", "float", "monetary")
                and (value is None or value is False or value == "")
            ):
                raise ValidationError(
                    _("%(field)s is required: it cannot be left empty.", field=label)
                )
            if value is None or value is False:
                continue
            if field.type in ("float", "monetary", "integer"):
                self._bodyshop_check_number(field, label, value)
            elif field.type in ("date", "datetime"):
                self._bodyshop_check_date(field, label, value)
            elif field.type in ("char", "text", "html"):
                if isinstance(value, str) and "\x00" in value:
                    raise ValidationError(
                        _("%(field)s: the text holds a NUL character.", field=label)
                    )
            elif field.type == "many2one":
                if isinstance(value, bool) or (
                    isinstance(value, int) and not 0 < value <= MAX_INTEGER
                ):
                    raise ValidationError(
                        _(
                            "%(field)s: %(value)s is not a record.",
                            field=label,
                            value=value,
                        )
                    )
                if not isinstance(value, (int, models.BaseModel)):
                    raise ValidationError(
                        _(
                            "%(field)s: %(value)s is not a record.",
                            field=label,
                            value=value,
                        )
                    )
            elif field.type == "selection" and not field.related:
                allowed = [
                    key for key, _label in field._description_selection(self.env)
                ]
                if value not in allowed:
                    raise ValidationError(
                        _(
                            "%(field)s: %(value)s is not one of the choices.",
                            field=label,
                            value=repr(value),
                        )
                    )
            elif field.type == "binary":
                self._bodyshop_check_binary(label, value)

    def _bodyshop_check_number(self, field, label, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise ValidationError(
                    _("%(field)s: %(value)s is not a number.", field=label, value=value)
                ) from None
        if not math.isfinite(value):
            raise ValidationError(
                _(
                    "%(field)s: give a finite number, not %(value)s.",
                    field=label,
                    value=value,
                )
            )
        limit = MAX_INTEGER if field.type == "integer" else MAX_NUMBER
        if abs(value) > limit:
            raise ValidationError(
                _(
                    "%(field)s: %(value)s is beyond any amount a body shop can "
                    "mean (at most %(limit)s).",
                    field=label,
                    value=value,
                    limit=limit,
                )
            )
        if value < 0 and field.name not in self._bodyshop_signed_fields:
            raise ValidationError(
                _("%(field)s cannot be negative (%(value)s).", field=label, value=value)
            )

    def _bodyshop_check_date(self, field, label, value):
        try:
            if field.type == "date":
                parsed = fields.Date.to_date(value)
            else:
                parsed = fields.Datetime.to_datetime(value)
        except (TypeError, ValueError):
            raise ValidationError(
                _("%(field)s: %(value)s is not a date.", field=label, value=value)
            ) from None
        if not isinstance(parsed, (date, datetime)):
            raise ValidationError(
                _("%(field)s: %(value)s is not a date.", field=label, value=value)
            )
        if not MIN_YEAR <= parsed.year <= MAX_YEAR:
            raise ValidationError(
                _(
                    "%(field)s: the year %(year)s is not plausible (give a date "
                    "from %(first)s to %(last)s).",
                    field=label,
                    year=parsed.year,
                    first=MIN_YEAR,
                    last=MAX_YEAR,
                )
            )

    def _bodyshop_check_binary(self, label, value):
        if isinstance(value, str):
            value = value.encode()
        if not isinstance(value, bytes):
            raise ValidationError(_("%(field)s: give a file.", field=label))
        try:
            base64.b64decode(b"".join(value.split()), validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError(
                _("%(field)s: the file is not base64-encoded.", field=label)
            ) from None
