import re
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

I18N = Path(__file__).resolve().parent.parent / "i18n"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%[sd]")


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """Dutch is the users' language: every string of the addon is in nl.po."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.nl = {
            entry.msgid: entry
            for entry in polib.pofile(str(I18N / "nl.po"))
            if not entry.obsolete
        }

    def _sources(self):
        """The addon's strings. In a shop's database other modules add fields
        to the models bodyshop inherits (rating adds "Ratings" to every
        mail thread): their strings are theirs to translate."""
        own_modules = set(
            self.env["ir.module.module"]
            .search([("name", "=", "bodyshop")])
            .upstream_dependencies(exclude_states=("uninstalled", "uninstallable"))
            .mapped("name")
        ) | {"bodyshop"}
        reader = TranslationModuleReader(self.env.cr, modules=["bodyshop"])
        sources = set()
        for _module, _type, name, res_id, source, *_rest in reader:
            if name.startswith("ir.model.fields") and not self._own_field(
                res_id, own_modules
            ):
                continue
            sources.add(source)
        return sources

    def _own_field(self, xmlid, own_modules):
        record = self.env.ref(xmlid, raise_if_not_found=False)
        if record is None:
            return True
        if record._name == "ir.model.fields.selection":
            record = record.field_id
        if record._name != "ir.model.fields" or record.model not in self.env:
            return True
        field = self.env[record.model]._fields.get(record.name)
        return field is None or bool(set(field._modules) & own_modules)

    def test_every_current_string_has_a_dutch_translation(self):
        sources = self._sources()
        self.assertGreater(len(sources), 300)
        missing = sorted(
            source
            for source in sources
            if not getattr(self.nl.get(source), "msgstr", "")
        )
        self.assertFalse(
            missing,
            f"Strings without Dutch translation (regenerate i18n/bodyshop.pot and "
            f"translate them in i18n/nl.po): {missing[:20]}",
        )

    def test_template_is_current(self):
        sources = self._sources()
        template = {
            entry.msgid
            for entry in polib.pofile(str(I18N / "bodyshop.pot"))
            if entry.msgid
        }
        self.assertEqual(sources - template, set(), "bodyshop.pot lacks these strings")

    def test_placeholders_kept(self):
        for msgid, entry in self.nl.items():
            self.assertEqual(
                sorted(PLACEHOLDER.findall(msgid)),
                sorted(PLACEHOLDER.findall(entry.msgstr)),
                msgid,
            )
            self.assertNotIn("fuzzy", entry.flags, msgid)
