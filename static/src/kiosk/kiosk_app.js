import {
    App,
    Component,
    onMounted,
    onWillDestroy,
    onWillStart,
    useExternalListener,
    useRef,
    useState,
    whenReady,
} from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { _t } from "@web/core/l10n/translation";
import { MainComponentsContainer } from "@web/core/main_components_container";
import { rpc } from "@web/core/network/rpc";
import { getTemplate } from "@web/core/templates";
import { makeEnv, startServices } from "@web/env";
import { KioskJobCard } from "./kiosk_job_card";
import { KioskPinPad } from "./kiosk_pin_pad";

// Back to the names after this long without a touch.
export const IDLE_DELAY = 60000;
// How long a confirmation (started, paused, done) shows.
export const CONFIRM_DELAY = 2500;

/**
 * The workshop kiosk: a technician picks his name (or scans his badge),
 * enters his PIN, and starts, pauses or stops his jobs. The server checks
 * every call; the tablet only keeps the short-lived key his PIN gave.
 */
export class KioskApp extends Component {
    static template = "bodyshop.KioskApp";
    static components = { KioskJobCard, KioskPinPad, MainComponentsContainer };
    static props = {
        token: String,
        companyName: String,
        logoUrl: String,
    };

    setup() {
        this.badgeRef = useRef("badge");
        this.state = useState({
            screen: "select",
            employees: [],
            employee: null,
            barcode: "",
            key: "",
            data: null,
            plate: "",
            searchJobs: null,
            message: "",
            error: "",
            busy: false,
        });
        this.idleTimer = null;
        this.confirmTimer = null;
        onWillStart(() => this.loadEmployees());
        onMounted(() => this.focusBadge());
        onWillDestroy(() => {
            browser.clearTimeout(this.idleTimer);
            browser.clearTimeout(this.confirmTimer);
        });
        useExternalListener(window, "pointerdown", () => this.resetIdle(), { capture: true });
        useExternalListener(window, "keydown", () => this.resetIdle(), { capture: true });
    }

    // ------------------------------------------------------------------
    // Server calls
    // ------------------------------------------------------------------

    /**
     * A kiosk call: the answer, or null after showing its refusal (a refusal
     * that signs the technician out brings back the names).
     */
    async call(route, params = {}, { background = false } = {}) {
        if (!background) {
            this.state.busy = true;
            this.state.error = "";
        }
        let result;
        try {
            result = await rpc(`/bodyshop/kiosk/${route}`, {
                token: this.props.token,
                ...params,
            });
        } catch {
            this.state.error = _t(
                "The kiosk cannot reach the server. Check the network and try again."
            );
            return null;
        } finally {
            if (!background) {
                this.state.busy = false;
            }
        }
        if (result.error) {
            if (result.signed_out) {
                this.signOut();
            }
            this.state.error = result.error;
            return null;
        }
        if (result.key) {
            this.state.key = result.key;
        }
        return result;
    }

    async callAsEmployee(route, params = {}) {
        return this.call(route, {
            employee_id: this.state.employee.id,
            key: this.state.key,
            ...params,
        });
    }

    async loadEmployees() {
        const result = await this.call("employees", {}, { background: true });
        if (result) {
            this.state.employees = result.employees;
        }
    }

    async loadJobs() {
        const result = await this.callAsEmployee("jobs");
        if (result) {
            this.state.data = result;
        }
        return result;
    }

    // ------------------------------------------------------------------
    // Screen 1: the names and the badge
    // ------------------------------------------------------------------

    focusBadge() {
        if (this.state.screen === "select" && this.badgeRef.el) {
            this.badgeRef.el.focus();
        }
    }

    onBadgeBlur() {
        // A scanner types into this field: it keeps the focus on this screen.
        browser.setTimeout(() => this.focusBadge(), 300);
    }

    onBadgeKeydown(ev) {
        if (ev.key !== "Enter") {
            return;
        }
        ev.preventDefault();
        const barcode = ev.target.value.trim();
        ev.target.value = "";
        if (barcode) {
            this.state.error = "";
            this.state.barcode = barcode;
            this.state.employee = null;
            this.state.screen = "pin";
            this.resetIdle();
        }
    }

    selectEmployee(employee) {
        this.state.error = "";
        this.state.barcode = "";
        this.state.employee = { id: employee.id, name: employee.name };
        this.state.screen = "pin";
        this.resetIdle();
    }

    // ------------------------------------------------------------------
    // Screen 2: the PIN
    // ------------------------------------------------------------------

    get pinTitle() {
        if (this.state.employee) {
            return _t("%(name)s, enter your PIN", { name: this.state.employee.name });
        }
        return _t("Badge scanned: enter your PIN");
    }

    async onPinConfirm(pin) {
        const params = { pin };
        if (this.state.barcode) {
            params.barcode = this.state.barcode;
        } else {
            params.employee_id = this.state.employee.id;
        }
        const result = await this.call("identify", params);
        if (!result) {
            return;
        }
        this.state.employee = { id: result.employee_id, name: result.name };
        this.state.barcode = "";
        if (await this.loadJobs()) {
            this.state.plate = "";
            this.state.searchJobs = null;
            this.state.screen = "jobs";
        }
    }

    // ------------------------------------------------------------------
    // Screen 3: his jobs
    // ------------------------------------------------------------------

    async onStart(job) {
        const result = await this.callAsEmployee("start", {
            dossier_id: job.dossier_id,
            labour_type: job.labour_type,
        });
        if (result) {
            this.confirm(result.message);
        }
    }

    async onPause() {
        const result = await this.callAsEmployee("pause");
        if (result) {
            this.confirm(result.message);
        }
    }

    async onStop() {
        const result = await this.callAsEmployee("stop");
        if (result) {
            this.confirm(result.message);
        }
    }

    async onSearch(ev) {
        ev.preventDefault();
        const result = await this.callAsEmployee("search", { plate: this.state.plate });
        if (result) {
            this.state.searchJobs = result.jobs;
        }
    }

    closeSearch() {
        this.state.plate = "";
        this.state.searchJobs = null;
    }

    // ------------------------------------------------------------------
    // Screen 4: the confirmation, then back to the names
    // ------------------------------------------------------------------

    confirm(message) {
        this.state.message = message;
        this.state.screen = "confirm";
        browser.clearTimeout(this.idleTimer);
        this.confirmTimer = browser.setTimeout(() => this.signOut(), CONFIRM_DELAY);
    }

    signOut() {
        browser.clearTimeout(this.idleTimer);
        browser.clearTimeout(this.confirmTimer);
        Object.assign(this.state, {
            screen: "select",
            employee: null,
            barcode: "",
            key: "",
            data: null,
            plate: "",
            searchJobs: null,
            message: "",
            error: "",
        });
        browser.setTimeout(() => this.focusBadge());
        this.loadEmployees();
    }

    resetIdle() {
        browser.clearTimeout(this.idleTimer);
        if (["pin", "jobs"].includes(this.state.screen)) {
            this.idleTimer = browser.setTimeout(() => this.signOut(), IDLE_DELAY);
        }
    }

    dismissError() {
        this.state.error = "";
    }
}

/** Mount the kiosk on the body of its public page, with its own environment. */
export async function mountKioskApp(document, info) {
    await whenReady();
    const env = makeEnv();
    await startServices(env);
    const app = new App(KioskApp, {
        getTemplate,
        env,
        props: {
            token: info.token,
            companyName: info.company_name,
            logoUrl: info.logo_url,
        },
        dev: env.debug,
        translateFn: _t,
        translatableAttributes: ["data-tooltip"],
    });
    return app.mount(document.body);
}
