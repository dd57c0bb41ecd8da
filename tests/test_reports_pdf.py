"""The PDFs a Dutch payer accepts: A4, with the shop's letterhead and
footer (name, address, VAT number, Chamber of Commerce number) and on the
invoice the IBAN to pay to. Rendered by the real wkhtmltopdf, which must be a
patched-Qt build: Debian's drops the header and footer."""

import io

from PyPDF2 import PdfReader

from odoo import Command
from odoo.tests import tagged

from .common import BodyshopHttpCommon


@tagged("post_install", "-at_install")
class TestReportsPdf(BodyshopHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "street": "Industrieweg 12",
                "zip": "3542 AD",
                "city": "Utrecht",
                "vat": "NL004495445B01",
                "company_registry": "30123456",
                "email": "info@autoschade-test.example.com",
                # As the shop sets it under Settings > Document Layout.
                "report_footer": "<p>BTW NL004495445B01 · KvK 30123456 · "
                "IBAN NL91ABNA0417164300</p>",
            }
        )
        cls.env["res.partner.bank"].create(
            {
                "acc_number": "NL91ABNA0417164300",
                "partner_id": cls.company.partner_id.id,
                "company_id": cls.company.id,
            }
        )
        cls.company.bodyshop_invoice_post = True
        cls.dossier = cls._create_dossier(payer_type="private")
        calculation = cls.env["bodyshop.calculation"].create(
            {
                "dossier_id": cls.dossier.id,
                "line_ids": [
                    Command.create(
                        {
                            "line_type": "part",
                            "name": "Buitenspiegel rechts",
                            "price_unit": 240.0,
                        }
                    )
                ],
            }
        )
        calculation.action_send()
        calculation.approval_ids.action_approve()
        cls.dossier.action_create_final()
        final = cls.dossier.current_calculation_id
        final.action_send()
        final.approval_ids.action_approve()
        cls.dossier.action_create_invoices()
        cls.invoice = cls.dossier.invoice_ids

    def _pdf_text(self, report, records):
        pdf, report_format = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, records.ids)
        )
        self.assertEqual(report_format, "pdf")
        reader = PdfReader(io.BytesIO(pdf))
        page = reader.pages[0]
        # A4 is 595 x 842 points (US Letter 612 x 792).
        self.assertAlmostEqual(float(page.mediabox.width), 595, delta=2)
        self.assertAlmostEqual(float(page.mediabox.height), 842, delta=2)
        return " ".join(page.extract_text() for page in reader.pages)

    def test_invoice_pdf_holds_the_sellers_details(self):
        self.assertEqual(self.invoice.state, "posted")
        text = self._pdf_text("account.account_invoices", self.invoice)
        compact = text.replace(" ", "")
        self.assertIn("TestAutoschadeB.V.", compact)
        self.assertIn("NL004495445B01", compact)
        self.assertIn("NL91ABNA0417164300", compact)
        self.assertIn("Buitenspiegel", text)

    def test_body_shop_documents_are_a4_with_letterhead(self):
        calculation = self.dossier.current_calculation_id
        for report, records in (
            ("bodyshop.action_report_calculation", calculation),
            ("bodyshop.action_report_work_order", self.dossier),
        ):
            with self.subTest(report=report):
                text = self._pdf_text(report, records).replace(" ", "")
                self.assertIn("TestAutoschadeB.V.", text)
                self.assertIn("NL004495445B01", text)
