import { Component, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { formatFloat } from "@web/core/utils/numbers";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

const { DateTime } = luxon;

const MODEL = "bodyshop.planning.slot";
const DAY_COUNT = 10;
// Narrowest columns (px): the grid scrolls sideways below that.
const NAME_WIDTH = 170;
const DAY_MIN_WIDTH = 112;
// Pixels the pointer moves before a press becomes a drag (a click otherwise).
const DRAG_THRESHOLD = 4;
// The grid scrolls by itself while a block is held this close to its edge.
const EDGE_SCROLL_ZONE = 40;
const EDGE_SCROLL_STEP = 12;
// The errors the board's actions raise on purpose: shown as a notification.
const USER_ERRORS = [
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
];

/**
 * The workshop planning board: a row per technician, a column per working
 * day, the planned blocks in the cells and, beside it, the dossiers whose
 * sold hours are not all planned yet. A workshop manager drags a dossier's
 * labour type onto a technician's day (its hours fill his free time from that
 * day on), drags a block to another technician or day, or removes it.
 *
 * Dragging uses pointer events (mouse, pen and touch alike, and the tours).
 */
export class PlanningBoard extends Component {
    static template = "bodyshop.PlanningBoard";
    static components = { Layout };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.notification = useService("notification");
        this.gridRef = useRef("grid");
        this.state = useState({
            data: null,
            search: "",
            busy: false,
            // What is being dragged: {kind: "todo"|"slot", labourType, ...}.
            drag: null,
            // The cell under the pointer while dragging: "employeeId|date".
            dropKey: null,
        });
        this.dateFrom = this.props.action.context?.date_from || null;
        this.loadId = 0;
        this.pointer = null;
        this.suppressClick = false;
        onWillStart(() => this.load());
        onWillUnmount(() => this.stopDrag());
    }

    // ------------------------------------------------------------------
    // Data
    // ------------------------------------------------------------------

    async load() {
        // Only the last of quick clicks on Previous / Next is shown.
        const loadId = ++this.loadId;
        const data = await this.orm.call(MODEL, "get_board_data", [], {
            date_from: this.dateFrom,
            day_count: DAY_COUNT,
        });
        if (loadId === this.loadId) {
            this.state.data = data;
            this.dateFrom = data.date_from;
        }
    }

    /**
     * Runs a board action, then shows the board as the server has it, also
     * when the action was refused (with the reason).
     */
    async execute(method, args) {
        this.state.busy = true;
        try {
            await this.orm.call(MODEL, method, args);
        } catch (error) {
            if (!USER_ERRORS.includes(error.exceptionName)) {
                throw error;
            }
            this.notification.add(error.data.message, {
                title: _t("Not planned"),
                type: "danger",
            });
        } finally {
            try {
                await this.load();
            } finally {
                this.state.busy = false;
            }
        }
    }

    get data() {
        return this.state.data;
    }

    get canEdit() {
        return this.data.can_edit;
    }

    /** Whether the board starts on the week of today. */
    get isCurrentWeek() {
        return (
            DateTime.fromISO(this.data.today).startOf("week").toISODate() === this.data.date_from
        );
    }

    get weekLabel() {
        const first = DateTime.fromISO(this.data.date_from);
        const days = this.data.days;
        const lastWeek = days.length
            ? DateTime.fromISO(days[days.length - 1].date).weekNumber
            : first.weekNumber;
        const values = {
            week: first.weekNumber,
            last_week: lastWeek,
            from: days[0]?.label || "",
            to: days[days.length - 1]?.label || "",
        };
        if (lastWeek !== first.weekNumber) {
            return _t("Weeks %(week)s–%(last_week)s: %(from)s – %(to)s", values);
        }
        return _t("Week %(week)s: %(from)s – %(to)s", values);
    }

    /** {"employeeId|date": [slot]} */
    get slotsByCell() {
        const cells = {};
        for (const slot of this.data.slots) {
            const key = `${slot.employee_id}|${slot.date}`;
            (cells[key] ||= []).push(slot);
        }
        return cells;
    }

    /** {date: {capacity, planned}} over all technicians. */
    get dayTotals() {
        const totals = {};
        for (const day of this.data.days) {
            totals[day.date] = { capacity: 0, planned: 0 };
        }
        for (const technician of this.data.technicians) {
            for (const [date, cell] of Object.entries(technician.cells)) {
                if (totals[date]) {
                    totals[date].capacity += cell.capacity;
                    totals[date].planned += cell.planned;
                }
            }
        }
        return totals;
    }

    get dossiers() {
        const search = this.state.search.trim().toLowerCase();
        if (!search) {
            return this.data.dossiers;
        }
        const compact = (text) => (text || "").toLowerCase().replace(/[\s-]/g, "");
        return this.data.dossiers.filter(
            (dossier) =>
                dossier.name.toLowerCase().includes(search) ||
                compact(dossier.license_plate).includes(compact(search)) ||
                dossier.vehicle.toLowerCase().includes(search)
        );
    }

    get remainingHours() {
        let hours = 0;
        for (const dossier of this.data.dossiers) {
            for (const line of dossier.remaining) {
                hours += line.hours;
            }
        }
        return hours;
    }

    get tableStyle() {
        return `min-width: ${NAME_WIDTH + this.data.days.length * DAY_MIN_WIDTH}px;`;
    }

    loadPercent(cell) {
        if (cell.capacity <= 0) {
            return cell.planned > 0 ? 100 : 0;
        }
        return Math.min(100, Math.round((cell.planned / cell.capacity) * 100));
    }

    formatHours(hours) {
        return formatFloat(hours, { digits: [false, 2], trailingZeros: false });
    }

    get todoTitle() {
        return this.canEdit ? _t("Drag onto a technician's day to plan these hours") : "";
    }

    slotClass(slot) {
        return {
            o_bodyshop_board_slot: true,
            o_bodyshop_chip: true,
            [`o_bodyshop_labour_${slot.labour_type}`]: true,
            o_bodyshop_slot_done: slot.done,
            o_bodyshop_slot_at_risk: slot.at_risk,
            o_bodyshop_movable: this.canEdit && !slot.done,
        };
    }

    cellClass(technician, day) {
        const cell = technician.cells[day.date];
        const key = `${technician.id}|${day.date}`;
        const classes = {
            o_bodyshop_today: day.today,
            o_bodyshop_past: day.date < this.data.today,
            o_bodyshop_holiday: Boolean(day.holiday),
            o_bodyshop_no_capacity: !day.holiday && cell.capacity <= 0,
            o_bodyshop_overbooked: cell.planned > cell.capacity + 0.005,
        };
        if (this.state.drag && this.state.dropKey === key) {
            const allowed = this.canDrop(technician, day);
            classes.o_bodyshop_drop_ok = allowed;
            classes.o_bodyshop_drop_refused = !allowed;
        }
        return classes;
    }

    cellTitle(technician, day) {
        const cell = technician.cells[day.date];
        if (day.holiday) {
            return day.holiday;
        }
        if (cell.capacity <= 0) {
            return _t("%(name)s does not work on this day.", { name: technician.name });
        }
        if (cell.planned > cell.capacity + 0.005) {
            return _t("Over-booked: %(planned)s h planned, %(capacity)s h available.", {
                planned: this.formatHours(cell.planned),
                capacity: this.formatHours(cell.capacity),
            });
        }
        return "";
    }

    /** Whether the dragged hours may go to that technician on that day. */
    canDrop(technician, day) {
        const drag = this.state.drag;
        if (!drag || day.date < this.data.today) {
            return false;
        }
        const codes = technician.labour_type_codes;
        return !codes.length || codes.includes(drag.labourType);
    }

    /** A technician who does the labour type being dragged. */
    isSuitable(technician) {
        const drag = this.state.drag;
        const codes = technician.labour_type_codes;
        return Boolean(drag) && (!codes.length || codes.includes(drag.labourType));
    }

    // ------------------------------------------------------------------
    // Navigation
    // ------------------------------------------------------------------

    async onPrevious() {
        this.dateFrom = this.data.previous;
        await this.load();
    }

    async onToday() {
        this.dateFrom = null;
        await this.load();
    }

    async onNext() {
        this.dateFrom = this.data.next;
        await this.load();
    }

    openDossier(dossierId) {
        if (this.suppressClick) {
            return;
        }
        this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "bodyshop.dossier",
            res_id: dossierId,
            views: [[false, "form"]],
            target: "current",
        });
    }

    async onUnplan(slot) {
        await this.execute("action_board_unplan", [[slot.id]]);
    }

    // ------------------------------------------------------------------
    // Drag and drop (pointer events)
    // ------------------------------------------------------------------

    /**
     * @param {PointerEvent} ev
     * @param {Object} drag what the chip holds: {kind, labourType, dossierId}
     *  for a dossier's labour type to plan, {kind, labourType, slotId,
     *  employeeId, date} for a planned block
     */
    onChipPointerDown(ev, drag) {
        if (!this.canEdit || drag.done || this.state.busy || ev.button !== 0 || this.pointer) {
            return;
        }
        if (ev.target.closest(".o_bodyshop_board_unplan")) {
            return;
        }
        // No text selection nor native image drag while moving.
        ev.preventDefault();
        // A touch captures the pointer on the chip: the events are to follow
        // the finger to the cell under it.
        if (ev.target.hasPointerCapture?.(ev.pointerId)) {
            ev.target.releasePointerCapture(ev.pointerId);
        }
        const chip = ev.currentTarget;
        this.pointer = {
            drag,
            chip,
            startX: ev.clientX,
            startY: ev.clientY,
            x: ev.clientX,
            y: ev.clientY,
            ghost: null,
            dragging: false,
            frame: null,
        };
        this.onWindowPointerMove = (moveEv) => this.onPointerMove(moveEv);
        this.onWindowPointerUp = (upEv) => this.onPointerUp(upEv);
        this.onWindowKeyDown = (keyEv) => keyEv.key === "Escape" && this.stopDrag();
        this.onWindowPointerCancel = () => this.stopDrag();
        window.addEventListener("pointermove", this.onWindowPointerMove, true);
        window.addEventListener("pointerup", this.onWindowPointerUp, true);
        window.addEventListener("pointercancel", this.onWindowPointerCancel, true);
        window.addEventListener("keydown", this.onWindowKeyDown, true);
    }

    onPointerMove(ev) {
        const pointer = this.pointer;
        pointer.x = ev.clientX;
        pointer.y = ev.clientY;
        if (!pointer.dragging) {
            const distance = Math.hypot(ev.clientX - pointer.startX, ev.clientY - pointer.startY);
            if (distance < DRAG_THRESHOLD) {
                return;
            }
            this.startDrag();
        }
        pointer.ghost.style.transform = `translate(${ev.clientX + 8}px, ${ev.clientY + 8}px)`;
        this.state.dropKey = this.cellKeyAt(ev);
    }

    async onPointerUp(ev) {
        const pointer = this.pointer;
        const dragging = pointer.dragging;
        const key = dragging ? this.cellKeyAt(ev) : null;
        this.stopDrag();
        if (!dragging) {
            return;
        }
        // The click that follows a drag is no click on a dossier.
        this.suppressClick = true;
        setTimeout(() => {
            this.suppressClick = false;
        });
        if (!key) {
            return;
        }
        const [employeeId, date] = key.split("|");
        const drag = pointer.drag;
        if (drag.kind === "todo") {
            await this.execute("action_board_plan", [
                drag.dossierId,
                drag.labourType,
                parseInt(employeeId),
                date,
            ]);
        } else if (parseInt(employeeId) !== drag.employeeId || date !== drag.date) {
            await this.execute("action_board_move", [[drag.slotId], parseInt(employeeId), date]);
        }
    }

    startDrag() {
        const pointer = this.pointer;
        pointer.dragging = true;
        const rect = pointer.chip.getBoundingClientRect();
        const ghost = pointer.chip.cloneNode(true);
        ghost.classList.add("o_bodyshop_drag_ghost");
        ghost.classList.remove("o_bodyshop_board_slot", "o_bodyshop_board_todo");
        ghost.style.width = `${rect.width}px`;
        document.body.appendChild(ghost);
        pointer.ghost = ghost;
        pointer.chip.classList.add("o_bodyshop_dragged");
        document.body.classList.add("o_bodyshop_dragging");
        this.state.drag = pointer.drag;
        const scroll = () => {
            this.edgeScroll();
            pointer.frame = requestAnimationFrame(scroll);
        };
        pointer.frame = requestAnimationFrame(scroll);
    }

    stopDrag() {
        const pointer = this.pointer;
        if (!pointer) {
            return;
        }
        window.removeEventListener("pointermove", this.onWindowPointerMove, true);
        window.removeEventListener("pointerup", this.onWindowPointerUp, true);
        window.removeEventListener("pointercancel", this.onWindowPointerCancel, true);
        window.removeEventListener("keydown", this.onWindowKeyDown, true);
        cancelAnimationFrame(pointer.frame);
        pointer.ghost?.remove();
        pointer.chip.classList.remove("o_bodyshop_dragged");
        document.body.classList.remove("o_bodyshop_dragging");
        this.pointer = null;
        this.state.drag = null;
        this.state.dropKey = null;
    }

    /** The "employeeId|date" of the board cell under the pointer, if any. */
    cellKeyAt(ev) {
        let target = ev.target instanceof Element ? ev.target : null;
        if (!target?.closest(".o_bodyshop_board_cell")) {
            target = document.elementFromPoint(ev.clientX, ev.clientY);
        }
        const cell = target?.closest(".o_bodyshop_board_cell");
        if (!cell || !this.gridRef.el?.contains(cell)) {
            return null;
        }
        return `${cell.dataset.employeeId}|${cell.dataset.date}`;
    }

    /** Scrolls the grid while a block is held near one of its edges. */
    edgeScroll() {
        const grid = this.gridRef.el;
        const pointer = this.pointer;
        if (!grid || !pointer) {
            return;
        }
        // The sticky technician column and day header do not scroll.
        const rect = grid.getBoundingClientRect();
        const left = rect.left + NAME_WIDTH;
        const top = rect.top + (grid.querySelector("thead")?.offsetHeight || 0);
        if (
            pointer.x < rect.left ||
            pointer.x > rect.right ||
            pointer.y < rect.top ||
            pointer.y > rect.bottom
        ) {
            return;
        }
        const step = (position, start, end) => {
            if (position < start + EDGE_SCROLL_ZONE) {
                return -EDGE_SCROLL_STEP;
            }
            if (position > end - EDGE_SCROLL_ZONE) {
                return EDGE_SCROLL_STEP;
            }
            return 0;
        };
        grid.scrollBy(step(pointer.x, left, rect.right), step(pointer.y, top, rect.bottom));
    }
}

registry.category("actions").add("bodyshop.planning_board", PlanningBoard);
