from django.urls import path, register_converter

from . import views


class VariantConverter:
    regex = "gross|net"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(VariantConverter, "variant")

app_name = "monitor"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/q<int:quarter>/<variant:variant>/", views.detail, name="detail"),
    path("<int:year>/q<int:quarter>/<variant:variant>/v<int:version>/", views.version, name="version"),
    path("<int:year>/q<int:quarter>/<variant:variant>/export.pdf", views.export_pdf, name="export_pdf"),
    path("<int:year>/q<int:quarter>/<variant:variant>/export.xlsx", views.export_xlsx, name="export_xlsx"),
]
