from . import damage_report
from . import kiosk
from . import portal
