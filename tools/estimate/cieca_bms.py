"""CIECA BMS ``VehicleDamageEstimateAddRq``, the XML estimate CCC ONE,
Mitchell and Audatex (North America) export; namespace usually
``http://www.cieca.com/BMS`` (read here by local names, any namespace).

What is read:

- reference: ``DocumentInfo/DocumentID`` (else ``EstimateID``,
  ``RefClaimNum``, ``RqUID``); supplement: ``DocumentInfo/DocumentVer``
  with ``DocumentVerCode`` ``SU`` and its ``DocumentVerNum``;
- currency: ``DocumentInfo/CurrencyInfo/CurCode`` (else any ``CurCode``);
- vehicle: ``VehicleInfo/VINInfo/VIN/VINNum``, ``License/LicensePlateNum``,
  ``VehicleDesc/MakeDesc`` and ``ModelName``;
- hourly rates: ``ProfileInfo/RateInfo`` (``RateType``, ``Rate``) by labour
  type;
- each ``DamageLineInfo`` (``ref`` = its ``LineNum``) gives one line per
  money-bearing part: ``PartInfo`` (a part), ``LaborInfo`` and
  ``RefinishLaborInfo`` (labour), ``OtherChargesInfo`` (paint material or
  other). A line flagged as sublet (``SubletInfo`` with a ``*SubletInd``,
  ``PartType`` ``PAS`` or ``LaborOperation`` ``OP16``) is one sublet line
  of all its money;
- totals: ``RepairTotalsInfo/SummaryTotalsInfo``: ``TotalType`` ``NET`` (or
  a description saying net/subtotal) is ``total_net``; ``STX``/``TAX``/
  ``VAT`` (or a description saying tax/VAT/BTW) ``total_vat``; ``TOT``
  (gross total) ``total_gross``. Net is gross less tax when only those are
  given.

Labour types (``LaborType``) -> ``labour_type``:

====  ==============================  ==========
LAB   body                            body
LAR   refinish                        paint
LAM   mechanical                      mechanical
LAE   electrical                      electrical
LAF   frame                           body
LAS   structural                      body
LAG   glass                           body
LAD   diagnostic                      mechanical
LAU   user defined, LA1-LA4           None, noted
====  ==============================  ==========

Labour operations (``LaborOperation``) -> ``operation``:

=====  ===========================  =============================
OP1    refinish / repair            paint
OP2    remove / install             remove_refit
OP4    align                        calibrate
OP5    overhaul                     repair
OP6    refinish                     paint
OP7    inspect                      check
OP8    check / adjust               check
OP9    repair                       repair
OP10   partial repair               repair
OP11   remove / replace             replace
OP12   partial replace              replace
OP15   blend                        paint
OP16   sublet                       (line is a sublet)
OP26   paintless dent repair        repair, labour type pdr
OP0, OP3, OP13, OP14 ...            None
=====  ===========================  =============================

Part types (``PartType``) -> ``origin``: ``PAN``/``PAP`` new OEM -> oem,
``PAA`` aftermarket -> aftermarket, ``PAL`` recycled (LKQ) -> used, ``PAM``
remanufactured, ``PAR`` recored and ``PAC`` reconditioned -> repaired,
``PAG`` glass and ``PAO`` other -> None; ``PAS`` sublet makes the line a
sublet. Discount: ``PriceAdjustment`` (``AdjustmentType`` ``DISC`` or
absent -> ``discount_pct``; ``MKUP`` markup raises ``price_unit``, noted).

Other charges (``OtherChargesType`` or the line's ``MaterialType``):
``MAPA``/``PAINT``/``PM`` paint materials -> paint_material, ``SUB`` ->
sublet, anything else (``MASH`` shop materials, towing, storage ...) ->
other.

An unknown code keeps its line (labour type, operation or origin None) and
adds a note naming the line; a line with no money at all is listed in
``ignored``. Money is never dropped silently.
"""

from . import Estimate, EstimateLine, EstimateVehicle, _lt
from .xmlsafe import child, children, local, text
from .xmlsafe import money as _money
from .xmlsafe import number as _number

FORMAT = "cieca_bms"
ROOT = "VehicleDamageEstimateAddRq"

LABOR_TYPES = {
    "LAB": "body",
    "LAR": "paint",
    "LAM": "mechanical",
    "LAE": "electrical",
    "LAF": "body",
    "LAS": "body",
    "LAG": "body",
    "LAD": "mechanical",
}
OPERATIONS = {
    "OP1": "paint",
    "OP2": "remove_refit",
    "OP4": "calibrate",
    "OP5": "repair",
    "OP6": "paint",
    "OP7": "check",
    "OP8": "check",
    "OP9": "repair",
    "OP10": "repair",
    "OP11": "replace",
    "OP12": "replace",
    "OP15": "paint",
    "OP26": "repair",
}
# Known operations without an equivalent: no note.
OPERATIONS_NONE = {"OP0", "OP3", "OP13", "OP14", "OP16", "OP17", "OP18", "OP19"}
PART_ORIGINS = {
    "PAN": "oem",
    "PAP": "oem",
    "PAA": "aftermarket",
    "PAL": "used",
    "PAM": "repaired",
    "PAR": "repaired",
    "PAC": "repaired",
}
PART_ORIGINS_NONE = {"PAG", "PAO", "PAE"}
PAINT_MATERIALS = {"MAPA", "PAINT", "PM"}
SUBLET = {"SUB", "SUBLET"}
TRUE = {"1", "Y", "YES", "TRUE"}


def _request(root):
    if local(root) == ROOT:
        return root
    return next(root.iter("{*}" + ROOT), None)


def recognises(root):
    return _request(root) is not None


def _is_sublet(line):
    info = child(line, "SubletInfo")
    if info is None:
        info = child(line, "SubletInfoType")
    if info is not None and any(
        (node.text or "").strip().upper() in TRUE for node in info
    ):
        return True
    if text(line, "PartInfo", "PartType").upper() == "PAS":
        return True
    if text(line, "LaborInfo", "LaborOperation").upper() == "OP16":
        return True
    return text(line, "OtherChargesInfo", "OtherChargesType").upper() in SUBLET


class _Reader:
    def __init__(self, request):
        self.request = request
        self.estimate = Estimate(format=FORMAT)
        self.rates = {}

    def note(self, message):
        self.estimate.notes.append(message)

    def parse(self):
        request, estimate = self.request, self.estimate
        document = child(request, "DocumentInfo")
        estimate.reference = (
            text(document, "DocumentID")
            or text(request, "EstimateID")
            or text(request, "RefClaimNum")
            or text(request, "RqUID")
        )
        if text(document, "DocumentVer", "DocumentVerCode").upper() == "SU":
            estimate.supplement = int(
                _number(document, "DocumentVer", "DocumentVerNum", default=1) or 1
            )
        currency = text(document, "CurrencyInfo", "CurCode")
        if not currency:
            node = next(request.iter("{*}CurCode"), None)
            currency = text(node) if node is not None else ""
        estimate.currency = currency.upper()
        vehicle = child(request, "VehicleInfo")
        estimate.vehicle = EstimateVehicle(
            vin=text(vehicle, "VINInfo", "VIN", "VINNum")
            or text(vehicle, "VINInfo", "VINNum"),
            plate=text(vehicle, "License", "LicensePlateNum"),
            make=text(vehicle, "VehicleDesc", "MakeDesc"),
            model=text(vehicle, "VehicleDesc", "ModelName"),
        )
        for rate in request.iter("{*}RateInfo"):
            code = text(rate, "RateType").upper()
            value = _number(rate, "Rate", ref="ProfileInfo")
            if code and value is not None and code not in self.rates:
                self.rates[code] = value
        lines = list(request.iter("{*}DamageLineInfo"))
        for line in lines:
            if line.getparent() is not None and local(line.getparent()) in (
                "DamageLineHistoryInfo",
            ):
                continue
            self.line(line)
        self.totals()
        return estimate

    # Lines

    def line(self, line):
        ref = text(line, "LineNum") or text(line, "UniqueSequenceNum")
        description = text(line, "LineDesc") or text(line, "LineMemo")
        added = len(self.estimate.lines)
        if _is_sublet(line):
            self.sublet(line, ref, description)
        else:
            part = child(line, "PartInfo")
            if part is not None:
                self.part(part, ref, description)
            labour = child(line, "LaborInfo")
            if labour is not None:
                self.labour(labour, ref, description)
            refinish = child(line, "RefinishLaborInfo")
            if refinish is not None:
                self.labour(refinish, ref, description, refinish=True)
            for charge in children(line, "OtherChargesInfo"):
                self.charge(charge, ref, description, text(line, "MaterialType"))
        if len(self.estimate.lines) == added:
            self.estimate.ignored.append(
                (ref, _lt("no part, labour or charge with an amount"))
            )

    def sublet(self, line, ref, description):
        amount = 0.0
        part = child(line, "PartInfo")
        if part is not None:
            amount += _number(part, "PartPrice", ref=ref, default=0.0) * _number(
                part, "Quantity", ref=ref, default=1.0
            )
        labour = child(line, "LaborInfo")
        if labour is not None:
            amount += _number(labour, "LaborAmt", ref=ref, default=0.0)
        for charge in children(line, "OtherChargesInfo"):
            amount += self.charge_amount(charge, ref)
        amount = _money(amount)
        self.estimate.lines.append(
            EstimateLine(
                kind="sublet",
                description=description,
                ref=ref,
                quantity=1.0,
                price_unit=amount,
                amount=amount,
            )
        )

    def part(self, part, ref, description):
        code = text(part, "PartType").upper()
        origin = PART_ORIGINS.get(code)
        if code and origin is None and code not in PART_ORIGINS_NONE:
            self.note(
                _lt(
                    "Line %(line)s: unknown part type %(code)s, origin not set.",
                    line=ref,
                    code=code,
                )
            )
        price = _number(part, "PartPrice", ref=ref, default=0.0)
        quantity = _number(part, "Quantity", ref=ref, default=1.0)
        discount = 0.0
        for adjustment in children(part, "PriceAdjustment"):
            kind = text(adjustment, "AdjustmentType").upper()
            pct = _number(adjustment, "AdjustmentPct", ref=ref, default=0.0)
            pct_text = f"{pct:g}"
            if kind in ("", "DISC", "DISCOUNT"):
                discount += pct
            elif kind in ("MKUP", "MARKUP"):
                price = _money(price * (1 + pct / 100))
                self.note(
                    _lt(
                        "Line %(line)s: markup of %(pct)s %% added to the price.",
                        line=ref,
                        pct=pct_text,
                    )
                )
            else:
                self.note(
                    _lt(
                        "Line %(line)s: price adjustment %(kind)s not applied "
                        "(%(pct)s %%).",
                        line=ref,
                        kind=kind,
                        pct=pct_text,
                    )
                )
        if not price and not text(part, "PartNum"):
            return
        self.estimate.lines.append(
            EstimateLine(
                kind="part",
                description=description or text(part, "PartNum"),
                ref=ref,
                part_number=text(part, "PartNum") or text(part, "OEMPartNum"),
                quantity=quantity,
                price_unit=price,
                discount_pct=discount,
                origin=origin,
                amount=_money(quantity * price * (1 - discount / 100)),
            )
        )

    def labour(self, labour, ref, description, refinish=False):
        code = text(labour, "LaborType").upper()
        operation_code = text(labour, "LaborOperation").upper()
        hours = _number(labour, "LaborHours", ref=ref, default=0.0)
        amount = _number(labour, "LaborAmt", ref=ref)
        if not hours and not amount:
            return
        labour_type = LABOR_TYPES.get(code)
        if refinish and labour_type is None:
            labour_type = "paint"
        elif code and labour_type is None:
            self.note(
                _lt(
                    "Line %(line)s: unknown labour type %(code)s, labour type not set.",
                    line=ref,
                    code=code,
                )
            )
        operation = OPERATIONS.get(operation_code)
        if operation_code == "OP26":
            labour_type = "pdr"
        if refinish and operation is None:
            operation = "paint"
        elif (
            operation_code
            and operation is None
            and operation_code not in OPERATIONS_NONE
        ):
            self.note(
                _lt(
                    "Line %(line)s: unknown labour operation %(code)s, operation "
                    "not set.",
                    line=ref,
                    code=operation_code,
                )
            )
        rate = self.rates.get(code)
        if rate is None and amount is not None and hours:
            rate = _money(amount / hours)
        if amount is None and rate is not None:
            amount = _money(hours * rate)
        self.estimate.lines.append(
            EstimateLine(
                kind="labour",
                description=description,
                ref=ref,
                labour_type=labour_type,
                operation=operation,
                hours=hours,
                rate=rate,
                amount=amount,
            )
        )

    def charge_amount(self, charge, ref):
        price = _number(charge, "Price", ref=ref)
        if price is None:
            price = _number(charge, "OtherChargesAmt", ref=ref)
        if price is None:
            price = _number(charge, "Amount", ref=ref, default=0.0)
        return price * _number(charge, "Quantity", ref=ref, default=1.0)

    def charge(self, charge, ref, description, material_type):
        code = (text(charge, "OtherChargesType") or material_type).upper()
        quantity = _number(charge, "Quantity", ref=ref, default=1.0)
        amount = self.charge_amount(charge, ref)
        if not amount:
            return
        kind = "paint_material" if code in PAINT_MATERIALS else "other"
        self.estimate.lines.append(
            EstimateLine(
                kind=kind,
                description=description or code,
                ref=ref,
                quantity=quantity,
                price_unit=_money(amount / quantity) if quantity else amount,
                amount=_money(amount),
            )
        )

    # Totals

    def totals(self):
        estimate = self.estimate
        net = vat = gross = None
        for total in self.request.iter("{*}SummaryTotalsInfo"):
            kind = text(total, "TotalType").upper()
            sub = text(total, "TotalSubType").upper()
            desc = text(total, "TotalTypeDesc").lower()
            amount = _number(total, "TotalAmt", ref="RepairTotalsInfo")
            if amount is None:
                continue
            if kind in ("NET", "SUBTOTAL") or sub == "TT" or "net" in desc:
                net = amount
            elif kind in ("STX", "TAX", "VAT", "TX") or any(
                word in desc for word in ("tax", "vat", "btw")
            ):
                vat = (vat or 0.0) + amount
            elif kind in ("TOT", "GROSS") or "gross" in desc or "total" in desc:
                gross = amount
        if net is None and gross is not None and vat is not None:
            net = _money(gross - vat)
        estimate.total_net = net
        estimate.total_vat = _money(vat) if vat is not None else None
        estimate.total_gross = gross


def parse_root(root):
    """The :class:`Estimate` of a BMS document whose root (or a descendant)
    is ``VehicleDamageEstimateAddRq``."""
    return _Reader(_request(root)).parse()
