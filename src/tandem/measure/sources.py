"""Source categories for GA4's default channel grouping: which sources are search, social,
video or shopping sites.

Google keeps the full lists in a spreadsheet linked from the channel grouping article
(https://support.google.com/analytics/answer/9756891, "Download the list of sources and
categories"). These are the entries of that list for the sites that send real traffic, in
the same form: bare names as auto-tagging and UTM conventions write them ("facebook") and
referrer host names ("m.facebook.com"). Matching is exact and case-insensitive, as in GA4.
"""

from __future__ import annotations


def _names(block: str) -> frozenset[str]:
    return frozenset(block.split())


SEARCH_SITES = _names(
    """
    google google.com www.google.com google.co.uk google.de google.fr google.es google.it
    google.nl google.ca google.com.au google.co.in google.com.br google.co.jp google.pl
    bing bing.com www.bing.com cn.bing.com yahoo yahoo.com search.yahoo.com
    uk.search.yahoo.com yahoo.co.jp search.yahoo.co.jp baidu baidu.com m.baidu.com
    duckduckgo duckduckgo.com yandex yandex.ru yandex.com ya.ru ecosia ecosia.org naver
    naver.com search.naver.com daum daum.net search.daum.net seznam seznam.cz search.seznam.cz
    qwant qwant.com startpage startpage.com ask ask.com aol search.aol.com so.com
    m.so.com sogou sogou.com m.sogou.com brave search.brave.com avg search.avg.com
    msn msn.com lycos search.lycos.com dogpile dogpile.com onet onet.pl najdi
    rambler rambler.ru nova.rambler.ru mail.ru go.mail.ru coccoc coccoc.com
    alice alice.com libero libero.it virgilio virgilio.it globo globo.com biglobe
    biglobe.ne.jp goo goo.ne.jp search.rakuten.co.jp kvasir sapo sapo.pt
    terra tut.by ukr eniro eniro.se search-results search.com incredimail
    """
)

SOCIAL_SITES = _names(
    """
    facebook facebook.com m.facebook.com l.facebook.com lm.facebook.com
    business.facebook.com fb fb.me messenger messenger.com instagram instagram.com
    l.instagram.com ig linkedin linkedin.com lnkd.in de.linkedin.com
    twitter twitter.com t.co mobile.twitter.com x.com pinterest pinterest.com
    pinterest.co.uk pinterest.de pinterest.fr pin.it reddit reddit.com old.reddit.com
    out.reddit.com tiktok tiktok.com snapchat snapchat.com threads threads.net
    tumblr tumblr.com t.umblr.com quora quora.com vk vk.com ok.ru odnoklassniki
    weibo weibo.com douban douban.com qzone qzone.qq.com wechat line line.me kakao
    kakaotalk whatsapp whatsapp.com web.whatsapp.com telegram t.me discord discord.com
    discordapp.com slack slack.com app.slack.com medium medium.com disqus disqus.com
    meetup meetup.com flickr flickr.com deviantart deviantart.com yelp yelp.com
    tripadvisor tripadvisor.com glassdoor glassdoor.com stackoverflow stackoverflow.com
    stackexchange.com news.ycombinator.com producthunt producthunt.com goodreads
    goodreads.com myspace myspace.com xing xing.com nextdoor nextdoor.com
    """
)

VIDEO_SITES = _names(
    """
    youtube youtube.com m.youtube.com www.youtube.com youtu.be music.youtube.com
    vimeo vimeo.com player.vimeo.com twitch twitch.tv m.twitch.tv dailymotion
    dailymotion.com netflix netflix.com hulu hulu.com wistia wistia.com
    fast.wistia.net ted ted.com iqiyi iqiyi.com youku youku.com bilibili
    bilibili.com rumble rumble.com disneyplus disneyplus.com primevideo
    primevideo.com crackle crackle.com
    """
)

SHOPPING_SITES = _names(
    """
    amazon amazon.com amazon.co.uk amazon.de amazon.fr amazon.es amazon.it amazon.ca
    amazon.co.jp smile.amazon.com ebay ebay.com ebay.co.uk ebay.de m.ebay.com etsy
    etsy.com walmart walmart.com bestbuy bestbuy.com alibaba
    alibaba.com aliexpress aliexpress.com shopify shopify.com checkout.shopify.com
    shopping.google.com shopzilla shopzilla.com mercadolibre mercadolibre.com
    mercadolivre.com.br rakuten rakuten.com rakuten.co.jp zalando zalando.de
    wayfair wayfair.com ikea ikea.com igshopping stripe checkout.stripe.com
    """
)
