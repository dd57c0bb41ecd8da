from . import test_access_menus
from . import test_tour
