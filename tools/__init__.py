from . import estimate
from . import rdw
from . import vehicle_identification
