"""Calculations exported by estimating systems, read into plain Python.

Each format is one parser module (``cieca_bms``: CIECA BMS
``VehicleDamageEstimateAddRq``, as CCC, Mitchell and Audatex North America
export it; ``dat_vxs``: DAT's VXS calculation result, namespace
``http://www.dat.de/vxs``) turning the file's bytes into an :class:`Estimate`;
:func:`parse` finds the format. A third format (Audatex, when a shop has its
interface) is one more module in ``PARSERS``. Mapping an estimate onto a
calculation version is the model's (``bodyshop.estimate.import``).

Nothing here touches the database; XML is read by :func:`xmlsafe.parse_xml`
only (no entities, no DTD, no network, bounded size).
"""

from dataclasses import dataclass, field

from odoo.tools.translate import LazyTranslate

# Messages are translated in the user's language when they are shown.
_lt = LazyTranslate(__name__)

# What a line is, in the calculation's terms (bodyshop.calculation.line
# line_type): labour, part, paint_material, sublet, other.
LINE_KINDS = ("labour", "part", "paint_material", "sublet", "other")
# The calculation's labour types (models/bodyshop_agreement.py LABOUR_TYPES).
LABOUR_TYPES = ("body", "paint", "mechanical", "electrical", "trim", "pdr")
# The calculation's operations (models/bodyshop_calculation_line.py OPERATIONS).
OPERATIONS = ("replace", "repair", "remove_refit", "paint", "check", "calibrate")
# Where a part comes from (PART_ORIGINS): new OEM, aftermarket, used, repaired.
PART_ORIGINS = ("oem", "aftermarket", "used", "repaired")


class EstimateError(ValueError):
    """The file cannot be imported: ``EstimateError(_lt("... %(line)s ..."),
    line=...)`` says why and which line. The model shows it in the user's
    language: ``UserError(self.env._(error.source, **error.params))``."""

    def __init__(self, message, **params):
        self.source = getattr(message, "_source", None) or str(message)
        self.params = params
        super().__init__(self.source % params if params else self.source)


@dataclass
class EstimateVehicle:
    vin: str = ""
    plate: str = ""
    make: str = ""
    model: str = ""


@dataclass
class EstimateLine:
    """One line of the estimate, already in the calculation's vocabulary.

    Labour states its time in hours (the version converts to AE by its units
    per hour) and the file's own hourly ``rate`` when it has one; a part its
    quantity, unit price, discount, new-for-old deduction and origin; paint
    material, sublet work and other costs their amount as ``price_unit`` x
    ``quantity``. ``amount`` is the file's own net amount of the line (after
    discount), to explain a difference; ``ref`` where the line is in the file
    (its number or id), for warnings.
    """

    kind: str
    description: str
    ref: str = ""
    labour_type: str | None = None
    operation: str | None = None
    hours: float = 0.0
    rate: float | None = None
    part_number: str = ""
    quantity: float = 1.0
    price_unit: float = 0.0
    discount_pct: float = 0.0
    nvo_pct: float = 0.0
    origin: str | None = None
    amount: float | None = None


@dataclass
class Estimate:
    """A whole estimate: what it is about, its lines and its own totals.

    ``total_net`` is the file's total before VAT (what the calculation's
    untaxed total must equal), ``total_gross`` with VAT when the file states
    it. ``notes`` say what was mapped by assumption, ``ignored`` which parts
    of the file were left out and why: (ref, reason) pairs for the import log;
    notes and reasons are ``_lt`` texts with their values (``str()`` reads
    them in English, ``env._(note)`` in the user's language).
    """

    format: str
    reference: str = ""
    # 0 for the first estimate, n for the file's n-th supplement.
    supplement: int = 0
    currency: str = ""
    vehicle: EstimateVehicle = field(default_factory=EstimateVehicle)
    lines: list[EstimateLine] = field(default_factory=list)
    total_net: float | None = None
    total_vat: float | None = None
    total_gross: float | None = None
    notes: list[str] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)


def parse(data, filename=""):
    """The :class:`Estimate` of an exported file, whichever known format it
    is in; :class:`EstimateError` when it is none of them or is broken."""
    from . import cieca_bms, dat_vxs, xmlsafe

    root = xmlsafe.parse_xml(data)
    for parser in (cieca_bms, dat_vxs):
        if parser.recognises(root):
            return parser.parse_root(root)
    raise EstimateError(
        _lt(
            "This file is not a calculation of a known estimating system "
            "(CIECA BMS or DAT VXS)."
        )
    )
