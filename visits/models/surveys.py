"""Satisfaction surveys (R-VIS-05, §1 九大战术 6, §11): a questionnaire, asked by phone or
sent as a letter, scored 1–5 per question; scores add up per customer, consultant and project."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from archives.models.profile import Bilingual


class Questionnaire(Bilingual, models.Model):
    title_zh = models.CharField(_("title (Chinese)"), max_length=100)
    title_en = models.CharField(_("title (English)"), max_length=150, blank=True)
    intro_zh = models.TextField(_("letter introduction (Chinese)"), blank=True)
    intro_en = models.TextField(_("letter introduction (English)"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-is_active", "pk"]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return self.pick(self.title_zh, self.title_en)

    @property
    def intro(self) -> str:
        return self.pick(self.intro_zh, self.intro_en)


class QuestionKind(models.TextChoices):
    SCORE = "score", _("Score 1–5")
    TEXT = "text", _("Free text")


class Question(Bilingual, models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    text_zh = models.CharField(_("question (Chinese)"), max_length=200)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    kind = models.CharField(
        _("type"), max_length=5, choices=QuestionKind.choices, default=QuestionKind.SCORE
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "sort_order", "pk"]

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        return self.pick(self.text_zh, self.text_en)


class SurveyChannel(models.TextChoices):
    PHONE = "phone", pgettext_lazy("survey channel", "By phone")
    LETTER = "letter", pgettext_lazy("survey channel", "By letter")


class SurveyStatus(models.TextChoices):
    SENT = "sent", _("Letter sent")
    COMPLETED = "completed", _("Completed")


class Survey(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT
    )
    customer = models.ForeignKey(
        "archives.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    project = models.ForeignKey(
        "crm.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The customer's consultant when the survey was taken: whose service it scores.
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consultant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(
        pgettext_lazy("contact channel", "by"), max_length=6, choices=SurveyChannel.choices
    )
    status = models.CharField(_("status"), max_length=10, choices=SurveyStatus.choices)
    conducted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("conducted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_on = models.DateField(_("letter sent on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    average = models.DecimalField(
        _("average score"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    comments = models.TextField(_("opinions and suggestions"), blank=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_on__isnull=False),
                name="survey_completed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(average__isnull=True) | Q(average__gte=1, average__lte=5),
                name="survey_average_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.questionnaire} · {self.customer_id}"

    def get_absolute_url(self):
        return reverse("visits:survey_detail", args=[self.pk])


class Answer(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    text = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question__sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "question"], name="answer_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="answer_score_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.question_id}: {self.score or self.text[:20]}"
