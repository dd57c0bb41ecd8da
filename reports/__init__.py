from . import bodyshop_workshop_load
from . import bodyshop_kpi_report
from . import bodyshop_labour_report
