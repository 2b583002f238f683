from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import include, path

urlpatterns = [path("i18n/", include("django.conf.urls.i18n"))]
if settings.DEBUG:
    urlpatterns += staticfiles_urlpatterns()
urlpatterns += [path("", include(apps.get_app_config("oscar").urls[0]))]
