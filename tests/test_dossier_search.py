from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import BodyshopCommon


@tagged("post_install", "-at_install")
class TestDossierSearch(BodyshopCommon):
    """The search bar of Damage Dossiers, as the damage manager types in it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dossier = cls._create_dossier(claim_number="2026-0412345")
        other_car = cls._create_vehicle("TZ-110-B", cls.model_petrol)
        cls.other = cls._create_dossier(vehicle_id=other_car.id, claim_number="X-9")
        cls.mine = cls.dossier | cls.other

    def search_bar(self, field_name, text, env=None):
        """The dossiers the search view's field finds for ``text``."""
        Dossier = (env or self.env)["bodyshop.dossier"]
        arch = Dossier.get_views([(False, "search")])["views"]["search"]["arch"]
        node = etree.fromstring(arch).xpath(f"//field[@name='{field_name}']")[0]
        domain = safe_eval(node.get("filter_domain"), {"self": text})
        # Among the dossiers of this test (a database may hold demo data).
        return Dossier.search(domain) & self.mine.with_env(Dossier.env)

    def test_plate_in_any_notation(self):
        for text in ("TZ-101-B", "tz101b", "TZ 101 B", "tz-101b", " TZ101-B "):
            with self.subTest(text=text):
                self.assertEqual(self.search_bar("name", text), self.dossier)
                self.assertEqual(self.search_bar("license_plate", text), self.dossier)

    def test_part_of_a_plate(self):
        self.assertEqual(self.search_bar("name", "z101"), self.dossier)
        self.assertEqual(
            self.search_bar("license_plate", "TZ-1"), self.dossier | self.other
        )

    def test_claim_number_by_part(self):
        self.assertEqual(self.search_bar("name", "0412345"), self.dossier)
        self.assertEqual(self.search_bar("name", "2026-04"), self.dossier)

    def test_many2one_autocomplete_finds_the_plate(self):
        found = self.env["bodyshop.dossier"].name_search("tz101b")
        self.assertIn(self.dossier.id, [row[0] for row in found])
        self.assertNotIn(self.other.id, [row[0] for row in found])

    def test_new_plate_is_found_after_the_car_changes(self):
        self.dossier.vehicle_id.license_plate = "XN-407-K"
        self.assertEqual(self.search_bar("name", "xn407k"), self.dossier)
        self.assertFalse(self.search_bar("name", "tz101b") & self.dossier)

    def test_noise_only_searches_the_plate_as_typed(self):
        # '-' alone has no letter or digit: it matches the plates as written.
        self.assertEqual(
            self.search_bar("license_plate", "-"), self.dossier | self.other
        )
        self.assertFalse(self.search_bar("license_plate", "?"))

    def test_negative_search(self):
        Dossier = self.env["bodyshop.dossier"]
        found = Dossier.search(
            [
                ("id", "in", (self.dossier | self.other).ids),
                ("license_plate_search", "not ilike", "tz101b"),
            ]
        )
        self.assertEqual(found, self.other)

    def test_another_company_is_not_found(self):
        foreign = self.env["bodyshop.dossier"].create(
            {
                **self._dossier_vals(),
                "company_id": self.other_company.id,
                "customer_id": self.env["res.partner"]
                .create({"name": "Buitenland", "company_id": self.other_company.id})
                .id,
                "vehicle_id": self._create_vehicle(
                    "TZ-102-B", self.model_petrol, company_id=self.other_company.id
                ).id,
                "payer_id": self.insurer.id,
            }
        )
        self.mine |= foreign
        user_env = self.env(user=self.bs_user)
        self.assertFalse(self.search_bar("name", "tz102b", env=user_env))
        self.assertEqual(
            self.search_bar(
                "name", "tz102b", env=self.env(user=self.bs_user_other_company)
            ),
            foreign,
        )

    def test_claim_numbers_and_plates_have_trigram_indexes(self):
        # ILIKE '%...%' over 100,000 dossiers needs a trigram index, not a
        # btree (benchmarks/scale.py).
        self.env.cr.execute(
            """
            SELECT indexname FROM pg_indexes
             WHERE tablename = 'bodyshop_dossier'
               AND indexdef LIKE '%%gin_trgm_ops%%'
            """
        )
        names = {row[0] for row in self.env.cr.fetchall()}
        self.assertLessEqual(
            {
                "bodyshop_dossier__name_index",
                "bodyshop_dossier__license_plate_compact_index",
                "bodyshop_dossier__claim_number_index",
            },
            names,
        )

    def test_open_filter_names_every_state_that_is_not_closed(self):
        # The filter lists the open states (an index finds them among years
        # of history); a new state must not fall out of it.
        from ..models.bodyshop_dossier import CLOSED_STATES, STATES

        Dossier = self.env["bodyshop.dossier"]
        arch = Dossier.get_views([(False, "search")])["views"]["search"]["arch"]
        node = etree.fromstring(arch).xpath("//filter[@name='open']")[0]
        [(field, operator, states)] = safe_eval(node.get("domain"))
        self.assertEqual((field, operator), ("state", "in"))
        self.assertEqual(
            set(states), {code for code, _label in STATES} - set(CLOSED_STATES)
        )
        self.assertIn(self.dossier, Dossier.search(safe_eval(node.get("domain"))))
