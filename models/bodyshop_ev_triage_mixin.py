from odoo import fields, models

EV_RISK_CLASSES = [
    ("green", "Green: no damage to the high-voltage system"),
    ("amber", "Amber: possible damage, observe"),
    ("red", "Red: damaged, quarantine"),
]
# The triage a dossier records and the intake wizard asks.
EV_TRIAGE_FIELDS = [
    "ev_risk_class",
    "ev_airbags_deployed",
    "ev_underbody_impact",
    "ev_smoke_or_noise",
    "ev_leakage",
    "ev_flooded",
    "ev_warning_lamps",
    "ev_battery_temperature",
    "ev_state_of_charge",
    "ev_checked_on",
    "ev_quarantine_location",
    "ev_quarantine_start",
    "ev_quarantine_end",
    "ev_safe_declared_by",
    "ev_safe_declared_on",
]


class BodyshopEvTriageMixin(models.AbstractModel):
    """EV / hybrid safety triage (NEN 9140) of a damaged car."""

    _name = "bodyshop.ev.triage.mixin"
    _description = "EV Safety Triage"

    ev_risk_class = fields.Selection(selection=EV_RISK_CLASSES, string="EV Risk Class")
    ev_airbags_deployed = fields.Boolean(string="Airbags Deployed")
    ev_underbody_impact = fields.Boolean(string="Underbody or Battery Housing Impact")
    ev_smoke_or_noise = fields.Boolean(string="Smoke, Odour or Hissing")
    ev_leakage = fields.Boolean(string="Leaking Fluids")
    ev_flooded = fields.Boolean(string="Flooded")
    ev_warning_lamps = fields.Boolean(string="High-voltage Warning Lamps")
    ev_battery_temperature = fields.Float(string="Battery Temperature (°C)")
    ev_state_of_charge = fields.Float(string="State of Charge (%)")
    ev_checked_on = fields.Datetime(string="Triage Performed On")
    ev_quarantine_location = fields.Char(string="Quarantine Location")
    ev_quarantine_start = fields.Datetime(string="Quarantine Start")
    ev_quarantine_end = fields.Datetime(string="Quarantine End")
    ev_safe_declared_by = fields.Char(
        string="Declared Voltage-free By",
        help="Name and qualification of the ev-VP (skilled person) who declared "
        "the vehicle voltage-free.",
    )
    ev_safe_declared_on = fields.Datetime(string="Declared Voltage-free On")
