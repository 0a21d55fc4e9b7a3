"""Choices every app shares: one list each, so a new region or protocol is
added in one place (the models, forms, APIs, wizard flows and diagnosis
rules read them from here)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    """The languages the knowledge base is written in."""

    EN = "en", "English"
    ZH_HANS = "zh-hans", "简体中文"


class Region(models.TextChoices):
    """Where a customer streams from or to; each has a support team or is
    served by one (latam by na, mea by eu)."""

    NA = "na", _("North America")
    EU = "eu", _("Europe")
    SEA = "sea", _("Southeast Asia")
    CN = "cn", _("China")
    LATAM = "latam", _("Latin America")
    MEA = "mea", _("Middle East and Africa")


class Role(models.TextChoices):
    PUBLISHER = "publisher", _("Publisher (pushes the stream)")
    VIEWER = "viewer", _("Viewer (plays the stream)")


class Protocol(models.TextChoices):
    RTMP = "rtmp", "RTMP"
    RTMPS = "rtmps", "RTMPS"
    SRT = "srt", "SRT"
    WEBRTC = "webrtc", "WebRTC"
    HLS = "hls", "HLS"
    FLV = "flv", "HTTP-FLV"


class Priority(models.TextChoices):
    P1 = "P1", _("P1: stream down in production")
    P2 = "P2", _("P2: degraded")
    P3 = "P3", _("P3: question or minor problem")
    P4 = "P4", _("P4: request")
