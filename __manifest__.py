# Copyright 2026 bodyshop contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Body Shop",
    "summary": "Car body repair: damage dossiers, calculations, approvals, "
    "work preparation, delivery and invoicing of the paying party",
    "version": "18.0.1.0.0",
    "category": "Services/Body Shop",
    "sequence": 60,
    "author": "bodyshop contributors",
    "website": "https://github.com/bodyshop/bodyshop",
    "license": "LGPL-3",
    "application": True,
    "depends": [
        "mail",
        "portal",
        "fleet",
        "purchase",
        "account",
        "l10n_nl",
    ],
    "data": [
        "security/bodyshop_security.xml",
        "security/ir.model.access.csv",
        "security/bodyshop_rules.xml",
        "data/bodyshop_sequence_data.xml",
        "data/bodyshop_damage_zone_data.xml",
        "wizards/bodyshop_intake_wizard_views.xml",
        "views/bodyshop_dossier_views.xml",
        "views/bodyshop_workshop_load_views.xml",
        "views/bodyshop_damage_zone_views.xml",
        "views/fleet_vehicle_views.xml",
        "views/res_partner_views.xml",
        "views/purchase_order_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "views/bodyshop_menus.xml",
    ],
    "demo": [
        "demo/bodyshop_company_demo.xml",
        "demo/bodyshop_users_demo.xml",
        "demo/bodyshop_dossier_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "bodyshop/static/tests/tours/*.js",
        ],
    },
}
