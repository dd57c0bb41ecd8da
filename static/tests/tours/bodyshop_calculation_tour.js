import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("bodyshop_calculation_tour", {
    steps: () => [
        {
            content: "Start the calculation from the dossier",
            trigger: '.o_form_view button[name="action_start_calculation"]:contains("Calculation")',
            run: "click",
        },
        {
            content: "The calculation form opens as version 1",
            trigger: '.o_form_view .oe_title h1:contains("v1")',
        },
        {
            content: "Add a labour line",
            trigger: '.o_field_x2many_list_row_add a:contains("Add labour")',
            run: "click",
        },
        {
            content: "Labour type: paint",
            trigger: '.o_data_row:nth-child(1).o_selected_row .o_field_widget[name="labour_type"] select',
            run: 'select "paint"',
        },
        {
            content: "Describe the operation",
            trigger: '.o_data_row:nth-child(1).o_selected_row .o_field_widget[name="name"] textarea',
            run: "edit Motorkap spuiten",
        },
        {
            content: "Labour units",
            trigger: '.o_data_row:nth-child(1).o_selected_row .o_field_widget[name="labour_units"] input',
            run: "edit 20",
        },
        {
            content: "Add a part line",
            trigger: '.o_field_x2many_list_row_add a:contains("Add a part")',
            run: "click",
        },
        {
            content: "Part description",
            trigger: '.o_data_row:nth-child(2).o_selected_row .o_field_widget[name="name"] textarea',
            run: "edit Motorkap",
        },
        {
            content: "Part price",
            trigger: '.o_data_row:nth-child(2).o_selected_row .o_field_widget[name="price_unit"] input',
            run: "edit 500",
        },
        ...stepUtils.saveForm(),
        {
            content: "Totals are computed: 130.00 paint labour + 450.00 part",
            trigger: '.o_field_widget[name="amount_labour"]:contains("130.00")',
        },
        {
            content: "Send it for approval",
            trigger: 'button[name="action_send_mail"]',
            run: "click",
        },
        {
            content: "The quote mail opens with the PDF; send it",
            trigger: '.modal-footer button.btn-primary:contains("Send")',
            run: "click",
        },
        {
            content: "The version is locked and waits for the answer",
            trigger: 'button[name="action_register_answer"]',
            run: "click",
        },
        {
            content: "Payer's reference",
            trigger: '.modal .o_field_widget[name="reference"] input',
            run: "edit AUTH-2026-42",
        },
        {
            content: "Register the approval",
            trigger: '.modal button[name="action_confirm"]',
            run: "click",
        },
        {
            content: "The calculation is approved",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Approved")',
        },
    ],
});
