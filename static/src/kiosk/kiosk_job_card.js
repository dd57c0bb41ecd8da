import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { formatFloat } from "@web/core/utils/numbers";

/**
 * One job of the technician: the car, the operations of his labour type, the
 * EV and ADAS warnings, and a big Start button.
 */
export class KioskJobCard extends Component {
    static template = "bodyshop.KioskJobCard";
    static props = {
        job: Object,
        busy: { type: Boolean, optional: true },
        onStart: Function,
    };

    formatHours(hours) {
        return _t("%(hours)s h", {
            hours: formatFloat(hours, { digits: [false, 2], trailingZeros: false }),
        });
    }
}
