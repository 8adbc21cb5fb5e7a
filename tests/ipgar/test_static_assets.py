"""Production static files: every reference in a static file must name a file we ship."""

from django.core.management import call_command


def test_collectstatic_under_the_manifest_storage(settings, tmp_path):
    # Production's storage (whitenoise's subclass adds only compression) rewrites each
    # url(...) and sourceMappingURL to a hashed name and aborts when the target is missing:
    # Chart.js named a source map we did not vendor, and production answered only 500s.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert '"vendor/chartjs/chart.umd.min.js": "vendor/chartjs/chart.umd.min.' in manifest
    chart = next((tmp_path / "vendor" / "chartjs").glob("chart.umd.min.*.js"))
    assert "sourceMappingURL" not in chart.read_text()
