import os

import polib

from odoo.tests import TransactionCase
from odoo.tests import tagged
from odoo.tools.translate import TranslationModuleReader

I18N_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n")


@tagged("post_install", "-at_install")
class TestItalianTranslation(TransactionCase):
    def test_every_term_of_the_add_on_is_translated_into_italian(self):
        """it.po is kept complete: `tools/i18n-export` adds new terms, a translator fills them."""
        reader = TranslationModuleReader(self.env.cr, modules=["credit_control"])
        sources = {source for module, _type, _name, _id, source, _value, _comments in reader}
        catalogue = polib.pofile(os.path.join(I18N_DIR, "it.po"))
        translated = {entry.msgid for entry in catalogue if entry.msgstr and not entry.obsolete}
        missing = sorted(sources - translated)
        self.assertFalse(
            missing, f"{len(missing)} terms lack an Italian translation, e.g. {missing[:5]}"
        )
