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
        "views/res_config_settings_views.xml",
        "views/bodyshop_menus.xml",
    ],
    "demo": [
        "demo/bodyshop_company_demo.xml",
        "demo/bodyshop_users_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "bodyshop/static/tests/tours/*.js",
        ],
    },
}
