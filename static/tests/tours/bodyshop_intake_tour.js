import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

function selectMany2one(fieldName, search, label) {
    return [
        {
            content: `Search ${search}`,
            trigger: `.modal .o_field_widget[name="${fieldName}"] input`,
            run: `edit ${search}`,
        },
        {
            content: `Choose ${label}`,
            trigger: `.o-autocomplete--dropdown-item > a:contains("${label}")`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("bodyshop_intake_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Body Shop app",
            trigger: '.o_app[data-menu-xmlid="bodyshop.menu_bodyshop_root"]',
            run: "click",
        },
        {
            content: "Open the Dossiers menu",
            trigger: '.o_main_navbar [data-menu-xmlid="bodyshop.menu_bodyshop_dossiers"]',
            run: "click",
        },
        {
            content: "Start an intake",
            trigger: '.dropdown-item[data-menu-xmlid="bodyshop.menu_bodyshop_intake"]',
            run: "click",
        },
        {
            content: "Type the licence plate",
            trigger: '.modal .o_field_widget[name="license_plate"] input',
            run: "edit tt601d",
        },
        {
            content: "Leave the plate field: the register is asked",
            trigger: '.modal .o_field_widget[name="claim_number"] input',
            run: "click",
        },
        {
            content: "The register filled in the make",
            trigger: '.modal .o_field_widget[name="brand_name"] input:value("VOLKSWAGEN")',
        },
        {
            content: "The plate is written the Dutch way",
            trigger: '.modal .o_field_widget[name="license_plate"] input:value("TT-601-D")',
        },
        ...selectMany2one("customer_id", "Tourklant", "Tourklant Jansen"),
        ...selectMany2one("payer_id", "Tourverzekeraar", "Tourverzekeraar N.V."),
        {
            content: "Claim number",
            trigger: '.modal .o_field_widget[name="claim_number"] input',
            run: "edit TV-2026-77",
        },
        {
            content: "Deductible",
            trigger: '.modal .o_field_widget[name="deductible_amount"] input',
            run: "edit 250",
        },
        {
            content: "Damage cause",
            trigger: '.modal .o_field_widget[name="damage_cause"] select',
            run: 'select "collision"',
        },
        ...selectMany2one("damage_zone_ids", "Bonnet", "Bonnet"),
        {
            content: "Describe the damage",
            trigger: '.modal .o_field_widget[name="damage_description"] textarea',
            run: "edit Motorkap ingedeukt na aanrijding",
        },
        {
            content: "Estimated repair hours",
            trigger: '.modal .o_field_widget[name="estimate_hours"] input',
            run: "edit 10",
        },
        {
            content: "Estimated cost",
            trigger: '.modal .o_field_widget[name="estimate_amount"] input',
            run: "edit 1800",
        },
        {
            content: "Create the dossier",
            trigger: '.modal-footer button[name="action_create_dossier"]',
            run: "click",
        },
        {
            content: "The new dossier opens",
            trigger: '.o_form_view .oe_title h1:contains("SD")',
        },
        {
            content: "It shows the vehicle",
            trigger: '.o_form_view .oe_stat_button:contains("TT-601-D")',
        },
    ],
});
