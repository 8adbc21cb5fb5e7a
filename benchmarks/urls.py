from django.urls import path

from ipgar.urls import urlpatterns as project_urlpatterns

from .views import minimal

urlpatterns = [path("bench/minimal/", minimal, name="bench_minimal"), *project_urlpatterns]
