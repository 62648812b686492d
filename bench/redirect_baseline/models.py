from django.db import models


class BaselineCode(models.Model):
    """The bench's copy of the link register, keyed by code (bench/redirect.py fills it)."""

    code = models.CharField(max_length=16, primary_key=True)
    url = models.CharField(max_length=2000)

    class Meta:
        managed = False
        db_table = "bench_redirect_code"

    def __str__(self) -> str:
        return self.code
