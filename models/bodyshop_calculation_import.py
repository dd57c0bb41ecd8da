import re
from collections import Counter

from markupsafe import Markup, escape

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

from ..tools.estimate import (
    LABOUR_TYPES,
    LINE_KINDS,
    OPERATIONS,
    PART_ORIGINS,
    EstimateError,
    parse,
)
from .bodyshop_dossier_portal import BodyshopCalculationPortal

IMPORT_FORMATS = [
    ("cieca_bms", "CIECA BMS"),
    ("dat_vxs", "DAT VXS"),
]
# A difference above this between our untaxed total and the file's net total
# is shown as a warning.
IMPORT_TOLERANCE = 0.01


def _normalise(text):
    """Letters and digits only, upper case: how plates and VINs compare."""
    return re.sub(r"[^0-9A-Z]", "", (text or "").upper())


class BodyshopCalculationImport(models.Model):
    """A version read from the file an estimating system exported (Audatex,
    DAT, CCC, Mitchell): its lines are the file's, its totals are compared
    with the file's own."""

    _inherit = "bodyshop.calculation"
    _bodyshop_workflow_fields = BodyshopCalculationPortal._bodyshop_workflow_fields + (
        "import_format",
        "import_reference",
        "import_total",
        "import_log",
        "import_attachment_id",
    )

    import_format = fields.Selection(
        selection=IMPORT_FORMATS,
        string="Imported From",
        readonly=True,
        copy=False,
    )
    import_reference = fields.Char(
        string="Estimate Reference",
        readonly=True,
        copy=False,
        help="The estimating system's own number of the calculation.",
    )
    import_total = fields.Monetary(
        string="File's Net Total",
        readonly=True,
        copy=False,
        help="The total before VAT the imported file states.",
    )
    import_difference = fields.Monetary(
        string="Difference with the File",
        compute="_compute_import_difference",
        store=True,
        help="Our untaxed amount minus the file's net total.",
    )
    import_log = fields.Html(
        readonly=True,
        copy=False,
        help="What the import mapped, what it left out and why.",
    )
    import_attachment_id = fields.Many2one(
        comodel_name="ir.attachment",
        string="Imported File",
        readonly=True,
        copy=False,
        ondelete="set null",
    )
    import_warning = fields.Boolean(compute="_compute_import_difference", store=True)

    @api.depends("import_format", "import_total", "amount_untaxed")
    def _compute_import_difference(self):
        for calc in self:
            if calc.import_format:
                currency = calc.currency_id or self.env.company.currency_id
                difference = currency.round(calc.amount_untaxed - calc.import_total)
            else:
                difference = 0.0
            calc.import_difference = difference
            calc.import_warning = abs(difference) > IMPORT_TOLERANCE

    # reading the file

    @api.model
    def _parse_estimate(self, data, filename=""):
        """The file's :class:`Estimate`; a UserError in the user's language
        when it is not a calculation that can be read."""
        if not data:
            raise UserError(_("Choose the file the estimating system exported."))
        try:
            return parse(data, filename or "")
        except EstimateError as error:
            raise UserError(self.env._(error.source, **error.params)) from None

    @api.model
    def _import_vehicle_mismatch(self, dossier, estimate):
        """What in the file's vehicle is not the dossier's car, one sentence
        a point; empty when it is the same car (or the file says nothing)."""
        vehicle = estimate.vehicle
        problems = []
        vin, dossier_vin = _normalise(vehicle.vin), _normalise(dossier.vin_sn)
        if vin and dossier_vin and vin != dossier_vin:
            problems.append(
                _(
                    "VIN %(file)s in the file, %(dossier)s on the dossier.",
                    file=vehicle.vin,
                    dossier=dossier.vin_sn,
                )
            )
        plate, dossier_plate = (
            _normalise(vehicle.plate),
            _normalise(dossier.license_plate),
        )
        if plate and dossier_plate and plate != dossier_plate:
            problems.append(
                _(
                    "Licence plate %(file)s in the file, %(dossier)s on the dossier.",
                    file=vehicle.plate,
                    dossier=dossier.license_plate,
                )
            )
        for label, in_file, on_dossier in (
            (_("Make"), vehicle.make, dossier.vehicle_brand_id.name),
            (_("Model"), vehicle.model, dossier.vehicle_model_id.name),
        ):
            a, b = _normalise(in_file), _normalise(on_dossier)
            if a and b and a not in b and b not in a:
                problems.append(
                    _(
                        "%(what)s %(file)s in the file, %(dossier)s on the dossier.",
                        what=label,
                        file=in_file,
                        dossier=on_dossier,
                    )
                )
        return problems

    # mapping

    @api.model
    def _import_base_parameters(self, dossier):
        """The rates and percentages the new version starts from: the latest
        version's (a supplement copies them), else the dossier's agreement's,
        else the defaults."""
        latest = dossier.current_calculation_id
        source = latest or dossier.agreement_id
        if source:
            return source._parameter_values()
        defaults = self.default_get(["units_per_hour", "paint_material_index"])
        return {
            "units_per_hour": defaults.get("units_per_hour") or 10.0,
            "rate_body": 0.0,
            "rate_paint": 0.0,
            "rate_mechanical": 0.0,
            "rate_electrical": 0.0,
            "rate_trim": 0.0,
            "rate_pdr": 0.0,
        }

    def _prepare_import_parameters(self, estimate, base, log):
        """The version's parameters for the file: its rate per labour type
        where all its lines agree, and neither paint material nor small parts
        of our own on top of the file's lines. Returns (parameters,
        {labour_type: the version's rate})."""
        params = {
            # The file's paint material line is the paint material: the
            # calculation computes none itself (a fixed amount of 0).
            "paint_material_method": "fixed",
            "paint_material_fixed": 0.0,
            "paint_material_pct": 0.0,
            "small_parts_pct": 0.0,
            "small_parts_min": 0.0,
            "small_parts_max": 0.0,
            "parts_discount_pct": 0.0,
        }
        rates = {}
        for labour_type in LABOUR_TYPES:
            found = Counter(
                line.rate
                for line in estimate.lines
                if line.kind == "labour"
                and line.labour_type == labour_type
                and line.rate is not None
            )
            if not found:
                rates[labour_type] = base.get(f"rate_{labour_type}") or 0.0
                continue
            rate = found.most_common(1)[0][0]
            rates[labour_type] = rate
            params[f"rate_{labour_type}"] = rate
            if len(found) > 1:
                log["notes"].append(
                    _(
                        "%(type)s: the file has several hourly rates; the version's "
                        "rate is %(rate)s, lines at another rate keep their own.",
                        type=self._labour_type_label(labour_type),
                        rate=rate,
                    )
                )
        return params, rates

    def _labour_type_label(self, labour_type):
        selection = self.env["bodyshop.calculation.line"]._fields["labour_type"]
        return dict(selection._description_selection(self.env)).get(
            labour_type, labour_type or ""
        )

    def _prepare_import_lines(
        self, estimate, units_per_hour=None, rates=None, log=None
    ):
        """Line values of the file's lines, in the file's order: labour in AE
        by the version's units per hour (and its own rate when it is not the
        version's), parts with their number, discount, new-for-old and
        origin, paint material, sublet work and other costs at the file's
        amount. Lines the calculation cannot hold are left out with a warning
        naming them (in ``log``)."""
        units_per_hour = units_per_hour or (self and self.units_per_hour) or 10.0
        rates = rates if rates is not None else {}
        if log is None:
            log = {"notes": [], "warnings": [], "ignored": []}
        vals_list = []
        for index, line in enumerate(estimate.lines, start=1):
            ref = line.ref or str(index)
            name = (line.description or "").strip() or _("Line %(ref)s", ref=ref)
            if line.kind not in LINE_KINDS:
                log["warnings"].append(
                    _(
                        "Line %(ref)s (%(name)s): unknown kind of line %(kind)s, "
                        "left out.",
                        ref=ref,
                        name=name,
                        kind=line.kind,
                    )
                )
                continue
            vals = {
                "sequence": index * 10,
                "line_type": line.kind,
                "name": name,
                "discount": line.discount_pct or 0.0,
            }
            operation = line.operation
            if operation and operation not in OPERATIONS:
                log["warnings"].append(
                    _(
                        "Line %(ref)s (%(name)s): unknown operation %(code)s, "
                        "imported without one.",
                        ref=ref,
                        name=name,
                        code=operation,
                    )
                )
                operation = False
            vals["operation"] = operation or False
            if line.kind == "labour":
                labour_type = line.labour_type
                if labour_type not in LABOUR_TYPES:
                    log["warnings"].append(
                        _(
                            "Line %(ref)s (%(name)s): unknown labour type %(code)s, "
                            "imported as body work.",
                            ref=ref,
                            name=name,
                            code=labour_type or "-",
                        )
                    )
                    labour_type = "body"
                exact = (line.hours or 0.0) * units_per_hour
                units = round(exact, 1)
                if abs(units - exact) > 1e-6:
                    log["warnings"].append(
                        _(
                            "Line %(ref)s (%(name)s): %(hours)s hours are %(exact)s "
                            "AE, rounded to %(units)s AE (AE have one decimal).",
                            ref=ref,
                            name=name,
                            hours=line.hours,
                            exact=round(exact, 4),
                            units=units,
                        )
                    )
                vals.update(
                    labour_type=labour_type,
                    labour_units=units,
                    quantity=1.0,
                    price_unit=0.0,
                )
                version_rate = rates.get(labour_type)
                if line.rate is not None and line.rate != version_rate:
                    vals["labour_rate"] = line.rate
            else:
                vals.update(
                    quantity=line.quantity if line.quantity is not None else 1.0,
                    price_unit=line.price_unit or 0.0,
                )
                if line.kind == "part":
                    origin = line.origin
                    if origin and origin not in PART_ORIGINS:
                        log["warnings"].append(
                            _(
                                "Line %(ref)s (%(name)s): unknown part origin "
                                "%(code)s, imported without one.",
                                ref=ref,
                                name=name,
                                code=origin,
                            )
                        )
                        origin = False
                    vals.update(
                        part_number=line.part_number or False,
                        nvo_pct=line.nvo_pct or 0.0,
                        part_origin=origin or False,
                    )
            vals_list.append(vals)
        return vals_list

    # importing

    @api.model
    def _import_estimate(
        self,
        dossier,
        estimate,
        data,
        filename,
        confirm_vehicle=False,
        replace_draft=True,
    ):
        """Make the draft version of ``dossier`` the file ``data`` holds
        (``estimate``, already parsed): an estimate, or a supplement on the
        latest version. Everything is checked before anything is written;
        the version is created in one go with its lines, its import fields
        and the file as attachment."""
        dossier.ensure_one()
        dossier.check_access("write")
        dossier._check_can_calculate()
        company_currency = dossier.currency_id or dossier.company_id.currency_id
        if estimate.currency and estimate.currency.upper() != company_currency.name:
            raise UserError(
                _(
                    "The calculation is in %(currency)s; dossier %(name)s is in "
                    "%(company_currency)s. Export it in %(company_currency)s.",
                    currency=estimate.currency,
                    name=dossier.name,
                    company_currency=company_currency.name,
                )
            )
        mismatch = self._import_vehicle_mismatch(dossier, estimate)
        if mismatch and not confirm_vehicle:
            raise UserError(
                _(
                    "The calculation is for another vehicle than dossier "
                    "%(name)s: %(problems)s Confirm the vehicle to import it "
                    "anyway.",
                    name=dossier.name,
                    problems=" ".join(mismatch),
                )
            )
        if not estimate.lines:
            raise UserError(_("The calculation has no lines: nothing to import."))
        latest = dossier.current_calculation_id
        # The parser's notes and reasons are lazy texts: in the user's language.
        log = {
            "notes": [self.env._(note) for note in estimate.notes],
            "warnings": [],
            "ignored": [],
        }
        if mismatch:
            log["warnings"].append(
                _("Vehicle confirmed by %(user)s:", user=self.env.user.name)
                + " "
                + " ".join(mismatch)
            )
        if not estimate.currency:
            log["notes"].append(
                _(
                    "The file names no currency: read as %(currency)s.",
                    currency=company_currency.name,
                )
            )
        base = self._import_base_parameters(dossier)
        params, rates = self._prepare_import_parameters(estimate, base, log)
        units_per_hour = base.get("units_per_hour") or 10.0
        lines_vals = self._prepare_import_lines(estimate, units_per_hour, rates, log)
        if not lines_vals:
            raise UserError(
                _(
                    "No line of the calculation can be imported: %(why)s",
                    why=" ".join(log["warnings"]),
                )
            )

        # Writing: one version, its lines, its import fields, the file.
        if latest and latest.state != "draft":
            action = latest.action_new_version("supplement")
            calc = self.browse(action["res_id"])
            calc.write(
                {**params, "line_ids": self._import_line_commands(calc, lines_vals)}
            )
        elif latest:
            # A draft is changed, not copied: the file's lines replace its own.
            calc = latest
            if calc.line_ids and not replace_draft:
                raise UserError(
                    _(
                        "%(name)s is a draft with lines of its own: import the "
                        "file from the dossier (Import Calculation), which says "
                        "that it replaces them.",
                        name=calc.name,
                    )
                )
            if calc.line_ids:
                log["notes"].append(
                    _(
                        "%(name)s was still a draft: its lines were replaced by "
                        "the file's.",
                        name=calc.name,
                    )
                )
            calc.write(
                {**params, "line_ids": self._import_line_commands(calc, lines_vals)}
            )
        else:
            calc = self.create(
                {
                    "dossier_id": dossier.id,
                    **base,
                    **params,
                    "line_ids": [Command.create(v) for v in lines_vals],
                }
            )
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": filename or f"{calc.name}.xml",
                    "raw": data,
                    "res_model": calc._name,
                    "res_id": calc.id,
                    "mimetype": "application/xml",
                }
            )
        )
        for name, reason in estimate.ignored:
            reason = self.env._(reason)
            log["ignored"].append(f"{name}: {reason}" if name else reason)
        calc._write_workflow(
            {
                "import_format": estimate.format,
                "import_reference": estimate.reference or False,
                "import_total": estimate.total_net or 0.0,
                "import_attachment_id": attachment.id,
            }
        )
        calc._write_workflow({"import_log": calc._import_log_html(estimate, log)})
        dossier.filtered(lambda d: d.state == "intake")._write_workflow(
            {"state": "calculation"}
        )
        calc.message_post(
            body=_(
                "Imported from %(file)s (%(format)s %(reference)s).",
                file=filename or "-",
                format=calc._selection_label("import_format"),
                reference=estimate.reference or "",
            ),
            attachment_ids=attachment.ids,
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )
        return calc

    def _import_line_commands(self, calc, lines_vals):
        """Commands replacing the supplement's copied lines by the file's:
        a line the file has again (same kind, labour type, operation, part
        number and description) is updated, so what was ordered for it still
        counts; the others are removed, the file's new lines created."""
        copied = {}
        for line in calc.line_ids:
            copied.setdefault(self._import_key(line), []).append(line)
        commands = []
        kept = set()
        for vals in lines_vals:
            candidates = copied.get(self._import_key(vals))
            if candidates:
                line = candidates.pop(0)
                kept.add(line.id)
                update = {
                    "labour_type": False,
                    "labour_units": 0.0,
                    "labour_rate": 0.0,
                    "part_number": False,
                    "part_origin": False,
                    "nvo_pct": 0.0,
                    "display_type": False,
                    **vals,
                }
                commands.append(Command.update(line.id, update))
            else:
                commands.append(Command.create(vals))
        commands[:0] = [
            Command.unlink(line.id) for line in calc.line_ids if line.id not in kept
        ]
        return commands

    @api.model
    def _import_key(self, line):
        """A line's _diff_key, of a line or of line values."""
        if isinstance(line, models.BaseModel):
            if line.display_type:
                return ("display", line.id)
            return line._diff_key()
        return (
            line.get("line_type") or "",
            line.get("labour_type") or "",
            line.get("operation") or "",
            (line.get("part_number") or "").strip().upper(),
            (line.get("name") or "").strip().lower(),
        )

    def _import_log_html(self, estimate, log):
        """The import log: what was mapped, the lines whose amount is not the
        file's, what was left out and why."""
        self.ensure_one()
        currency = self.currency_id

        def money(amount):
            return formatLang(self.env, amount, currency_obj=currency)

        lines = self.line_ids.filtered(lambda li: not li.display_type)
        by_sequence = {line.sequence: line for line in lines}
        differing = []
        for index, file_line in enumerate(estimate.lines, start=1):
            line = by_sequence.get(index * 10)
            if line is None or file_line.amount is None:
                continue
            if currency.compare_amounts(line.price_subtotal, file_line.amount):
                differing.append(
                    _(
                        "Line %(ref)s (%(name)s): %(ours)s here, %(file)s in the file.",
                        ref=file_line.ref or index,
                        name=line.name,
                        ours=money(line.price_subtotal),
                        file=money(file_line.amount),
                    )
                )
        counts = Counter(lines.mapped("line_type"))
        labels = dict(lines._fields["line_type"]._description_selection(self.env))
        mapped = ", ".join(
            f"{count} x {labels[kind]}" for kind, count in sorted(counts.items())
        )
        summary = [
            _(
                "%(count)s lines imported (%(mapped)s); %(units)s AE at %(uph)s AE "
                "per hour.",
                count=len(lines),
                mapped=mapped,
                units=formatLang(self.env, self.labour_units, digits=1),
                uph=formatLang(self.env, self.units_per_hour, digits=1),
            ),
            _(
                "Untaxed total %(ours)s, the file's net total %(file)s: "
                "difference %(difference)s.",
                ours=money(self.amount_untaxed),
                file=money(self.import_total),
                difference=money(self.import_difference),
            ),
            _(
                "Paint material and small parts are the file's lines: the "
                "calculation adds none of its own."
            ),
        ]
        if estimate.total_vat is not None and currency.compare_amounts(
            self.amount_tax, estimate.total_vat
        ):
            summary.append(
                _(
                    "VAT %(ours)s here, %(file)s in the file.",
                    ours=money(self.amount_tax),
                    file=money(estimate.total_vat),
                )
            )

        def section(title, items, css=""):
            if not items:
                return Markup("")
            return Markup("<p class='%s'><strong>%s</strong></p><ul>%s</ul>") % (
                css,
                title,
                Markup("").join(Markup("<li>%s</li>") % escape(str(i)) for i in items),
            )

        return Markup("").join(
            [
                section(_("Mapped"), summary + log["notes"]),
                section(_("Amounts other than the file's"), differing, "text-warning"),
                section(_("Warnings"), log["warnings"], "text-warning"),
                section(_("Left out"), log["ignored"]),
            ]
        )

    @api.model
    def _import_estimate_file(
        self, dossier, data, filename, confirm_vehicle=False, replace_draft=True
    ):
        """Parse and import ``data``: the version made."""
        estimate = self._parse_estimate(data, filename)
        return self._import_estimate(
            dossier, estimate, data, filename, confirm_vehicle, replace_draft
        )

    def action_open_import_attachment(self):
        self.ensure_one()
        if not self.import_attachment_id:
            return False
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.import_attachment_id.id}?download=true",
            "target": "download",
        }
