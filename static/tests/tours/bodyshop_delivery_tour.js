import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("bodyshop_delivery_tour", {
    steps: () => [
        {
            content: "The car is ready for pickup: deliver it",
            trigger: '.o_form_view .o_statusbar_buttons button[name="action_deliver"]',
            run: "click",
        },
        {
            content: "The final inspection lists the checks",
            trigger: '.modal .o_field_widget[name="line_ids"] .o_data_row:contains("Panel gaps and fit")',
        },
        {
            content: "Everything is OK",
            trigger: '.modal .o_field_widget[name="all_ok"] input',
            run: "click",
        },
        {
            content: "All checks are ticked OK",
            trigger: '.modal .o_field_widget[name="line_ids"] .o_data_row:last .o_field_widget[name="result"] input[data-value="ok"]:checked',
        },
        {
            content: "The courtesy car comes back: its odometer",
            trigger: '.modal .o_field_widget[name="courtesy_odometer"] input',
            run: "edit 1320",
        },
        {
            content: "and its fuel level",
            trigger: '.modal .o_field_widget[name="courtesy_fuel_level"] input[data-value="75"]',
            run: "click",
        },
        {
            content: "Deliver",
            trigger: '.modal button[name="action_confirm"]',
            run: "click",
        },
        {
            content: "Delivered: the invoices can be made",
            trigger: '.o_form_view .o_statusbar_buttons button[name="action_create_invoices"]',
            run: "click",
        },
        {
            content: "The insurer's invoice is posted (numbered)",
            trigger: '.o_list_view .o_data_row:contains("Tourverzekeraar N.V."):contains("INV/")',
        },
        {
            content: "The customer's invoice (deductible)",
            trigger: '.o_list_view .o_data_row:contains("Tourklant Jansen"):contains("150.00")',
        },
    ],
});
