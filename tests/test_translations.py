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

    def test_every_current_string_has_a_dutch_translation(self):
        reader = TranslationModuleReader(self.env.cr, modules=["bodyshop"])
        sources = {source for _module, _type, _name, _res, source, *_rest in reader}
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
        reader = TranslationModuleReader(self.env.cr, modules=["bodyshop"])
        sources = {source for _module, _type, _name, _res, source, *_rest in reader}
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
