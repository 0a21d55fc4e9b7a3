"""Simplified Chinese for the interface, applied to the .po file.

Run after ``makemessages``:  python tools/i18n/zh_hans.py && python manage.py compilemessages
The strings here are the source of truth: every entry of the .po file gets
its translation from them, and "fuzzy" guesses by makemessages are dropped.
"""

ZH = {
    "verification": "核验",
    "Stale (not verified in %(days)d days)": "已过期（%(days)d 天未核验）",
    "Verified recently": "近期已核验",
    "Sent to review.": "已提交审核。",
    "Published.": "已发布。",
    "Returned to the author as a draft.": "已退回作者，改为草稿。",
    "Unpublished.": "已取消发布。",
    "Archived.": "已归档。",
    "Marked as verified today.": "已标记为今天核验。",
    "Confirmed as in line with its translation.": "已确认与译文一致。",
    "Classification": "分类",
    "Ownership and translation": "负责人与译文",
    "Workflow": "流程",
    "stale": "过期",
    "Revisions of “%(title)s”": "“%(title)s”的修订历史",
    "Changes in version %(v)s": "版本 %(v)s 的改动",
    "Rolled back to version %(v)s as a new version.": "已回滚到版本 %(v)s（保存为新版本）。",
    "Send to review": "提交审核",
    "Publish (reviewers)": "发布（审核人）",
    "Return to draft (reviewers)": "退回草稿（审核人）",
    "Archive": "归档",
    "Mark as verified today": "标记为今天核验",
    "Confirm in line with its translation": "确认与译文一致",
    "comment": "留言",
    "Translation": "译文",
    "The same fix in the other language.": "同一解决方案的另一语言版本。",
    "Minor edit": "小改动",
    "A typo or formatting fix: do not flag the translation as out of date.":
        "错别字或格式修正：不把译文标记为过期。",
    "A translation must be in the other language.": "译文必须是另一种语言。",
    "Knowledge base": "知识库",
    "Yes": "有帮助",
    "No": "没有帮助",
    "Choose yes or no.": "请选择“有帮助”或“没有帮助”。",
    "Anything we should add or fix? (optional)": "还有什么需要补充或修正？（选填）",
    "Use lowercase letters, digits and single hyphens, e.g. push-connection-refused.":
        "只能用小写字母、数字和单个连字符，例如 push-connection-refused。",
    "Publisher (pushes the stream)": "推流端",
    "Viewer (plays the stream)": "播放端（观众）",
    "Hardware encoder": "硬件编码器",
    "Draft": "草稿",
    "In review": "审核中",
    "Published": "已发布",
    "Archived": "已归档",
    "Articles that translate each other share this key (usually the slug).":
        "互为译文的文章共用此键（通常就是 slug）。",
    "Markdown. The five standard sections.": "Markdown 格式，包含五个标准章节。",
    "One per line: what the customer sees, exact error strings verbatim.":
        "每行一条：客户看到的现象，报错原文逐字照录。",
    "Comma-separated keywords.": "关键词，用逗号分隔。",
    "Its translation changed after this article was last brought in line.":
        "译文在本文上次同步之后有改动。",
    "Can review articles: publish them or return them": "可审核文章：发布或退回",
    "feedback": "反馈",
    "someone": "其他人",
    "Not saved: %(who)s saved version %(current)s of this article at %(when)s UTC, after "
    "you opened version %(expected)s. Your changes would overwrite theirs. Open the "
    "article again, reapply your changes and save.":
        "未保存：%(who)s 在 %(when)s（UTC）保存了本文的版本 %(current)s，而你打开的是版本 "
        "%(expected)s。直接保存会覆盖对方的修改。请重新打开文章，再次修改后保存。",
    "“%(other)s” is already the translation of “%(clash)s”.":
        "“%(other)s”已经是“%(clash)s”的译文。",
    "That revision belongs to another article.": "该修订属于另一篇文章。",
    "Cannot %(action)s an article that is %(status)s.": "状态为“%(status)s”的文章不能%(action)s。",
    "Only a reviewer can do this.": "只有审核人可以执行此操作。",
    "send to review": "提交审核",
    "publish": "发布",
    "return": "退回",
    "unpublish": "取消发布",
    "archive": "归档",
    "Feedback is only taken on published articles.": "只能对已发布的文章提交反馈。",
    "No such area.": "没有这个领域。",
    "No such language.": "不支持该语言。",
    "No such article.": "没有这篇文章。",
    "You have sent a lot of feedback. Please try again in %(minutes)d minutes.":
        "你提交的反馈太频繁了，请 %(minutes)d 分钟后再试。",
    "Thank you for your feedback.": "感谢你的反馈。",
    "Problem taxonomy": "问题分类",
    "Push": "推流",
    "Network": "网络",
    "Encoder": "编码",
    "Playback": "播放",
    "Operations": "运维",
    "Stable identifier, e.g. push.connect-refused": "固定标识，例如 push.connect-refused",
    "summary (English)": "说明（英文）",
    "summary (Chinese)": "说明（中文）",
    "problem code": "问题代码",
    "Search": "搜索",
    "Your search was long, so only its first %(n)d characters were used.":
        "搜索内容过长，只使用了前 %(n)d 个字符。",
    "English": "英文",
    "Simplified Chinese": "简体中文",
    "Search the knowledge base": "搜索知识库",
    "Describe the problem or paste the error message": "描述问题，或粘贴报错信息",
    "Revisions": "修订历史",
    "View on site": "在网站上查看",
    "Status": "状态",
    "Version": "版本",
    "Its translation changed after this article was last brought in line with it. Update "
    "this article, or confirm it is still in line.":
        "译文在本文上次同步后有改动。请更新本文，或确认两者仍然一致。",
    "Returned by the reviewer": "审核人退回意见",
    "Preview": "预览",
    "The rendered article appears here as you type.": "输入时在这里显示渲染后的文章。",
    "Review workflow": "审核流程",
    "Publish": "发布",
    "Why it goes back": "退回原因",
    "Return to author": "退回作者",
    "Unpublish": "取消发布",
    "Mark verified today": "标记为今天核验",
    "Confirm in line with translation": "确认与译文一致",
    "Home": "首页",
    "Changes from version %(a)s to version %(b)s": "从版本 %(a)s 到版本 %(b)s 的改动",
    "First version": "第一个版本",
    "fixture loader": "内容导入",
    "No content changed in this version.": "此版本没有内容改动。",
    "Rolling back saves the content of version %(v)s as a new version; nothing is lost.":
        "回滚会把版本 %(v)s 的内容保存为一个新版本，不会丢失任何内容。",
    "Roll back to version %(v)s": "回滚到版本 %(v)s",
    "Saved": "保存时间",
    "By": "操作人",
    "Note": "备注",
    "current": "当前",
    "Changes": "改动",
    "Did this help?": "这篇文章有帮助吗？",
    "Send feedback": "提交反馈",
    "Breadcrumbs": "导航路径",
    "Fixes": "解决方案",
    "%(area)s fixes": "%(area)s类解决方案",
    "No fixes in this area yet.": "这个领域还没有解决方案。",
    "Last verified": "最近核验",
    "You may see": "你可能看到",
    "Troubleshooting for live streaming": "直播故障自助排查",
    "Fix your live stream yourself, fast": "直播出问题？自己动手，快速解决",
    "Search a symptom or paste the exact error message from OBS, vMix, ffmpeg or your player.":
        "搜索故障现象，或粘贴 OBS、vMix、ffmpeg 或播放器的报错原文。",
    "Browse fixes by area": "按问题领域浏览",
    "Most common fixes": "常见问题解决方案",
    "No fixes have been published yet.": "还没有发布任何解决方案。",
    "Skip to content": "跳到正文",
    "Main": "主导航",
    "Staff": "后台",
    "Language": "语言",
    "Switch": "切换",
    "Standardized fixes for live-streaming push, network, encoder, playback and operations "
    "problems.": "推流、网络、编码、播放和运维问题的标准化解决方案。",
    "API": "API",
    "No fix matches your search. Try fewer words, or the exact error message.":
        "没有找到匹配的解决方案。试试减少关键词，或粘贴完整的报错原文。",
    "Pages": "分页",
    "Previous": "上一页",
    "Page %(n)s of %(total)s": "第 %(n)s 页，共 %(total)s 页",
    "Next": "下一页",
    "Search gaps: what customers look for and do not find": "搜索缺口：客户在找却没找到的内容",
    "Comma-separated words or phrases that mean the same, e.g. push, publish, ingest, 推流":
        "意思相同的词或短语，用逗号分隔，例如 push, publish, ingest, 推流",
    "synonym group": "同义词组",
    "Search page": "搜索页",
    "logged search": "搜索记录",
    "Search gaps": "搜索缺口",
    "Searches of the last %(days)s days that found nothing, or whose results nobody opened. "
    "Each is a fix customers are looking for.":
        "最近 %(days)s 天内没有结果、或结果无人点开的搜索。每一条都是客户在找的解决方案。",
    "Query": "搜索词",
    "Searches": "搜索次数",
    "No results": "无结果",
    "No click": "无点击",
    "Last searched": "最近搜索",
    "No gaps: every search found something that was opened.":
        "没有缺口：每次搜索都找到了并被点开。",
    "Your search was long, so only its first %(n)s characters were used.":
        "搜索内容过长，只使用了前 %(n)s 个字符。",
    "Did you mean": "你是不是要找",
    "Area": "领域",
    "All areas": "全部领域",
    "Both languages": "中英文",
    "Support tickets": "支持工单",
    "North America": "北美",
    "Europe": "欧洲",
    "Southeast Asia": "东南亚",
    "China": "中国",
    "Latin America": "拉丁美洲",
    "Middle East and Africa": "中东和非洲",
    "P1: stream down in production": "P1：线上直播中断",
    "P2: degraded": "P2：质量下降",
    "P3: question or minor problem": "P3：咨询或小问题",
    "P4: request": "P4：需求",
    "IANA name, e.g. Europe/Berlin": "IANA 时区名，例如 Asia/Shanghai",
    "Monday = 0, e.g. [0, 1, 2, 3, 4]": "周一为 0，例如 [0, 1, 2, 3, 4]",
    "Opening time, local to the team": "上班时间（团队当地时间）",
    "Closing time, local to the team": "下班时间（团队当地时间）",
    "Local dates without working hours, YYYY-MM-DD": "不上班的当地日期，格式 YYYY-MM-DD",
    "Local dates worked although not in working days (make-up days)":
        "不在工作日内但需要上班的当地日期（调休上班）",
    "Count only working minutes of the team (off for 24x7)": "只计团队工作时间（7×24 时关闭）",
    "SLA policy": "SLA 策略",
    "SLA policies": "SLA 策略",
    "Diagnostic wizard": "诊断向导",
    "New": "新建",
    "Acknowledged": "已受理",
    "Located": "已定位",
    "Waiting on customer": "等待客户回复",
    "Resolved": "已解决",
    "Closed": "已关闭",
    "Reopened": "已重新打开",
    "affected stream or line ID": "受影响的流 ID 或线路 ID",
    "Created": "已创建",
    "Comment": "回复",
    "Internal note": "内部备注",
    "Status change": "状态变更",
    "SLA event": "SLA 事件",
    # The learning loop: what closed tickets teach.
    "Learning": "工单学习",
    "Remove from the article's search document": "从文章的搜索内容中移除",
    "%(count)d phrases removed.": "已移除 %(count)d 条短语。",
    "Promote to the article's curated symptoms": "提升为文章的正式现象描述",
    "%(count)d phrases promoted to symptoms (a new version of each article).":
        "已将 %(count)d 条短语提升为现象描述（每篇文章各生成一个新版本）。",
    "learned phrases (from resolved tickets)": "学到的短语（来自已解决的工单）",
    "problem codes": "问题代码",
    "draft article": "文章草稿",
    "tickets": "工单",
    "Mark as reviewed": "标记为已复查",
    "%(count)d flags resolved.": "已处理 %(count)d 个标记。",
    "Link rate": "关联率",
    "New versus known: fix existed when opened": "新问题与已知问题：提单时已有解决方案的比例",
    "Article reuse: tickets per linked article": "文章复用：每篇关联文章解决的工单数",
    "Closed tickets": "已关闭工单",
    "Time to publish a fix for a new problem (median hours)":
        "新问题从提单到发布解决方案的时间（中位数，小时）",
    "Search deflection: searches that opened a fix": "搜索分流：打开了解决方案的搜索占比",
    "Self-service success: “did this help” yes": "自助成功率：“有帮助”的反馈占比",
    "Wizard deflection: sessions fixed per session or ticket":
        "向导分流：向导解决的会话占（会话＋工单）的比例",
    "SLA compliance by priority": "按优先级的 SLA 达标率",
    "SLA compliance by region": "按区域的 SLA 达标率",
    "Knowledge gaps found": "发现的知识缺口",
    "Existing article": "已有文章",
    "New article": "新文章",
    "No article": "无文章",
    "article effectiveness": "文章成效",
    "Customer wording": "客户原话",
    "Error string": "错误信息",
    "Active": "生效中",
    "Removed": "已移除",
    "Promoted to symptoms": "已提升为现象描述",
    "Similar tickets without an article": "没有对应文章的相似工单",
    "Search without a useful result": "没有有效结果的搜索",
    "Open": "待处理",
    "Tickets it resolved reopen often": "用它解决的工单经常被重新打开",
    "Readers often say it did not help": "读者经常反馈没有帮助",
    "Not verified recently": "近期未核验",
    "weeks must be a whole number from 1 to %(max)d.": "weeks 必须是 1 到 %(max)d 之间的整数。",
    "The learning loop": "学习闭环",
    "Self-service": "自助服务",
    "Article reuse": "文章复用",
    "Time to publish a fix for a new problem": "新问题的解决方案发布耗时",
    "What the site learns": "站点从工单中学到了什么",
    "Weekly, from the week of %(first)s to the week of %(last)s (weeks start on Monday, UTC).":
        "按周统计，从 %(first)s 所在周到 %(last)s 所在周（每周从周一开始，UTC）。",
    "Download as CSV": "下载 CSV",
    "Weeks": "周数",
    "Show": "显示",
    "Wizard deflection: no wizard data yet.": "向导分流：暂无向导数据。",
    "Top articles": "最常用的文章",
    "Article": "文章",
    "Tickets resolved": "解决的工单",
    "Wizard fixes": "向导解决次数",
    "Helpful": "有帮助",
    "Not helpful": "没有帮助",
    "Success rate": "成功率",
    "No ticket has been resolved with an article yet.": "还没有用文章解决的工单。",
    "Top knowledge gaps": "最大的知识缺口",
    "Gap": "缺口",
    "Kind": "类型",
    "Tickets or searches": "工单数或搜索次数",
    "Problem codes": "问题代码",
    "No open knowledge gap.": "没有待处理的知识缺口。",
    "The curators' queue": "知识编辑的待办队列",
    "Content health": "内容健康度",
    "No article is flagged for review.": "没有需要复查的文章。",
    "Reason": "原因",
    "Flagged": "标记时间",
    "Owner": "负责人",
}

ZH_PLURAL = {
    "%(counter)s fix": "%(counter)s 个解决方案",
    "%(counter)s fix found": "找到 %(counter)s 个解决方案",
}


def main() -> None:
    from pathlib import Path

    import polib

    path = Path(__file__).resolve().parents[2] / "locale/zh_Hans/LC_MESSAGES/django.po"
    po = polib.pofile(str(path))
    missing = []
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: ZH_PLURAL.get(entry.msgid, "")}
        else:
            entry.msgstr = ZH.get(entry.msgid, "")
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        if not (entry.msgstr or entry.msgstr_plural.get(0)):
            missing.append(entry.msgid)
    po.metadata_is_fuzzy = False
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Language"] = "zh_Hans"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save()
    print(f"{len(po)} entries, {len(missing)} untranslated")
    for msgid in missing:
        print("  missing:", msgid[:80])


if __name__ == "__main__":
    main()
