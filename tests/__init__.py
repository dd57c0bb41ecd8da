from . import test_access_menus
from . import test_dossier
from . import test_intake_wizard
from . import test_rdw
from . import test_tour
from . import test_translations
from . import test_vehicle_identification
from . import test_workshop_load
