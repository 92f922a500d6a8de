from django.urls import path

from .views import investor, public, records

app_name = "signing"
urlpatterns = [
    # the company CA, public: validators fetch these
    path("signing/crl/<str:role>.crl", public.crl, name="crl"),
    path("signing/ca/<str:role>.pem", public.ca_certificate, name="ca_certificate"),
    path("signing/tsa/", public.timestamp, name="tsa"),
    # the investor
    path(
        "business/<str:acceptance_number>/documents/<int:document_id>/preview.pdf",
        investor.document_preview,
        name="document_preview",
    ),
    path(
        "business/<str:acceptance_number>/signed/<int:pk>.pdf",
        records.investor_signed_document,
        name="investor_signed",
    ),
    # staff (reviewer, and anyone with the right to the application)
    path(
        "console/review/<str:acceptance_number>/signed/<int:pk>.pdf",
        records.staff_signed_document,
        name="staff_signed",
    ),
    # anyone: check a PDF's signatures
    path("signing/verify/", records.verify_page, name="verify"),
]
