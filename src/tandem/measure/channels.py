"""GA4's default channel grouping: source / medium / campaign -> one channel.

Rules from https://support.google.com/analytics/answer/9756891 (the GA4 version of the
article, not Universal Analytics'), evaluated top-down, first match wins, case-insensitive:

    Direct          source = "(direct)" AND medium in ("(not set)", "(none)")
    Cross-network   campaign contains "cross-network"
    Paid Shopping   (source on the shopping list OR campaign matches SHOP) AND medium is PAID
    Paid Search     source on the search list AND medium is PAID
    Paid Social     source on the social list AND medium is PAID
    Paid Video      source on the video list AND medium is PAID
    Display         medium in (display, banner, expandable, interstitial, cpm)
    Paid Other      medium is PAID
    Organic Shopping  source on the shopping list OR campaign matches SHOP
    Organic Social  source on the social list OR medium in (social, social-network,
                    social-media, sm, social network, social media)
    Organic Video   source on the video list OR medium contains "video"
    Organic Search  source on the search list OR medium = organic
    Referral        medium in (referral, app, link)
    Email           source or medium in (email, e-mail, e_mail, e mail)
    Affiliates      medium = affiliate
    Audio           medium = audio
    SMS             source or medium = sms
    Mobile Push Notifications  medium ends with "push", or contains "mobile" or
                    "notification", or source = firebase
    Unassigned      nothing above matched

PAID is ^(.*cp.*|ppc|retargeting|paid.*)$ and SHOP is ^(.*(([^a-df-z]|^)shop|shopping).*)$.
GA4 also lets Google Ads' ad network decide some channels; without Google Ads data the
source/medium rules are what applies. "Paid Other" is a GA4 channel too, so it is here.
"""

from __future__ import annotations

import re
from enum import StrEnum

from tandem.measure.sources import (
    SEARCH_SITES,
    SHOPPING_SITES,
    SOCIAL_SITES,
    VIDEO_SITES,
)


class Channel(StrEnum):
    DIRECT = "Direct"
    CROSS_NETWORK = "Cross-network"
    PAID_SHOPPING = "Paid Shopping"
    PAID_SEARCH = "Paid Search"
    PAID_SOCIAL = "Paid Social"
    PAID_VIDEO = "Paid Video"
    DISPLAY = "Display"
    PAID_OTHER = "Paid Other"
    ORGANIC_SHOPPING = "Organic Shopping"
    ORGANIC_SOCIAL = "Organic Social"
    ORGANIC_VIDEO = "Organic Video"
    ORGANIC_SEARCH = "Organic Search"
    REFERRAL = "Referral"
    EMAIL = "Email"
    AFFILIATES = "Affiliates"
    AUDIO = "Audio"
    SMS = "SMS"
    MOBILE_PUSH = "Mobile Push Notifications"
    UNASSIGNED = "Unassigned"


DIRECT_SOURCE = "(direct)"
NO_MEDIUM = ("(not set)", "(none)")
PAID = re.compile(r"^(.*cp.*|ppc|retargeting|paid.*)$")
SHOP = re.compile(r"^(.*(([^a-df-z]|^)shop|shopping).*)$")
DISPLAY_MEDIA = frozenset({"display", "banner", "expandable", "interstitial", "cpm"})
SOCIAL_MEDIA = frozenset(
    {"social", "social-network", "social-media", "sm", "social network", "social media"}
)
REFERRAL_MEDIA = frozenset({"referral", "app", "link"})
EMAIL_WORDS = frozenset({"email", "e-mail", "e_mail", "e mail"})


def _paid_channel(source: str, medium: str, shop_campaign: bool) -> Channel | None:
    if not PAID.match(medium):
        return None
    if source in SHOPPING_SITES or shop_campaign:
        return Channel.PAID_SHOPPING
    if source in SEARCH_SITES:
        return Channel.PAID_SEARCH
    if source in SOCIAL_SITES:
        return Channel.PAID_SOCIAL
    if source in VIDEO_SITES:
        return Channel.PAID_VIDEO
    return None


def _organic_channel(source: str, medium: str, shop_campaign: bool) -> Channel | None:
    if source in SHOPPING_SITES or shop_campaign:
        return Channel.ORGANIC_SHOPPING
    if source in SOCIAL_SITES or medium in SOCIAL_MEDIA:
        return Channel.ORGANIC_SOCIAL
    if source in VIDEO_SITES or "video" in medium:
        return Channel.ORGANIC_VIDEO
    if source in SEARCH_SITES or medium == "organic":
        return Channel.ORGANIC_SEARCH
    return None


def _other_channel(source: str, medium: str) -> Channel:
    if medium in REFERRAL_MEDIA:
        return Channel.REFERRAL
    if source in EMAIL_WORDS or medium in EMAIL_WORDS:
        return Channel.EMAIL
    if medium == "affiliate":
        return Channel.AFFILIATES
    if medium == "audio":
        return Channel.AUDIO
    if source == "sms" or medium == "sms":
        return Channel.SMS
    if (
        medium.endswith("push")
        or "mobile" in medium
        or "notification" in medium
        or source == "firebase"
    ):
        return Channel.MOBILE_PUSH
    return Channel.UNASSIGNED


def channel_group(
    source: str | None, medium: str | None, campaign: str | None = None
) -> Channel:
    """The GA4 default channel of a source / medium / campaign (None counts as unset)."""
    src = (source or "").strip().lower()
    med = (medium or "").strip().lower() or "(not set)"
    camp = (campaign or "").strip().lower()
    if src == DIRECT_SOURCE and med in NO_MEDIUM:
        return Channel.DIRECT
    if "cross-network" in camp:
        return Channel.CROSS_NETWORK
    shop_campaign = bool(camp) and SHOP.match(camp) is not None
    paid = _paid_channel(src, med, shop_campaign)
    if paid is not None:
        return paid
    if med in DISPLAY_MEDIA:
        return Channel.DISPLAY
    if PAID.match(med):
        return Channel.PAID_OTHER
    organic = _organic_channel(src, med, shop_campaign)
    if organic is not None:
        return organic
    return _other_channel(src, med)
