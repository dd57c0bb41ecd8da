import {registry} from "@web/core/registry";

// These tours rely on the data made by tests/test_portal_tour.py.
registry.category("web_tour.tours").add("bodyshop_portal_customer", {
    steps: () => [
        {
            content: "Open the dossier",
            trigger: "a:contains(/^SD/)",
            run: "click",
        },
        {
            content: "See where the car is",
            trigger: "#bodyshop_timeline:contains(Car registered)",
        },
        {
            content: "Open the signature dialog",
            trigger: "#bodyshop_sign a[data-bs-target='#bodyshop_modal_sign']",
            run: "click",
        },
        {
            content: "The dialog is shown with the customer's name",
            // portal's form resets its pad once the dialog is shown.
            run: () => new Promise((resolve) => setTimeout(resolve, 800)),
            trigger:
                ".modal.show .o_web_sign_name_and_signature input:value(Jan Klant)",
        },
        {
            content: "Choose a style: the signature is drawn",
            trigger: ".modal.show .o_web_sign_auto_select_style button",
            run: "click",
        },
        {
            trigger: ".o-dropdown-item:eq(3)",
            run: "click",
        },
        {
            content: "Send the signature",
            trigger: ".modal.show .o_portal_sign_submit:enabled",
            run: "click",
        },
        {
            content: "The order is signed",
            trigger: "#bodyshop_signed:contains(Jan Klant)",
            timeout: 20000,
        },
        {
            content: "Order the extra work the customer pays himself",
            trigger: "#bodyshop_extra_work_form input[name='confirm']",
            run: "check",
        },
        {
            content: "Approve the extra work",
            trigger: "#bodyshop_extra_work_form button[type='submit']",
            run: "click",
        },
        {
            content: "The extra work is approved",
            trigger: "#bodyshop_extra_work_approved:contains(Jan Klant)",
        },
        {
            content: "Pay the invoice",
            trigger: "#bodyshop_documents a.btn:contains(Pay)",
            run: "click",
        },
        {
            content: "Open the payment form",
            trigger: "a[data-bs-target='#pay_with']:visible",
            run: "click",
        },
        {
            content: "Choose the demo provider",
            trigger: "input[name='o_payment_radio'][data-payment-method-code='demo']",
            run: "click",
        },
        {
            content: "Give test card details",
            trigger: "input[name='customer_input']",
            run: "edit 4242424242424242",
        },
        {
            content: "Pay",
            trigger: "button[name='o_payment_submit_button']:enabled",
            run: "click",
        },
        {
            content: "The invoice is paid",
            trigger:
                "body:contains(successfully processed), .badge:contains(Paid), span:contains(/^Paid$/)",
            timeout: 20000,
        },
    ],
});

registry.category("web_tour.tours").add("bodyshop_portal_payer", {
    steps: () => [
        {
            content: "Open the dossier",
            trigger: "a:contains(/^SD/)",
            run: "click",
        },
        {
            content: "The supplement shows its changes",
            trigger: "#bodyshop_calculation .o_bodyshop_difference",
        },
        {
            content: "Give the reference",
            trigger: "#bodyshop_answer input[name='reference']",
            run: "edit PL-2026-42",
        },
        {
            content: "Approve",
            trigger: "#bodyshop_answer button[type='submit']",
            run: "click",
        },
        {
            content: "The answer is registered",
            trigger: ".alert-success:contains(your answer has been registered)",
        },
    ],
});
