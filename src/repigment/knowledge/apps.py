from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "repigment.knowledge"
    verbose_name = "Public information"
