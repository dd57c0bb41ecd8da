"""Dutch licence plates (kentekens) and vehicle identification numbers.

Pure functions, no ORM: the fleet.vehicle extension and the intake wizard
call them, the tests exercise them directly.
"""

import re

# Sidecodes of Dutch licence plates (RDW): number -> pattern of the plate
# without hyphens, one group per part. X = letter, 9 = digit.
NL_SIDECODES = [
    (1, re.compile(r"^([A-Z]{2})(\d{2})(\d{2})$")),  # XX-99-99
    (2, re.compile(r"^(\d{2})(\d{2})([A-Z]{2})$")),  # 99-99-XX
    (3, re.compile(r"^(\d{2})([A-Z]{2})(\d{2})$")),  # 99-XX-99
    (4, re.compile(r"^([A-Z]{2})(\d{2})([A-Z]{2})$")),  # XX-99-XX
    (5, re.compile(r"^([A-Z]{2})([A-Z]{2})(\d{2})$")),  # XX-XX-99
    (6, re.compile(r"^(\d{2})([A-Z]{2})([A-Z]{2})$")),  # 99-XX-XX
    (7, re.compile(r"^(\d{2})([A-Z]{3})(\d)$")),  # 99-XXX-9
    (8, re.compile(r"^(\d)([A-Z]{3})(\d{2})$")),  # 9-XXX-99
    (9, re.compile(r"^([A-Z]{2})(\d{3})([A-Z])$")),  # XX-999-X
    (10, re.compile(r"^([A-Z])(\d{3})([A-Z]{2})$")),  # X-999-XX
    (11, re.compile(r"^([A-Z]{3})(\d{2})([A-Z])$")),  # XXX-99-X
    (12, re.compile(r"^([A-Z])(\d{2})([A-Z]{3})$")),  # X-99-XXX
    (13, re.compile(r"^(\d)([A-Z]{2})(\d{3})$")),  # 9-XX-999
    (14, re.compile(r"^(\d{3})([A-Z]{2})(\d)$")),  # 999-XX-9
]
# From sidecode 5 on, the RDW issues no vowels and no C or Q.
NL_FORBIDDEN_LETTERS_FROM_SIDECODE_5 = set("AEIOUCQ")

VIN_PATTERN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
VIN_TRANSLITERATION = {
    **{str(digit): digit for digit in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]


def compact(value):
    """Upper case, without spaces, hyphens and dots."""
    return re.sub(r"[\s.\-]", "", value or "").upper()


def nl_plate_sidecode(plate):
    """Return (sidecode, parts) of a Dutch plate, or (None, None)."""
    plate = compact(plate)
    for sidecode, pattern in NL_SIDECODES:
        match = pattern.match(plate)
        if not match:
            continue
        letters = set(re.sub(r"\d", "", plate))
        if sidecode >= 5 and letters & NL_FORBIDDEN_LETTERS_FROM_SIDECODE_5:
            return None, None
        return sidecode, match.groups()
    return None, None


def format_nl_plate(plate):
    """The plate in the RDW's notation (e.g. 'TT-601-D'), or None if invalid."""
    sidecode, parts = nl_plate_sidecode(plate)
    return "-".join(parts) if sidecode else None


def vin_is_well_formed(vin):
    """17 characters, digits and capitals without I, O and Q (ISO 3779)."""
    return bool(VIN_PATTERN.match(compact(vin)))


# World manufacturer identifiers whose region makes the check digit
# mandatory: North America (1-5) and China (L). European and other makers
# need not fill position 9 with it.
VIN_CHECK_DIGIT_REGIONS = set("12345L")


def vin_check_digit_applies(vin):
    """Whether the VIN comes from a region where position 9 is the check
    digit (North America, China)."""
    vin = compact(vin)
    return bool(vin) and vin[0] in VIN_CHECK_DIGIT_REGIONS


def vin_check_digit_ok(vin):
    """Whether position 9 holds the ISO 3779 check digit.

    Mandatory in North America only: in Europe a failing check is a warning.
    """
    vin = compact(vin)
    if not VIN_PATTERN.match(vin):
        return False
    total = sum(
        VIN_TRANSLITERATION[char] * weight
        for char, weight in zip(vin, VIN_WEIGHTS, strict=True)
    )
    remainder = total % 11
    expected = "X" if remainder == 10 else str(remainder)
    return vin[8] == expected
