"""A small client of the Dutch vehicle register's open data (RDW, Socrata).

Two datasets, both queried by plate without hyphens:
- m9d7-ebf2, registered vehicles: make, trade name, colour, first admission;
- 8ys7-d773, fuels: one row per fuel, so a hybrid has two rows.
Every value is a string, dates are YYYYMMDD, an unknown plate is ``[]``.
"""

import datetime
import logging

import requests

_logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://opendata.rdw.nl"
DEFAULT_TIMEOUT = 5.0
DATASET_VEHICLES = "m9d7-ebf2"
DATASET_FUELS = "8ys7-d773"
ABSENT_VALUES = {"", "n.v.t.", "niet geregistreerd", "geen verstrekking in open data"}

# RDW fuel description -> fleet.vehicle fuel_type (one fuel row)
SINGLE_FUEL_TYPES = {
    "benzine": "gasoline",
    "diesel": "diesel",
    "elektriciteit": "electric",
    "waterstof": "hydrogen",
    "lpg": "lpg",
    "cng": "cng",
    "lng": "cng",
    "alcohol": "gasoline",
}


class RdwError(Exception):
    """The register could not be asked or gave an answer we cannot read."""


def _value(row, key):
    value = (row.get(key) or "").strip()
    return None if value.lower() in ABSENT_VALUES else value


def _date(value):
    if not value:
        return None
    try:
        return datetime.datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return None


def fuel_type_from_rows(fuel_rows):
    """The fleet fuel type for the register's fuel rows (None if unknown)."""
    fuels = [
        (_value(row, "brandstof_omschrijving") or "").lower()
        for row in sorted(fuel_rows, key=lambda r: r.get("brandstof_volgnummer") or "")
    ]
    fuels = [fuel for fuel in fuels if fuel]
    if not fuels:
        return None
    if len(fuels) == 1:
        return SINGLE_FUEL_TYPES.get(fuels[0])
    if "elektriciteit" in fuels:
        hybrid_class = {
            (_value(row, "klasse_hybride_elektrisch_voertuig") or "").upper()
            for row in fuel_rows
        }
        if "NOVC-HEV" in hybrid_class:
            return "full_hybrid"
        if "diesel" in fuels:
            return "plug_in_hybrid_diesel"
        return "plug_in_hybrid_gasoline"
    return SINGLE_FUEL_TYPES.get(fuels[0])


class RdwClient:
    """Looks a plate up in the register; ``env`` translates the errors."""

    def __init__(self, env, base_url=None, timeout=None):
        self.env = env
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.timeout = float(timeout or DEFAULT_TIMEOUT)

    def _get(self, dataset, plate):
        _ = self.env._
        url = f"{self.base_url}/resource/{dataset}.json"
        try:
            response = requests.get(
                url, params={"kenteken": plate}, timeout=self.timeout
            )
        except requests.exceptions.Timeout as error:
            raise RdwError(
                _(
                    "The vehicle register (RDW) did not answer within %(seconds)s "
                    "seconds.",
                    seconds=self.timeout,
                )
            ) from error
        except requests.exceptions.RequestException as error:
            _logger.info("RDW lookup of %s at %s failed: %s", plate, url, error)
            raise RdwError(
                _(
                    "The vehicle register (RDW) cannot be reached (no connection "
                    "to %(url)s).",
                    url=self.base_url,
                )
            ) from error
        if response.status_code != 200:
            raise RdwError(
                _(
                    "The vehicle register (RDW) answered with HTTP status %(status)s.",
                    status=response.status_code,
                )
            )
        try:
            rows = response.json()
        except ValueError as error:
            raise RdwError(
                _("The vehicle register (RDW) sent an answer that is not valid JSON.")
            ) from error
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise RdwError(
                _("The vehicle register (RDW) sent an answer of an unknown format.")
            )
        return rows

    def lookup(self, plate):
        """A dict of what the register knows of ``plate``, or None if unknown.

        ``plate`` is given in any notation; the register wants no hyphens.
        """
        key = "".join(ch for ch in (plate or "") if ch.isalnum()).upper()
        if not key:
            return None
        vehicles = self._get(DATASET_VEHICLES, key)
        if not vehicles:
            return None
        vehicle = vehicles[0]
        fuels = self._get(DATASET_FUELS, key)
        first_registration = _date(_value(vehicle, "datum_eerste_toelating"))
        return {
            "plate": key,
            "brand": _value(vehicle, "merk"),
            "model": _value(vehicle, "handelsbenaming"),
            "vehicle_kind": _value(vehicle, "voertuigsoort"),
            "color": (_value(vehicle, "eerste_kleur") or "").capitalize() or None,
            "first_registration_date": first_registration,
            "model_year": first_registration.year if first_registration else None,
            "seats": int(_value(vehicle, "aantal_zitplaatsen") or 0) or None,
            "apk_expiry_date": _date(_value(vehicle, "vervaldatum_apk")),
            "open_recall": _value(vehicle, "openstaande_terugroepactie_indicator")
            == "Ja",
            "fuels": [
                _value(row, "brandstof_omschrijving")
                for row in fuels
                if _value(row, "brandstof_omschrijving")
            ],
            "fuel_type": fuel_type_from_rows(fuels),
        }
