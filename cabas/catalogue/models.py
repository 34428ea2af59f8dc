from django.db import models
from django.utils.translation import gettext_lazy as _


class Label(models.Model):
    """A quality or origin label (AB, Nature & Progrès, AOP...), shown on enterprises and products."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("nom"), max_length=80)
    name_en = models.CharField(_("nom (anglais)"), max_length=80, blank=True)
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("label")

    def __str__(self):
        return self.name
