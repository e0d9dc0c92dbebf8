"""Brand kit: voice rules, disclosures, hashtag groups and UTM defaults, checked on all content.

`check(text, kit, sponsored=..., platform=...)` is pure and serves posts, emails and
landing pages alike; `get_brand_kit` and `actions.save_brand_kit` load and change a
workspace's kit.
"""

from tandem.brand import actions, notation
from tandem.brand.actions import save_brand_kit
from tandem.brand.checker import CompiledKit, check, compile_kit, platform_label
from tandem.brand.model import (
    BannedPhrase,
    BrandKit,
    DisclosurePosition,
    EmojiPolicy,
    HashtagGroup,
    RequiredPhrase,
    UtmDefaults,
)
from tandem.brand.store import get_brand_kit

__all__ = [
    "BannedPhrase",
    "BrandKit",
    "CompiledKit",
    "DisclosurePosition",
    "EmojiPolicy",
    "HashtagGroup",
    "RequiredPhrase",
    "UtmDefaults",
    "actions",
    "check",
    "compile_kit",
    "get_brand_kit",
    "notation",
    "platform_label",
    "save_brand_kit",
]
