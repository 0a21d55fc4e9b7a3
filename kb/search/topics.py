"""Questions about an account, or about how to use a feature: not about a
stream that fails.

Customers type invoices, refunds, prices, contracts and sign-in trouble into
the same search box as error lines. The knowledge base has no fix for them,
yet BM25 always finds some article sharing a word ("reset my password" met
the articles on connection resets, 修改登录密码 the TLS one), often
confidently enough not to look weak. These words name such a question: its
search is shown as weak and the page sends it to support, with the fixes that
share its words still listed below.

The words are phrases an account question uses and a streaming problem does
not: "password" alone is also an SRT passphrase or a publish password, so it
counts only after reset, forgot or change (or 登录, 忘记, 修改); "balance" alone is
also a load balancer, "access" also a 403, "renewal" also a certificate's, 认证
also a publish authentication, "sales" and 销售 also a live-commerce stream (as
are "price", 价格, 报价 and 多少钱: the goods'), 邀请 also a guest invited on air,
登录控制台 a step of a fix, "the log in OBS" a log and 套餐 alone a plan whose
stream limit is reached (是套餐到顶了吗: the quota fix), so it counts only when the
plan is chosen, bought or changed; 流量包 alone is also the data package whose
end stopped a stream (直播流量包用完了，推流被停了: the quota fix), so it counts only when
it is bought or asked about; 备案 alone is also a domain's ICP filing that a
playback fix asks about (icp 备案 海外域名 国内打不开), so it counts only when
how to file is asked (备案需要, 怎么备案). A word belongs here only if no
question of the evaluation set (tests/search_eval/queries.toml), no symptom
line of an article and no scenario of the wizard's evaluation uses it
(tests/search/test_topics.py checks all three).

How-to questions about a product feature (a watermark, captions, DRM,
co-hosting, chat moderation, ad insertion, viewer statistics) have no fix
either, and meet the fixes on their everyday words just as confidently
("how to moderate the chat comments" found the latency fix, whose symptoms
quote a chat that lags). Their words follow the same rule: 连麦 alone is
also a co-host's call that drops, 弹幕 the comment layer a phone player
covers, "subtitle overlay" an encoder's load and 统计 OBS's stats window, so
they count only as a question about the feature (连麦怎么实现, 弹幕管理,
"add subtitles").
"""

from __future__ import annotations

import re

_ENGLISH = (
    # Billing and payment.
    r"invoic\w*", r"receipts?", r"refund\w*", r"billing", r"bills?", r"billed",
    r"overcharged", r"charged (twice|for|us|me|too much)", r"charges", r"payments?",
    r"pay(ing)? (by|for|with|yearly|monthly|annually)", r"credit cards?", r"(bank|wire) transfer",
    # "price" alone is also a live-commerce stream's ("buyers ask the price in
    # chat"): our prices are asked per unit, for a plan or a service, or
    # as a custom or special price.
    r"vat", r"tax", r"discounts?", r"coupons?", r"pricing", r"(a|price) quote",
    r"prices? (per|list|sheet|plans?|tiers?|for (a |an |the |your |our )?(plan|service|package|"
    r"bandwidth|traffic|cdn|transcoding|recording|storage|line|iplc|account|\d+))",
    r"(custom|special|discounted|better|education|volume) prices?", r"your prices?",
    r"cost per", r"how much (does|do|is|are|would)\b.*\bcost",
    r"overages?", r"top[- ]?up", r"pay[- ]as[- ]you[- ]go", r"api keys?",
    r"(account|low|insufficient) balance", r"subscriptions?",
    r"cards? (was |were |got |is )?declined", r"declined cards?", r"statements?", r"finance",
    r"accounts payable", r"(higher|lower|bandwidth|pricing|price|plan) tiers?",
    r"(upgrade|downgrade|change|cancel|enterprise|business|annual|yearly|monthly|our|my) plan",
    r"plans? (include|includes|cost|costs)",
    # Contracts and sales.
    r"contracts?", r"nda", r"gdpr", r"data processing agreement", r"terms of service",
    r"(sla|service) credits?", r"(talk to|contact|call) sales",
    r"sales (team|rep|representative)s?", r"account manager", r"free trial",
    r"trial (account|period|extension|plan)", r"extend (the|our|my) trial",
    r"(startup|partner|reseller|referral) programs?", r"company'?s? (legal )?name",
    r"newsletters?", r"marketing e-?mails?",
    # Signing in and the account's people.
    r"(reset|forgot|forgotten|change|lost|my) (my |the )?password", r"login", r"log-in",
    r"(can'?t|cannot|unable to|how (do i|to)) log ?in",
    r"log in to (the|my|our) (console|dashboard|account|portal)", r"sign(ed)?[- ]?in",
    r"two[- ]factor", r"2fa", r"mfa", r"team members?", r"sub-?accounts?",
    r"(add|remove|invite|delete)\b.{0,30}\b(user|member|colleague|employee|admin|administrator)s?"
    r"('s)?(?![- ]?agent)",
    r"(former|new) (employee|colleague)s?('s)?",
    r"(delete|close|cancel|deactivate|transfer) (my|our|the) account",
    r"account (is |was |got |has been )?(locked|suspended|disabled)", r"locked out",
    r"(customer|billing|self-service) portal",
    r"(email|e-mail|phone number) (address )?(on|of|for) (my|our|the) account",
)

_CHINESE = (
    # Billing and payment.
    # 价格, 报价 and 多少钱 alone are also a live-commerce stream's (主播报价格,
    # 观众问这个多少钱): ours are asked of a service or a period.
    "发票", "开票", "专票", "普票", "抬头", "税号", "增值税", "退款", "退费", "账单", "扣费",
    "计费", "收费", "费用", "专线价格", "价格表", "价格怎么", "价格多少", "什么价格", "报价单",
    "专线报价", "给个报价", "出个报价", "要多少钱", "多少钱一", "收多少钱", "得多少钱",
    "优惠", "折扣", "充值", "续费", "余额",
    "欠费", "提现", "汇款", "转账", "对公", "套餐升级", "升级套餐", "换套餐", "买套餐",
    "哪个套餐", "什么套餐", "套餐怎么", "套餐包含", "包年", "包月", "扣款", "付款", "支付宝",
    "微信支付", "消费明细", "消费记录", "买流量包", "流量包怎么", "怎么续", "企业版", "购买",
    "怎么卖",
    # Contracts and sales.
    "合同", "续签", "盖章", "商务合作", "找销售", "联系销售", "销售经理", "客户经理", "试用",
    "框架协议", "服务协议", "备案需要", "备案材料", "备案流程", "怎么备案",
    "保密协议", "公司名称",
    # Signing in and the account's people.
    "登录不了", "登陆不了", "无法登录", "无法登陆", "登录失败", "登陆失败", "不能登录", "不能登陆",
    "登录密码", "登陆密码", "怎么登录", "怎么登陆", "登录不上", "登陆不上", "登不上", "登不进",
    "忘记密码", "忘了密码", "修改密码", "重置密码",
    "找回密码", "密码输错", "子账号", "子账户", "子用户", "开个账号", "开账号", "账号被锁",
    "账号锁定", "邀请同事", "邀请成员", "团队成员", "注销", "实名", "手机号", "绑定邮箱",
)

_FEATURE_ENGLISH = (
    # No fix covers these, whatever is asked about them.
    r"drm", r"widevine", r"fairplay", r"closed captions?", r"ssai", r"ad insertion",
    r"mid-?rolls?", r"pre-?rolls?", r"time[- ]?shift\w*", r"countdown (page|timer|clock|screen)",
    r"(viewer|audience|viewing) (statistics|stats|analytics|reports?)",
    r"(chat|comment) moderation", r"moderat(e|ing|ion of) (the |our |live )?(chat|comments)",
    r"export\b.{0,30}\b(statistics|stats|reports?|analytics)",
    r"(is there|do you have|do you offer) an? (\w+ )?sdk", r"watermark (feature|function|option)",
    r"(add|enable|turn on|show) (live |closed |auto(matic)?[- ]?)?"
    r"(captions|subtitles)",
    r"loop(ing)? (a |the |our )?(pre-?)?recorded (video|show|event)", r"24/7 (live )?channel",
    r"pseudo[- ]live",
    r"how many (people|viewers|students|attendees|users) (watched|joined|viewed)",
    r"schedule (a |the |our |my )?(room|stream|live ?stream|broadcast|show)s?",
    r"embed (code|snippet)s?", r"(viewing|viewer|watch) passwords?", r"password[- ]protect\w*",
    r"(english|chinese|multi-?lingual|multi-?language|language) (audio|sound) tracks?",
    # These only as a question about doing it ("how to add subtitles"), not
    # about fixing something: "OBS overloaded after adding a watermark" is the
    # encoder's load, "how do I fix the co-host's audio" a stream's problem.
    r"(how (do|can|to|does|should)|can (i|we|viewers|you)|is it possible to|do you (support|offer)"
    r"|does (it|the service|your service) support)\b"
    r"(?! (i |we |you )?(fix|solve|stop|avoid|prevent|troubleshoot|debug)\b)"
    r"[^.?!]{0,40}\b(co-?host\w*|mic[- ]?link\w*|captions?|subtitles?|watermarks?|ads"
    r"|adverts?|advertising|rewind|countdown|analytics)",
)

_FEATURE_CHINESE = (
    "加水印", "打水印", "去水印", "水印怎么", "水印功能", "加字幕", "字幕怎么", "实时字幕",
    "字幕功能", "连麦怎么", "怎么连麦", "如何连麦", "连麦功能", "实现连麦", "支持连麦", "弹幕管理",
    "管理弹幕", "弹幕怎么管", "弹幕功能", "禁言", "敏感词", "暖场", "倒计时页", "倒计时功能",
    "倒计时怎么", "加倒计时", "加个倒计时", "设置倒计时", "插播广告",
    "插入广告", "广告插入", "贴片广告", "观看人数统计", "人数统计", "观看数据", "数据报表",
    "导出数据", "时移", "打赏", "加连麦", "上麦", "弹幕关键词", "弹幕过滤", "屏蔽弹幕", "挂购物车",
    "购物车功能", "防盗录", "SDK集成", "sdk集成", "集成SDK", "集成sdk", "哪个SDK", "哪个sdk",
    "观看密码", "导出报表",
)

# Two patterns, not one: the Chinese words are plain strings, which the
# engine finds in well under a microsecond, and with the English ones under
# one case-insensitive pattern every position of a query tried all of them
# (50 us a search, against 8 us for the two). ASCII word boundaries, so that
# "发票invoice" still has one before "invoice".
_CHINESE_WORDS = re.compile("|".join(re.escape(word) for word in _CHINESE))
_ENGLISH_WORDS = re.compile(r"\b(?:" + "|".join(_ENGLISH) + r")\b", re.IGNORECASE | re.ASCII)
_FEATURE_CHINESE_WORDS = re.compile("|".join(re.escape(word) for word in _FEATURE_CHINESE))
_FEATURE_ENGLISH_WORDS = re.compile(r"\b(?:" + "|".join(_FEATURE_ENGLISH) + r")\b",
                                    re.IGNORECASE | re.ASCII)


def account_words(text: str) -> str | None:
    """The words of ``text`` that make it a question about an account,
    billing, a contract or signing in, or None for any other question."""
    found = _CHINESE_WORDS.search(text) or _ENGLISH_WORDS.search(text)
    return found.group(0) if found else None


def feature_words(text: str) -> str | None:
    """The words of ``text`` that make it a question about how to use a
    feature of the service (kb.search.topics' docstring), or None."""
    found = _FEATURE_CHINESE_WORDS.search(text) or _FEATURE_ENGLISH_WORDS.search(text)
    return found.group(0) if found else None
