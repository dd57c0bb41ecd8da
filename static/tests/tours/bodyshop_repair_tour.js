import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("bodyshop_repair_tour", {
    steps: () => [
        {
            content: "The dossier is approved: the car can be checked in",
            trigger: '.o_form_view .o_statusbar_buttons button[name="action_checkin"]',
        },
        {
            content: "Order the parts of the approved calculation",
            trigger: '.o_form_view .o_statusbar_buttons button[name="action_order_parts"]',
            run: "click",
        },
        {
            content: "The request for quotation to the supplier opens",
            trigger: '.o_form_view .o_field_widget[name="partner_id"] input:value("Tour Onderdelen B.V.")',
        },
        {
            content: "Confirm the order",
            trigger: '.o_form_view button[name="button_confirm"]',
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Purchase Order")',
        },
        {
            content: "Back to the dossier",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('SD')",
            run: "click",
        },
        {
            content: "Open the parts tab",
            trigger: '.o_notebook a.nav-link:contains("Parts and Sublet Work")',
            run: "click",
        },
        {
            content: "The bumper is ordered",
            trigger: '.o_field_widget[name="parts_line_ids"] .o_data_row:contains("Voorbumper") .o_field_widget[name="purchase_status"]:contains("Ordered")',
        },
        {
            content: "Book a courtesy car",
            trigger: '.o_form_view .o_statusbar_buttons button[name="action_book_courtesy_car"]',
            run: "click",
        },
        {
            content: "The free courtesy cars of the period are counted",
            trigger: '.modal .o_field_widget[name="availability_info"]:contains("courtesy cars free in this period")',
        },
        {
            content: "Choose the courtesy car",
            trigger: '.modal .o_field_widget[name="vehicle_id"] input',
            run: "edit GX-501",
        },
        {
            content: "Pick it from the free cars",
            trigger: '.o-autocomplete--dropdown-menu a:contains("GX-501-K")',
            run: "click",
        },
        {
            content: "Save the booking",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The booking is on the dossier",
            trigger: '.o_form_view button[name="action_open_courtesy_bookings"]:contains("Reserved")',
        },
        {
            content: "Check the car in",
            trigger: '.o_form_view .o_statusbar_buttons button[name="action_checkin"]',
            run: "click",
        },
        {
            content: "The intake is shown for comparison",
            trigger: '.modal .o_field_widget[name="intake_damage"]:contains("Voorbumper")',
        },
        {
            content: "Odometer at check-in",
            trigger: '.modal .o_field_widget[name="odometer"] input',
            run: "edit 61050",
        },
        {
            content: "Confirm the check-in",
            trigger: '.modal button[name="action_confirm"]',
            run: "click",
        },
        {
            content: "Start the repair",
            trigger: '.o_form_view .o_statusbar_buttons button[name="action_start_repair"]',
            run: "click",
        },
        {
            content: "The dossier is in repair: it can be made ready for pickup",
            trigger: '.o_form_view .o_statusbar_buttons button[name="action_ready"]',
        },
    ],
});
