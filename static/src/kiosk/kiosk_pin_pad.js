import { Component, useExternalListener, useState } from "@odoo/owl";

/**
 * A PIN pad for the touch screen: big digit buttons, clear and OK; the
 * keyboard works too (digits, Backspace, Delete, Enter, Escape).
 */
export class KioskPinPad extends Component {
    static template = "bodyshop.KioskPinPad";
    static props = {
        title: String,
        busy: { type: Boolean, optional: true },
        onConfirm: Function,
        onBack: Function,
    };

    setup() {
        this.digits = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];
        this.state = useState({ pin: "" });
        useExternalListener(window, "keydown", this.onKeydown);
    }

    get dots() {
        return Array.from(this.state.pin, () => "•").join(" ");
    }

    press(digit) {
        if (this.state.pin.length < 12) {
            this.state.pin += digit;
        }
    }

    clear() {
        this.state.pin = "";
    }

    confirm() {
        if (!this.state.pin || this.props.busy) {
            return;
        }
        const pin = this.state.pin;
        this.state.pin = "";
        this.props.onConfirm(pin);
    }

    onKeydown(ev) {
        if (/^[0-9]$/.test(ev.key)) {
            this.press(ev.key);
        } else if (ev.key === "Backspace") {
            this.state.pin = this.state.pin.slice(0, -1);
        } else if (ev.key === "Delete") {
            this.clear();
        } else if (ev.key === "Enter") {
            this.confirm();
        } else if (ev.key === "Escape") {
            this.props.onBack();
        } else {
            return;
        }
        ev.preventDefault();
        ev.stopPropagation();
    }
}
