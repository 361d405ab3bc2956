from typing import Any

from django.db import models

class ClusterableModel(models.Model):
    def __getattr__(self, name: str) -> Any: ...

def __getattr__(name: str) -> Any: ...
