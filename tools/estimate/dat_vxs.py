"""DAT's VXS calculation result (namespace ``http://www.dat.de/vxs``), as
SilverDAT / myClaim return it from ``calculate`` (the ``Dossier`` may sit in
a SOAP envelope) or export it as a file.

Time, as DAT's documentation states it: every ``Duration`` is in the
calculation's time unit, given in ``ProcedureRelatedParameters`` per factor
group (``LabourCostFactor`` for labour, the lacquer factor, e.g.
``EuroLacquerFactor``, for paint work, else ``CalculationFactor``):
``timeUnit`` is ``HOUR`` (``STD``), ``AW`` (Arbeitswert), ``ZE``
(Zeiteinheit) or ``AE`` (arbeidseenheid, Netherlands) and
``timeUnitsPerHour`` how many make an hour (1 for HOUR; e.g. 10 or 12 for
AW, 10 for AE). So ``hours = Duration / timeUnitsPerHour``. Wages
(``bodyWage1``, ``mechanicWage1``, ``electricWage1``, ``dentWage``, the
lacquer ``wage``...) are ``mode="PER_HOUR"`` (per hour) or
``"PER_TIME_SYSTEM"`` (per time unit: ``rate = wage x timeUnitsPerHour``).
A file in AW/ZE/AE without ``timeUnitsPerHour`` is refused rather than
guessed.

What is read (from the result ``CalcResultToUse`` names, normally
``CalcResultCommon``):

- ``MaterialPositions`` and ``MaterialPositionsMaintenance``: parts
  (``PartNumber``, ``Description``, ``Amount`` = quantity, ``ValuePerUnit``,
  ``ValueTotalCorrected``/``ValueTotal`` = amount; a lower amount than
  quantity x price is stated as ``discount_pct``). ``PartOrigin`` ``OE`` ->
  oem, ``UsedPart`` true -> used, other origins -> aftermarket;
- ``LabourPositions`` and ``LabourPositionsMaintenance``: labour, by
  ``WageType``: ``car body`` -> body, ``mechanic`` -> mechanical,
  ``electric`` -> electrical, ``dents`` -> pdr, ``lacquer`` -> paint,
  ``other`` -> None; ``RepairType`` -> operation: ``replace`` (E) ->
  replace, ``dis- and mounting`` (A), ``dis- and reassemble``,
  ``disassembly`` -> remove_refit, ``overhaul`` (I) -> repair, ``adjust``
  -> calibrate, ``technical inspection``, ``visual inspection``,
  ``measuring`` -> check, ``lacquer`` (L) -> paint; ``body cavity
  protection``, ``cleaning``, ``deareate``, ``plastic``, ``glass``,
  ``general`` -> None;
- ``LacquerPositions``: paint labour (operation paint), its wage part
  ``WageLevel1`` (else ``ValueTotal`` less ``Material``) as amount;
- paint material: ``RepairCalculationSummary/LacquerCosts/Material``
  (``SumMaterialCorrected``, else ``TotalSum``) as one paint_material line
  (it includes the lacquer constants); without it, each lacquer
  position's ``Material``;
- small parts: ``SparePartsCosts/ConsumablesSurcharge`` -> other;
  ``AuxiliaryCosts/TotalSum`` -> other;
- totals: ``TotalNetCorrected``/``TotalNetCosts``, ``TotalVATCorrected``/
  ``TotalVAT``, ``TotalGrossCorrected``/``TotalGrossCosts``;
- reference: the dossier's ``Name``, else ``DossierId`` (when not 0), else
  ``UUID``; currency: ``Currency``, else the ``dataCurrency`` parameter;
  vehicle: ``VehicleIdentNumber``, ``RegistrationData/LicenseNumber``,
  ``ManufacturerName``, ``BaseModelName`` (+ ``SubModelName``).

``ref`` is ``DATProcessId/LabourPosId`` (or ``DATProcessId``, or the
position's ``PartNumber``). Positions with ``IncludedInCalculation`` false
are listed in ``ignored``; unknown codes keep their line and add a note.
"""

from . import Estimate, EstimateError, EstimateLine, EstimateVehicle, _lt
from .xmlsafe import child, children, text
from .xmlsafe import money as _money
from .xmlsafe import number as _number

FORMAT = "dat_vxs"
NAMESPACE = "http://www.dat.de/vxs"

WAGE_TYPES = {
    "car body": "body",
    "body": "body",
    "mechanic": "mechanical",
    "mechanics": "mechanical",
    "electric": "electrical",
    "electrics": "electrical",
    "dents": "pdr",
    "lacquer": "paint",
}
WAGE_TYPES_NONE = {"other", ""}
# The wage parameter of each labour type, "<prefix>Wage<level>".
WAGE_PARAMETERS = {
    "body": "bodyWage",
    "mechanical": "mechanicWage",
    "electrical": "electricWage",
    "pdr": "dentWage",
}
REPAIR_TYPES = {
    "replace": "replace",
    "e": "replace",
    "dis- and mounting": "remove_refit",
    "a": "remove_refit",
    "dis- and reassemble": "remove_refit",
    "disassembly": "remove_refit",
    "overhaul": "repair",
    "i": "repair",
    "adjust": "calibrate",
    "technical inspection": "check",
    "visual inspection": "check",
    "measuring": "check",
    "lacquer": "paint",
    "l": "paint",
}
REPAIR_TYPES_NONE = {
    "",
    "body cavity protection",
    "cleaning",
    "deareate",
    "plastic",
    "glass",
    "general",
}
LACQUER_FACTORS = (
    "EuroLacquerFactor",
    "ManufacturerLacquerFactor",
    "AztLacquerFactor",
    "CzLacquerFactor",
    "CesvimapLacquerFactor",
    "FullyManualLacquerFactor",
)
HOUR_UNITS = {"HOUR", "STD", "H"}


def _dossier(root):
    if root.tag == f"{{{NAMESPACE}}}Dossier":
        return root
    return next(root.iter(f"{{{NAMESPACE}}}Dossier"), None)


def recognises(root):
    dossier = _dossier(root)
    return dossier is not None and child(dossier, "RepairCalculation") is not None


class _Reader:
    def __init__(self, dossier):
        self.dossier = dossier
        self.calculation = child(dossier, "RepairCalculation")
        self.estimate = Estimate(format=FORMAT)
        self.parameters = {}
        for parameter in self.calculation.iter("{*}ProcedureRelatedParameter"):
            key = (parameter.get("factor", ""), parameter.get("attribute", ""))
            self.parameters.setdefault(
                key, ((parameter.text or "").strip(), parameter.get("mode", ""))
            )

    def note(self, message):
        self.estimate.notes.append(message)

    def parameter(self, factor, attribute):
        return self.parameters.get((factor, attribute), ("", ""))

    # Time and wages

    def per_hour(self, factors):
        """Time units per hour for the first of ``factors`` stating a unit."""
        for factor in (*factors, "CalculationFactor"):
            unit = self.parameter(factor, "timeUnit")[0].upper()
            if not unit:
                continue
            if unit in HOUR_UNITS:
                return 1.0
            per_hour = self.parameter(factor, "timeUnitsPerHour")[0]
            try:
                value = float(per_hour)
            except ValueError:
                value = 0.0
            if value <= 0:
                raise EstimateError(
                    _lt(
                        "The calculation states its times in %(unit)s without "
                        "saying how many make an hour (timeUnitsPerHour)."
                    ),
                    unit=unit,
                )
            return value
        meta = ""
        for position in self.calculation.iter("{*}MetaPosition"):
            if position.get("key") == "TIME_UNIT_SYSTEM":
                meta = (position.get("value") or "").upper()
                break
        if meta and meta not in HOUR_UNITS:
            raise EstimateError(
                _lt(
                    "The calculation states its times in %(unit)s without "
                    "saying how many make an hour (timeUnitsPerHour)."
                ),
                unit=meta,
            )
        return 1.0

    def wage(self, factors, attribute, per_hour):
        """The hourly wage of ``attribute`` in the first of ``factors``."""
        for factor in factors:
            value, mode = self.parameter(factor, attribute)
            if not value:
                continue
            try:
                wage = float(value)
            except ValueError:
                continue
            if mode.upper() == "PER_TIME_SYSTEM":
                wage *= per_hour
            return _money(wage)
        return None

    def lacquer_factors(self):
        used = [
            factor
            for factor in LACQUER_FACTORS
            if any(key[0] == factor for key in self.parameters)
        ]
        return used or list(LACQUER_FACTORS)

    # Reading

    def result(self):
        to_use = text(self.calculation, "CalcResultToUse") or "common"
        name = "CalcResult" + to_use[:1].upper() + to_use[1:]
        result = child(self.calculation, name)
        if result is None:
            result = child(self.calculation, "CalcResultCommon")
        if result is None:
            raise EstimateError(
                _lt("The DAT calculation has no calculation result (%(name)s)."),
                name=name,
            )
        return result

    def parse(self):
        dossier, estimate = self.dossier, self.estimate
        dossier_id = text(dossier, "DossierId")
        estimate.reference = (
            text(dossier, "Name")
            or (dossier_id if dossier_id not in ("", "0") else "")
            or text(dossier, "UUID")
        )
        estimate.currency = (
            text(dossier, "Currency")
            or self.parameter("CalculationFactor", "dataCurrency")[0]
        ).upper()
        vehicle = child(dossier, "Vehicle")
        if vehicle is None:
            vehicle = child(self.calculation, "Vehicle")
        model = " ".join(
            part
            for part in (
                text(vehicle, "BaseModelName"),
                text(vehicle, "SubModelName"),
            )
            if part
        )
        estimate.vehicle = EstimateVehicle(
            vin=text(vehicle, "VehicleIdentNumber"),
            plate=text(vehicle, "RegistrationData", "LicenseNumber"),
            make=text(vehicle, "ManufacturerName"),
            model=model,
        )
        result = self.result()
        for group in ("MaterialPositions", "MaterialPositionsMaintenance"):
            for position in children(child(result, group), "MaterialPosition"):
                self.part(position)
        labour_per_hour = self.per_hour(("LabourCostFactor",))
        for group in ("LabourPositions", "LabourPositionsMaintenance"):
            for position in children(child(result, group), "LabourPosition"):
                self.labour(position, labour_per_hour)
        summary = child(result, "RepairCalculationSummary")
        if summary is None:
            summary = child(self.calculation, "CalculationSummary")
        lacquer = child(result, "LacquerPositions")
        positions = children(lacquer, "LacquerPosition")
        material_summary = child(summary, "LacquerCosts", "Material")
        if positions:
            self.lacquer(positions, per_material=material_summary is None)
        if material_summary is not None:
            amount = _number(material_summary, "SumMaterialCorrected", ref="summary")
            if amount is None:
                amount = _number(material_summary, "TotalSum", ref="summary")
            if amount:
                self.add(
                    "paint_material",
                    "Lacquer material",
                    "LacquerCosts",
                    quantity=1.0,
                    price_unit=amount,
                    amount=amount,
                )
        if summary is not None:
            small = _number(
                summary, "SparePartsCosts", "ConsumablesSurcharge", ref="summary"
            )
            if small:
                pct = text(summary, "SparePartsCosts", "ConsumablesSurchargePercentage")
                self.add(
                    "other",
                    f"Small parts ({pct} %)" if pct else "Small parts",
                    "SparePartsCosts",
                    quantity=1.0,
                    price_unit=small,
                    amount=small,
                )
            auxiliary = _number(summary, "AuxiliaryCosts", "TotalSum", ref="summary")
            if auxiliary:
                self.add(
                    "other",
                    "Auxiliary costs",
                    "AuxiliaryCosts",
                    quantity=1.0,
                    price_unit=auxiliary,
                    amount=auxiliary,
                )
            estimate.total_net = self.total(
                summary, "TotalNetCorrected", "TotalNetCosts"
            )
            estimate.total_vat = self.total(summary, "TotalVATCorrected", "TotalVAT")
            estimate.total_gross = self.total(
                summary, "TotalGrossCorrected", "TotalGrossCosts"
            )
        return estimate

    def total(self, summary, *names):
        for name in names:
            value = _number(summary, name, ref="summary")
            if value is not None:
                return value
        return None

    def add(self, kind, description, ref, **values):
        line = EstimateLine(kind=kind, description=description, ref=ref, **values)
        self.estimate.lines.append(line)
        return line

    def included(self, position, ref):
        if text(position, "IncludedInCalculation").lower() == "false":
            self.estimate.ignored.append((ref, _lt("not included in the calculation")))
            return False
        return True

    def part(self, position):
        number = text(position, "PartNumber") or text(position, "DATPartNumber")
        ref = text(position, "DATProcessId") or number
        if not self.included(position, ref):
            return
        quantity = _number(position, "Amount", ref=ref, default=1.0)
        price = _number(position, "ValuePerUnit", ref=ref, default=0.0)
        amount = _number(position, "ValueTotalCorrected", ref=ref)
        if amount is None:
            amount = _number(position, "ValueTotal", ref=ref)
        if amount is None:
            amount = _money(quantity * price)
        discount = 0.0
        full = quantity * price
        if full and abs(full - amount) >= 0.005:
            discount = round((1 - amount / full) * 100, 4)
        origin_code = text(position, "PartOrigin").upper()
        if text(position, "UsedPart").lower() == "true":
            origin = "used"
        elif origin_code in ("", "OE", "OEM"):
            origin = "oem"
        else:
            origin = "aftermarket"
        self.add(
            "part",
            text(position, "Description") or number,
            ref,
            part_number=number,
            quantity=quantity,
            price_unit=price,
            discount_pct=discount,
            origin=origin,
            amount=amount,
        )

    def labour(self, position, per_hour):
        process = text(position, "DATProcessId")
        pos_id = text(position, "LabourPosId") or text(position, "WorkNumber")
        ref = "/".join(part for part in (process, pos_id) if part)
        if not self.included(position, ref):
            return
        wage_type = text(position, "WageType").lower()
        labour_type = WAGE_TYPES.get(wage_type)
        if labour_type is None and wage_type not in WAGE_TYPES_NONE:
            self.note(
                _lt(
                    "Line %(line)s: unknown wage type %(code)s, labour type not set.",
                    line=ref,
                    code=wage_type,
                )
            )
        repair_type = text(position, "RepairType").lower()
        operation = REPAIR_TYPES.get(repair_type)
        if operation is None and repair_type not in REPAIR_TYPES_NONE:
            self.note(
                _lt(
                    "Line %(line)s: unknown repair type %(code)s, operation not set.",
                    line=ref,
                    code=repair_type,
                )
            )
        duration = _number(position, "Duration", ref=ref, default=0.0)
        hours = duration / per_hour
        amount = _number(position, "ValueTotalCorrected", ref=ref)
        if amount is None:
            amount = _number(position, "ValueTotal", ref=ref)
        rate = None
        if labour_type == "paint":
            rate = self.wage(self.lacquer_factors(), "wage", per_hour)
        elif labour_type in WAGE_PARAMETERS:
            level = text(position, "WageLevel") or "1"
            attribute = WAGE_PARAMETERS[labour_type]
            if labour_type != "pdr":
                attribute += level
            rate = self.wage(("LabourCostFactor",), attribute, per_hour)
        if rate is None and amount is not None and hours:
            rate = _money(amount / hours)
        if amount is None and rate is not None:
            amount = _money(hours * rate)
        self.add(
            "labour",
            text(position, "Description"),
            ref,
            labour_type=labour_type,
            operation=operation,
            hours=round(hours, 4),
            rate=rate,
            amount=amount,
        )

    def lacquer(self, positions, per_material):
        per_hour = self.per_hour(self.lacquer_factors())
        rate = self.wage(self.lacquer_factors(), "wage", per_hour)
        for position in positions:
            process = text(position, "DATProcessId")
            pos_id = text(position, "LabourPosId")
            ref = "/".join(part for part in (process, pos_id) if part)
            if not self.included(position, ref):
                continue
            description = text(position, "Description")
            material = _number(position, "Material", ref=ref, default=0.0)
            amount = _number(position, "WageLevel1", ref=ref)
            if amount is None:
                total = _number(position, "ValueTotalCorrected", ref=ref)
                if total is None:
                    total = _number(position, "ValueTotal", ref=ref, default=0.0)
                amount = _money(total - material)
            hours = _number(position, "Duration", ref=ref, default=0.0) / per_hour
            line_rate = rate
            if line_rate is None and hours:
                line_rate = _money(amount / hours)
            self.add(
                "labour",
                description,
                ref,
                labour_type="paint",
                operation="paint",
                hours=round(hours, 4),
                rate=line_rate,
                amount=amount,
            )
            if per_material and material:
                self.add(
                    "paint_material",
                    f"Lacquer material {description}".strip(),
                    ref,
                    quantity=1.0,
                    price_unit=material,
                    amount=material,
                )


def parse_root(root):
    """The :class:`Estimate` of a VXS document holding a ``Dossier`` with a
    ``RepairCalculation``."""
    return _Reader(_dossier(root)).parse()
