from . import rdw
from . import vehicle_identification
