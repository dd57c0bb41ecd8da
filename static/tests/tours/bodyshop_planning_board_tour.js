import { registry } from "@web/core/registry";

/**
 * A workshop manager plans the body work of a dossier on Piet Plaatwerker's
 * Tuesday of next week (always a future working day), moves the block to the
 * Wednesday, then removes it from the planning again.
 */
const BOARD = ".o_bodyshop_planning_board";
const PLATE = "TZ-101-B";
const TODO_CHIP = `.o_bodyshop_board_dossier:has(.o_bodyshop_plate:contains(${PLATE})) .o_bodyshop_board_todo[data-labour-type=body]`;
const TODO = `${BOARD} ${TODO_CHIP}`;
const ROW = `${BOARD}:not(.o_bodyshop_board_current_week) .o_bodyshop_board_row:has(.o_bodyshop_board_technician:contains(Piet Plaatwerker))`;
// The technician's name is the first column; the week starts on a Monday.
const TUESDAY = `${ROW} td.o_bodyshop_board_cell:nth-child(3)`;
const WEDNESDAY = `${ROW} td.o_bodyshop_board_cell:nth-child(4)`;
const SLOT = `.o_bodyshop_board_slot:contains(${PLATE})`;

registry.category("web_tour.tours").add("bodyshop_planning_board_tour", {
    steps: () => [
        {
            content: "The board opens on this week, with the body work to plan",
            trigger: `${BOARD}.o_bodyshop_board_current_week ${TODO_CHIP}:contains(6 h)`,
        },
        {
            content: "Go to next week",
            trigger: `${BOARD} .o_bodyshop_board_next`,
            run: "click",
        },
        {
            content: "Next week is shown",
            trigger: TUESDAY,
        },
        {
            content: "Drag the body work onto Piet's Tuesday",
            trigger: TODO,
            run: (helpers) => helpers.drag_and_drop(TUESDAY),
        },
        {
            content: "The 6 hours are planned on Tuesday",
            trigger: `${TUESDAY} ${SLOT}:contains(6 h):contains(Body Work)`,
        },
        {
            content: "The dossier has nothing left to plan",
            trigger: `${BOARD}:not(:has(.o_bodyshop_board_dossier:has(.o_bodyshop_plate:contains(${PLATE}))))`,
        },
        {
            content: "Piet's Tuesday reads 6 of 8 hours",
            trigger: `${TUESDAY} .o_bodyshop_board_load:contains(6 / 8 h)`,
        },
        {
            content: "Move the block to Wednesday",
            trigger: `${TUESDAY} ${SLOT}`,
            run: (helpers) => helpers.drag_and_drop(WEDNESDAY),
        },
        {
            content: "The block is on Wednesday",
            trigger: `${WEDNESDAY} ${SLOT}:contains(6 h)`,
        },
        {
            content: "Tuesday is free again",
            trigger: `${TUESDAY}:not(:has(.o_bodyshop_board_slot)) .o_bodyshop_board_load:contains(0 / 8 h)`,
        },
        {
            content: "Remove the block from the planning",
            trigger: `${WEDNESDAY} ${SLOT} .o_bodyshop_board_unplan`,
            run: "click",
        },
        {
            content: "The body work is to plan again",
            trigger: `${TODO}:contains(6 h)`,
        },
        {
            content: "Wednesday is free again",
            trigger: `${WEDNESDAY}:not(:has(.o_bodyshop_board_slot))`,
        },
        {
            content: "Plan it once more on Tuesday (checked in Python)",
            trigger: TODO,
            run: (helpers) => helpers.drag_and_drop(TUESDAY),
        },
        {
            content: "Planned again",
            trigger: `${TUESDAY} ${SLOT}:contains(6 h)`,
        },
    ],
});

/**
 * A body shop user (no workshop manager) sees the board: nothing to drag, no
 * block to remove; a block opens its dossier.
 */
registry.category("web_tour.tours").add("bodyshop_planning_board_read_only_tour", {
    steps: () => [
        {
            content: "The board is read only, 3.5 of the 6 hours to plan",
            trigger: `${BOARD}.o_bodyshop_board_readonly ${TODO_CHIP}:contains(3.5 h)`,
        },
        {
            content: "Go to next week",
            trigger: `${BOARD} .o_bodyshop_board_next`,
            run: "click",
        },
        {
            content: "The planned block is on Wednesday, without a remove button",
            trigger: `${WEDNESDAY} ${SLOT}:contains(2.5 h):not(:has(.o_bodyshop_board_unplan))`,
        },
        {
            content: "Dragging the hours to plan does nothing",
            trigger: TODO,
            run: (helpers) => helpers.drag_and_drop(TUESDAY),
        },
        {
            content: "Tuesday stays empty",
            trigger: `${TUESDAY}:not(:has(.o_bodyshop_board_slot))`,
        },
        {
            content: "Open the dossier from its block",
            trigger: `${WEDNESDAY} ${SLOT}`,
            run: "click",
        },
        {
            content: "The dossier form opens",
            trigger: `.o_form_view .o_breadcrumb:contains(Planning Board)`,
        },
    ],
});
