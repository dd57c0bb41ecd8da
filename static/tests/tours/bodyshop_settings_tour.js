import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("bodyshop_open_settings", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Body Shop app",
            trigger: '.o_app[data-menu-xmlid="bodyshop.menu_bodyshop_root"]',
            run: "click",
        },
        {
            content: "Open the Configuration menu",
            trigger: '.o_main_navbar [data-menu-xmlid="bodyshop.menu_bodyshop_configuration"]',
            run: "click",
        },
        {
            content: "Open the Body Shop settings",
            trigger: '.dropdown-item[data-menu-xmlid="bodyshop.menu_bodyshop_config_settings"]',
            run: "click",
        },
        {
            content: "The Body Shop section of the settings is shown",
            trigger: '.app_settings_block[data-key="bodyshop"] h2:contains("Workshop Planning")',
        },
        {
            content: "The workshop capacity can be set",
            trigger: 'div[name="bodyshop_productive_hours"] input',
            run: "edit 50",
        },
        ...stepUtils.saveForm(),
        {
            content: "Saved: the settings page is back",
            trigger: '.app_settings_block[data-key="bodyshop"]',
        },
    ],
});
