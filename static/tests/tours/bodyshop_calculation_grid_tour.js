import { edit, press, select } from "@odoo/hoot-dom";
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * A schademanager types a mixed 10-line calculation with the keyboard: one
 * click on the "Add ..." link of a kind of line, then every value typed and
 * Tab to the next column, Enter for the next line of the same kind.
 */
const ROW = ".o_list_renderer .o_data_row.o_selected_row";

function focused(field) {
    return `${ROW} .o_field_widget[name='${field}'] :is(input, textarea, select):focus`;
}

/** Type ``text`` in the focused ``field``, then press ``key``. */
function type(field, text, key = "Tab") {
    return {
        content: `${field}: ${text}`,
        trigger: focused(field),
        async run() {
            if (text !== null) {
                await edit(text);
            }
            await press(key);
        },
    };
}

function choose(field, value, key = "Tab") {
    return {
        content: `${field}: ${value}`,
        trigger: focused(field),
        async run() {
            await select(value);
            await press(key);
        },
    };
}

function add(label) {
    return {
        content: `Start the ${label} lines`,
        trigger: `.o_field_x2many_list_row_add a:contains("${label}")`,
        run: "click",
    };
}

function labourLine(labourType, name, units) {
    return [
        labourType ? choose("labour_type", `"${labourType}"`) : type("labour_type", null),
        type("name", name),
        type("labour_units", units, "Enter"),
    ];
}

function partLine(name, partNumber, quantity, price) {
    return [
        type("name", name),
        type("part_number", partNumber),
        type("quantity", quantity),
        type("price_unit", price, "Enter"),
    ];
}

function cell(row, field, text) {
    return {
        content: `Line ${row}, ${field}: ${text}`,
        trigger: `.o_list_renderer .o_data_row:nth-child(${row}) td[name='${field}']:contains("${text}")`,
    };
}

registry.category("web_tour.tours").add("bodyshop_calculation_grid_tour", {
    steps: () => [
        {
            content: "The draft calculation is open",
            trigger: '.o_form_view .oe_title h1:contains("v1")',
        },
        add("Add labour"),
        ...labourLine(null, "Voorbumper demonteren-monteren", "6"),
        ...labourLine(null, "Motorkap uitdeuken", "12"),
        ...labourLine("paint", "Motorkap spuiten", "18"),
        {
            content: "Leave the empty labour line Enter made",
            trigger: focused("labour_type"),
            run: "press Escape",
        },
        add("Add a part"),
        ...partLine("Voorbumper", "5G0807221", "1", "420"),
        ...partLine("Grille", "5G0853651", "1", "89.50"),
        ...partLine("Bevestigingsclips", "N90775701", "4", "2.50"),
        ...partLine("Koplamp links", "5G0941005", "1", "310"),
        {
            content: "Leave the empty part line",
            trigger: focused("name"),
            run: "press Escape",
        },
        add("Add sublet work"),
        ...partLine("Wielen uitlijnen", "UITLIJN", "1", "95"),
        ...partLine("ADAS-kalibratie voorcamera", "ADAS-CAM", "1", "185"),
        {
            content: "Leave the empty sublet line",
            trigger: focused("name"),
            run: "press Escape",
        },
        add("Add other costs"),
        type("name", "Berging"),
        type("quantity", "1"),
        type("price_unit", "145", "Escape"),
        ...stepUtils.saveForm(),
        // Every value in its own column.
        cell(1, "name", "Voorbumper demonteren-monteren"),
        cell(1, "labour_units", "6.0"),
        cell(2, "name", "Motorkap uitdeuken"),
        cell(3, "labour_type", "Paint Work"),
        cell(3, "labour_units", "18.0"),
        cell(4, "name", "Voorbumper"),
        cell(4, "part_number", "5G0807221"),
        cell(4, "price_unit", "420.00"),
        cell(6, "quantity", "4.00"),
        cell(6, "price_unit", "2.50"),
        cell(7, "part_number", "5G0941005"),
        cell(8, "line_type", "Sublet Work"),
        cell(9, "price_unit", "185.00"),
        cell(10, "name", "Berging"),
        cell(10, "line_type", "Other Costs"),
        cell(10, "price_unit", "145.00"),
    ],
});
