from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "realapps.wagtail_cms.news"
    label = "news"
