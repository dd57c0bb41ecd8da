from . import bodyshop_wizard_mixin
from . import bodyshop_intake_wizard
from . import bodyshop_photo_upload
from . import bodyshop_approval_response
from . import bodyshop_checkin_wizard
from . import bodyshop_courtesy_handover
from . import bodyshop_delivery_wizard
from . import bodyshop_dossier_cancel
