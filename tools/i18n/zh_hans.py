"""Simplified Chinese for the interface, applied to the .po file.

Run after ``makemessages``:  python tools/i18n/zh_hans.py && python manage.py compilemessages
The strings here are the source of truth: every entry of the .po file gets
its translation from them, and "fuzzy" guesses by makemessages are dropped.
"""

ZH = {
    # Search answered from the database while the index is repaired; index repairs.
    "Search is running in a simpler mode while its index is repaired: these results match "
    "your words but may be ranked less well.":
        "搜索索引正在修复，当前为简化模式：以下结果包含您输入的词，但排序可能不够准确。",
    "index repair": "索引修复",
    "A search failed": "搜索出错",
    "Check at worker start": "后台任务进程启动时检查",
    "A rebuild was interrupted": "索引重建被中断",
    "Bootstrap": "初始化",
    # Rate limits, sign-in lockouts, wizard sessions read by staff.
    "Sign-in is paused for this account after %(failure_limit)s failed attempts. Try again "
    "in 15 minutes, or reset your password.":
        "此账号已连续 %(failure_limit)s 次登录失败，登录已暂停。请 15 分钟后再试，或重置密码。",
    "Sign-in from this address is paused after %(failure_limit)s failed attempts. Try again "
    "in 15 minutes, or reset your password.":
        "此地址已有 %(failure_limit)s 次登录失败，从此地址登录已暂停。"
        "请 15 分钟后再试，或重置密码。",
    "This is a customer's session: you can read it, only they can answer it.":
        "这是客户的诊断会话：您可以查看，只有客户本人可以作答。",
    "You are reading the session of %(name)s; only they can answer it.":
        "您正在查看 %(name)s 的诊断会话；只有其本人可以作答。",
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
    # Tickets: portal, queue, ticket page
    "Subject": "标题",
    "What is wrong, in a line: e.g. “OBS: Failed to connect to server”.":
        "一句话说明问题，例如“OBS：Failed to connect to server”。",
    "Description": "问题描述",
    "Since when, what you tried, what viewers see. Exact error messages help.":
        "从什么时候开始、已经试过什么、观众看到什么。请附上原始报错信息。",
    "Priority": "优先级",
    "Region": "区域",
    "Affected stream or line ID": "受影响的流 ID 或专线 ID",
    "Protocol": "协议",
    "Your side": "您是哪一端",
    "Paste tool output (optional)": "粘贴工具输出（可选）",
    "ping, mtr, traceroute, tracert, an OBS log or ffmpeg errors.":
        "ping、mtr、traceroute、tracert 的输出，OBS 日志或 ffmpeg 报错。",
    "Attach log files (optional)": "上传日志文件（可选）",
    "Text files, at most 5, 2 MB each.": "纯文本文件，最多 5 个，每个不超过 2 MB。",
    "Attach at most %(count)d files; you chose %(chosen)d.":
        "最多上传 %(count)d 个文件，您选择了 %(chosen)d 个。",
    "“%(name)s” is larger than 2 MB; attach the relevant part.":
        "“%(name)s”超过 2 MB，请只上传相关的部分。",
    "For a stream that is down, give its stream or line ID so the on-call engineer can look "
    "at it at once.": "直播中断时请填写流 ID 或专线 ID，值班工程师可以立即排查。",
    "Reply": "回复",
    "Internal note (staff only)": "内部备注（仅员工可见）",
    "What is still wrong?": "还有什么问题？",
    "Attach log files": "上传日志文件",
    "Diagnosis: problem codes": "定位结论：问题代码",
    "Choose at least one problem code.": "请至少选择一个问题代码。",
    "The fix that solved it": "解决问题的方案",
    "No article fits": "没有合适的文章",
    "Resolution summary": "处理总结",
    "Link the article that fixed it, or choose “No article fits” and summarize the "
    "resolution.": "请关联解决问题的文章，或选择“没有合适的文章”并填写处理总结。",
    "What do you need from the customer?": "需要客户提供什么？",
    "Team": "团队",
    "Engineer": "工程师",
    "Choose a team or an engineer.": "请选择团队或工程师。",
    "Mine": "我的",
    "Told when an SLA target is breached": "SLA 超时时通知此人",
    "Chat or paging tool that receives P1 pages (signed JSON)":
        "接收 P1 告警的聊天或值班工具（带签名的 JSON）",
    "Bytes as uploaded": "上传时的字节数",
    "Warning": "预警",
    "Breach": "超时",
    "E-mail": "邮件",
    "Webhook": "Webhook",
    "Pending": "待发送",
    "Sent": "已发送",
    "Failed": "发送失败",
    "You can only file tickets for your own organization.": "只能为您所在的组织提交工单。",
    "“%(name)s” is %(size)d KB; attachments are limited to %(limit)d MB. Attach the relevant "
    "part.": "“%(name)s”有 %(size)d KB，附件上限为 %(limit)d MB，请只上传相关的部分。",
    "“%(name)s” is not a text file; attach logs as text.":
        "“%(name)s”不是文本文件，请以文本形式上传日志。",
    "A ticket holds at most %(count)d attachments.": "每个工单最多 %(count)d 个附件。",
    "“%(name)s” is empty.": "“%(name)s”是空文件。",
    "Only support engineers can do this.": "只有技术支持工程师可以执行此操作。",
    "A ticket that is %(current)s cannot become %(next)s.":
        "“%(current)s”状态的工单不能变为“%(next)s”。",
    "Name at least one problem code as the diagnosis.": "请至少填写一个问题代码作为定位结论。",
    "Link the article that fixed it, or say that no article fits and summarize the "
    "resolution.": "请关联解决问题的文章，或说明没有合适的文章并填写处理总结。",
    "Write something first.": "请先填写内容。",
    "Only an open ticket can wait on the customer.": "只有处理中的工单可以转为等待客户。",
    "Say what you need from the customer.": "请说明需要客户提供什么。",
    "This ticket is not waiting on the customer.": "此工单不在等待客户状态。",
    "Say what is still wrong.": "请说明还有什么问题。",
    "Tickets can only be assigned to support engineers.": "工单只能分配给技术支持工程师。",
    "team %(from)s → %(to)s": "团队 %(from)s → %(to)s",
    "assignee %(from)s → %(to)s": "处理人 %(from)s → %(to)s",
    "Choose another team or engineer.": "请选择其他团队或工程师。",
    "Reassigned: %s.": "已转派：%s。",
    "No such page.": "页面不存在。",
    "Ticket #%(id)d is filed. We keep you posted here and by e-mail.":
        "工单 #%(id)d 已提交。处理进展会在此页面和邮件中通知您。",
    "Your reply is on the timeline.": "您的回复已加入处理记录。",
    "The logs are attached.": "日志已上传。",
    "Reopened: support picks it up again.": "已重新打开，技术支持会继续跟进。",
    "Thank you: the ticket is closed.": "感谢确认，工单已关闭。",
    "Acknowledged.": "已受理。",
    "Located.": "已定位。",
    "Resolved: the customer is asked to confirm.": "已解决，等待客户确认。",
    "Closed.": "已关闭。",
    "Waiting on the customer; the SLA clock is paused.": "等待客户回复，SLA 计时已暂停。",
    "Reassigned.": "已转派。",
    "No such action.": "不支持此操作。",
    "Tickets": "工单",
    "Sign out": "退出登录",
    "Sign in": "登录",
    "Too many sign-in attempts": "登录尝试次数过多",
    "Sign-in is paused for this account and address after %(failure_limit)s failed attempts. "
    "Try again in 15 minutes, or reset your password.":
        "此账号和地址已连续 %(failure_limit)s 次登录失败，登录已暂停。"
        "请 15 分钟后再试，或重置密码。",
    "Reset your password": "重置密码",
    "Username": "用户名",
    "Password": "密码",
    "Forgot your password?": "忘记密码？",
    "Password set": "密码已设置",
    "Sign in with your new password": "用新密码登录",
    "Choose a new password": "设置新密码",
    "New password": "新密码",
    "New password again": "再次输入新密码",
    "Set the password": "设置密码",
    "This link has been used or has expired.": "此链接已使用或已过期。",
    "Ask for a new one": "重新获取链接",
    "Check your e-mail": "请查收邮件",
    "If an account has this address, a link to choose a new password is on its way. It works "
    "once and expires in three days.":
        "如果有账号使用此邮箱，重置密码的链接已发出。链接只能使用一次，三天后失效。",
    "Someone asked to reset the password of your account \"%(user)s\" on %(site_name)s. If it "
    "was you, choose a new password here:":
        "有人申请重置您在 %(site_name)s 的账号“%(user)s”的密码。如果是您本人，请在这里设置新密码：",
    "If it was not you, ignore this message; your password stays as it is.":
        "如果不是您本人操作，请忽略此邮件，您的密码不会改变。",
    "Enter the e-mail address of your account; we send a link to choose a new password.":
        "请输入账号的邮箱地址，我们会发送设置新密码的链接。",
    "Send the link": "发送链接",
    "Reset your %(site_name)s password": "重置您的 %(site_name)s 密码",
    "Page %(number)s of %(count)s": "第 %(number)s 页，共 %(count)s 页",
    "Goes to team %(team)s": "将由 %(team)s 团队处理",
    "off duty now: follows the sun": "该团队当前不在班，按时区接力转给在班团队",
    "We promise:": "我们承诺：",
    "Acknowledged by": "受理时间不晚于",
    "Cause located by": "定位原因不晚于",
    "Resolved by": "解决时间不晚于",
    "Choose a priority and a region to see the promised times.":
        "选择优先级和区域后，可看到承诺的响应时间。",
    "These fixes may solve it right away:": "这些解决方案也许能马上解决问题：",
    "Queue": "工单队列",
    "Your tickets": "我的工单",
    "not assigned yet": "尚未分配",
    "Stream or line": "流或专线",
    "Filed": "提交时间",
    "by": "提交人",
    "Emergency": "紧急",
    "Stream down: emergency path": "直播中断：紧急通道",
    "Paged for you:": "已为您呼叫：",
    "an engineer": "一位工程师",
    "%(name)s (%(role)s), by e-mail at %(time)s": "%(name)s（%(role)s），%(time)s 已发邮件",
    "the %(team)s team's paging tool, at %(time)s": "%(team)s 团队的值班呼叫工具，%(time)s",
    "More pages are still being sent.": "其余呼叫仍在发送中。",
    "The page is being sent to:": "正在向以下对象发送呼叫：",
    "%(name)s (%(role)s), by e-mail": "%(name)s（%(role)s），通过邮件",
    "the %(team)s team's paging tool": "%(team)s 团队的值班呼叫工具",
    "The page has not reached anyone. Please call our emergency line now.":
        "呼叫未能送达任何人。请立即拨打我们的紧急电话。",
    "Emergency line, around the clock:": "24 小时紧急电话：",
    "(example number)": "（示例号码）",
    "Page alarm since %(when)s: %(reason)s. Take the ticket.":
        "呼叫告警（自 %(when)s 起）：%(reason)s。请接手这张工单。",
    "Pages that reached nobody": "未送达任何人的呼叫",
    "Nobody has acknowledged these P1 tickets: take one now.":
        "这些 P1 工单还没有人受理：请立即接手。",
    "page alarm": "呼叫告警",
    "Promised: acknowledged by %(ack)s, resolved by %(resolve)s. Meanwhile, the fast checks "
    "below often bring a stream back.":
        "承诺：%(ack)s 前受理，%(resolve)s 前解决。在此期间，下面的快速检查常常就能恢复直播。",
    "Check the fixes for a stream that went down": "查看直播中断的解决方案",
    "Our promise": "我们的承诺",
    "Stage": "阶段",
    "Due": "截止时间",
    "State": "状态",
    "Cause located": "定位原因",
    "met at %(when)s": "已于 %(when)s 达成",
    "late, at %(when)s": "超时，于 %(when)s 达成",
    "overdue": "已超时",
    "paused: waiting on you": "已暂停：等待您的回复",
    "%(left)s left": "剩余 %(left)s",
    "Diagnosis:": "定位结论：",
    "Fixed with:": "解决方案：",
    "Resolution:": "处理结果：",
    "Attached logs": "已上传的日志",
    "What the logs and description say": "日志和描述的分析结果",
    "No findings in the attached output.": "上传的输出中没有发现问题。",
    "Suggested fixes": "建议的解决方案",
    "Pages sent": "已发出的告警",
    "Timeline": "处理记录",
    "system": "系统",
    "internal": "内部",
    "Your move": "下一步",
    "Support thinks this is fixed. Is it?": "技术支持认为问题已解决，您确认吗？",
    "Yes, it is fixed: close the ticket": "是的，已解决：关闭工单",
    "Not fixed: reopen": "没有解决：重新打开",
    "Send": "发送",
    "Attach": "上传",
    "Work the ticket": "处理工单",
    "Acknowledge": "受理",
    "Mark located": "标记为已定位",
    "Resolve": "解决",
    "Ask and pause the clock": "提问并暂停计时",
    "Close": "关闭",
    "Reassign": "转派",
    "All tickets": "全部工单",
    "File a ticket": "提交工单",
    "Open the queue": "打开工单队列",
    "Tickets of %(name)s": "%(name)s 的工单",
    "No tickets yet.": "还没有工单。",
    "Most problems have a standard fix: search first, or file a ticket.":
        "大多数问题都有标准解决方案：可以先搜索，或者直接提交工单。",
    "For %(name)s. A stream down in production? Choose P1: the on-call engineer is paged at "
    "once.": "代表 %(name)s 提交。线上直播中断？请选择 P1，值班工程师会被立即呼叫。",
    "(optional)": "（可选）",
    "File the ticket": "提交工单",
    "Your account belongs to no organization yet; ask your administrator to add you.":
        "您的账号还不属于任何组织，请联系管理员把您加入组织。",
    "Filter": "筛选",
    "Some filters were not valid and are ignored.": "部分筛选条件无效，已忽略。",
    "Open tickets, the next SLA target due first.":
        "未关闭的工单，按下一个 SLA 截止时间排序。",
    "Next target": "下一个截止时间",
    "paused": "已暂停",
    "%(late)s overdue": "已超时 %(late)s",
    "Nothing in the queue for these filters.": "没有符合筛选条件的工单。",
    "Resolved by these fixes": "解决问题的方案",
    "Follow the ticket": "查看工单进展",
    "Insights": "数据洞察",
    "Support replied": "技术支持已回复",
    "Resolved: please confirm the fix": "已解决：请确认问题是否修复",
    "Linked to the new article “%(title)s”.": "已关联新文章“%(title)s”。",
    "Notifications": "通知",
    # Timeline entries the site writes
    "Routed to team %(team)s.": "已分派给 %(team)s 团队。",
    "Acknowledged by %(user)s.": "%(user)s 已受理。",
    "Located: %(codes)s.": "已定位：%(codes)s。",
    "Resolved with “%(title)s”.": "已按“%(title)s”解决。",
    "Resolved; no article fits.": "已解决（没有合适的文章）。",
    "Closed by %(user)s.": "%(user)s 已关闭工单。",
    "Waiting on the customer: the SLA clock is paused.": "等待客户回复：SLA 计时已暂停。",
    "The customer answered; the SLA clock resumes (paused for %(minutes)d min).":
        "客户已回复，SLA 恢复计时（暂停了 %(minutes)d 分钟）。",
    "Reopened.": "已重新打开。",
    "Reassigned to team %(to)s (was %(from)s).": "已转派给 %(to)s 团队（原为 %(from)s）。",
    "Reassigned to %(to)s (was %(from)s).": "已转派给 %(to)s（原为 %(from)s）。",
    "P1: paging %(who)s by %(count)d channel(s).": "P1：正在通过 %(count)d 个渠道呼叫 %(who)s。",
    "P1: nobody on call; paging the team lead %(who)s by %(count)d channel(s).":
        "P1：无人值班，正在通过 %(count)d 个渠道呼叫团队负责人 %(who)s。",
    "P1: nobody on call and no team lead; paging every member of team %(team)s: %(who)s "
    "(%(count)d deliveries).":
        "P1：无人值班，也没有团队负责人，正在呼叫 %(team)s 团队的全体成员：%(who)s"
        "（%(count)d 条投递）。",
    "P1: team %(team)s has nobody on call, no lead and no member to reach; paging the "
    "support leads: %(who)s (%(count)d deliveries).":
        "P1：%(team)s 团队无人值班、没有负责人，也没有可联系的成员，正在呼叫支持主管："
        "%(who)s（%(count)d 条投递）。",
    "Page alarm: nobody with an e-mail address could be paged for this P1. Alarm deliveries "
    "queued to the support leads and the team webhook: %(count)d.":
        "呼叫告警：这个 P1 找不到任何有邮箱地址的人可以呼叫。已排队发给支持主管和团队 Webhook "
        "的告警：%(count)d 条。",
    "Page alarm: every e-mail page for this P1 failed. Alarm deliveries queued to the "
    "support leads and the team webhook: %(count)d.":
        "呼叫告警：这个 P1 的呼叫邮件全部发送失败。已排队发给支持主管和团队 Webhook 的告警："
        "%(count)d 条。",
    "Stream or line: %(stream)s": "直播流或线路：%(stream)s",
    "Region: %(region)s, team: %(team)s": "区域：%(region)s，团队：%(team)s",
    "Acknowledge by: %(due)s UTC": "受理截止：%(due)s UTC",
    "[Page alarm] P1 #%(id)d %(subject)s": "【呼叫告警】P1 #%(id)d %(subject)s",
    "Take the ticket now: %(link)s": "请立即接手工单：%(link)s",
    "Nobody could be paged for this P1: nobody on call, no team lead, no team member and no "
    "support lead has an e-mail address.":
        "这个 P1 无人可呼叫：值班工程师、团队负责人、团队成员和支持主管都没有邮箱地址。",
    "Every e-mail page for this P1 failed after its retries: nobody was reached.":
        "这个 P1 的呼叫邮件重试后全部发送失败：没有联系到任何人。",
    "Delivery failed: %(channel)s to %(target)s: %(error)s":
        "发送失败：%(channel)s → %(target)s：%(error)s",
    "SLA warning: the %(stage)s target is 75 %% used (due %(due)s UTC).":
        "SLA 预警：%(stage)s目标已用去 75%%（截止 %(due)s UTC）。",
    "SLA breach: the %(stage)s target was missed (due %(due)s UTC).":
        "SLA 超时：%(stage)s目标未达成（截止 %(due)s UTC）。",
    "acknowledge": "受理",
    "locate": "定位",
    "resolve": "解决",
    "P1 page": "P1 告警",
    "Page alarm": "呼叫告警",
    "on call": "值班",
    "team lead": "团队负责人",
    "team member": "团队成员",
    "support lead": "支持主管",
    "nobody with an e-mail address to page": "没有可呼叫的人（无人留有邮箱地址）",
    "every e-mail page failed": "所有呼叫邮件都发送失败",
    "Paged for a P1 when nobody is on call and the team has no lead":
        "无人值班且团队没有负责人时，P1 会呼叫这些成员",
    # Holiday calendars that run out
    "Team %(team)s has no public holidays loaded: its SLA due times count every holiday as "
    "a working day. Add them in the admin.":
        "%(team)s 团队没有载入任何公共节假日：其 SLA 截止时间会把所有节假日当作工作日计算。"
        "请在管理后台添加。",
    "The public holidays of team %(team)s end with %(year)s: its SLA due times now count "
    "holidays as working days. Add the %(next)s holidays in the admin.":
        "%(team)s 团队的公共节假日只载入到 %(year)s 年：其 SLA 截止时间现在会把节假日当作工作日"
        "计算。请在管理后台添加 %(next)s 年的节假日。",
    "The public holidays of team %(team)s end with %(year)s: from %(date)s its SLA due "
    "times will count holidays as working days. Add the %(next)s holidays in the admin.":
        "%(team)s 团队的公共节假日只载入到 %(year)s 年：从 %(date)s 起，其 SLA 截止时间会把"
        "节假日当作工作日计算。请在管理后台添加 %(next)s 年的节假日。",
    "[Streamline KB] Holidays of team %(team)s run out":
        "[Streamline KB] %(team)s 团队的节假日日历即将用完",
    "Holiday calendar": "节假日日历",
    "Public holidays loaded up to %(year)s.": "公共节假日已载入到 %(year)s 年。",
    "Holiday calendars run out": "节假日日历即将用完",
    "Edit the team": "编辑团队",
    "Customer update": "客户通知",
    # Support response times
    "%(days)s business days": "%(days)s 个工作日",
    "%(days)s days": "%(days)s 天",
    "%(h)d h %(m)d min in business hours": "%(h)d 小时 %(m)d 分钟（工作时间）",
    "%(h)d h %(m)d min": "%(h)d 小时 %(m)d 分钟",
    "%(n)d min": "%(n)d 分钟",
    "%(percent)d%%": "%(percent)d%%",
    "Locate": "定位",
    "%(priority)s: measured time against the target": "%(priority)s：实测用时与目标对比",
    "For each stage, a bar for the median and one for the 90th percentile of the measured "
    "times; a vertical line marks the target. Each stage has its own scale. The same numbers "
    "are in the table.":
        "每个阶段两根横条，分别是实测用时的中位数和第 90 百分位数；竖线标出目标。"
        "各阶段刻度不同。表格里有同样的数字。",
    "Median": "中位数",
    "90th percentile": "第 90 百分位数",
    "Target": "目标",
    "target %(time)s": "目标 %(time)s",
    "no measured tickets": "暂无实测工单",
    "%(priority)s: share within target by region": "%(priority)s：各地区达标率",
    "For each region with tickets, three bars from 0 to 100 %: the share of acknowledge, "
    "locate and resolve within target. Open tickets past due count as missed. The same "
    "numbers are in the table.":
        "每个有工单的地区三根横条，刻度 0 到 100%：受理、定位、解决在目标内完成的比例。"
        "已超期仍未完成的工单计为未达标。表格里有同样的数字。",
    "%(stage)s: not known yet": "%(stage)s：尚无结果",
    "%(stage)s, %(measure)s: %(value)s": "%(stage)s，%(measure)s：%(value)s",
    "%(region)s, %(stage)s: %(value)s": "%(region)s，%(stage)s：%(value)s",
    "%(share)s (%(met)d of %(decided)d)": "%(share)s（%(decided)d 张中 %(met)d 张）",
    "The time window must be 30 or 90 days; showing the last %(days)d days instead.":
        "时间范围只能是 30 天或 90 天，现按最近 %(days)d 天显示。",
    "Support response times": "技术支持响应时间",
    "How fast support really responds: the targets we promise for each priority, and the "
    "times we measured on real tickets.":
        "技术支持实际响应有多快：每个优先级承诺的目标，以及在真实工单上实测的用时。",
    "Time window": "时间范围",
    "Last %(days)s days": "最近 %(days)s 天",
    "Tickets filed from %(since)s to %(until)s (%(zone)s); the figures are refreshed every "
    "5 minutes.":
        "统计 %(since)s 至 %(until)s（%(zone)s）提交的工单；数据每 5 分钟更新一次。",
    "No tickets in this window. The targets below are what we promise; measured times "
    "appear here once tickets have been filed.":
        "这段时间内没有工单。下面是我们承诺的目标；有工单提交后，这里会显示实测用时。",
    "No target is configured for this priority.": "这个优先级尚未配置目标。",
    "Counted in the working hours of the team handling the ticket.":
        "按处理工单的团队的工作时间计时。",
    "Counted around the clock.": "按 7×24 小时全天计时。",
    "No tickets in this window.": "这段时间内没有工单。",
    "%(priority)s: targets and measured times": "%(priority)s：目标与实测用时",
    "Within target": "达标率",
    "By region": "按地区",
    "%(priority)s figures by region": "%(priority)s 各地区数据",
    "%(priority)s: measured times by region": "%(priority)s：各地区实测用时",
    "(%(overdue)s open overdue)": "（%(overdue)s 张未完成且已超期）",
    "%(reached)s measured, %(open)s open": "已完成 %(reached)s 张，未完成 %(open)s 张",
    "How we measure": "统计方法",
    "Every ticket filed in the window is measured from the moment it was filed to the "
    "moment support acknowledged it, located the cause and resolved it.":
        "这段时间内提交的每张工单，都从提交时刻起计时，分别到技术支持受理、定位原因、"
        "解决问题的时刻为止。",
    "Priorities counted in working hours count only the working minutes of the team "
    "handling the ticket, in its own time zone, without weekends and public holidays. A "
    "business day is one team working day of 9 hours. Priorities counted around the clock "
    "count every minute.":
        "按工作时间计时的优先级，只计处理工单的团队在其所在时区的上班时间，不含周末和"
        "法定节假日；一个工作日即团队的一个 9 小时工作日。按全天计时的优先级，每一分钟"
        "都计入。",
    "Within target means the stage was reached by its due time. While a ticket waits for "
    "the customer's answer its clock stands still and the due time moves by that much; the "
    "measured times include the waiting.":
        "“达标”指该阶段在截止时间之前完成。工单等待客户回复期间 SLA 计时暂停，截止时间"
        "相应顺延；实测用时则包含这段等待。",
    "A stage not reached yet is open: it is not in the median and 90th percentile, but "
    "once it is past its due time it counts as missed, so overdue tickets are never hidden. "
    "Open stages not yet due are not counted either way.":
        "尚未完成的阶段不计入中位数和第 90 百分位数；但一旦超过截止时间就计为未达标，"
        "超期工单不会被隐藏。尚未到截止时间的未完成阶段，既不算达标也不算未达标。",
    "Median and 90th percentile use the nearest-rank method: of n measured times in order, "
    "the median is the one at position ⌈n × 0.5⌉ and the 90th percentile the one at ⌈n × "
    "0.9⌉, so both are real measured times. Half the tickets took at most the median, nine "
    "in ten at most the 90th percentile.":
        "中位数和第 90 百分位数采用最近秩法（nearest-rank）：把 n 个实测用时从小到大"
        "排列，中位数取第 ⌈n × 0.5⌉ 个，第 90 百分位数取第 ⌈n × 0.9⌉ 个，所以两者都是"
        "真实测得的用时。一半工单用时不超过中位数，九成工单用时不超过第 90 百分位数。",
    "A ticket resolved without a separate diagnosis step counts as located when it was "
    "resolved. Partial minutes are dropped.":
        "没有单独定位就直接解决的工单，以解决时刻作为定位时刻。不足一分钟的部分舍去。",
    "The same figures are available as JSON at <code>%(url)s?window=%(window)s</code>.":
        "同样的数据也以 JSON 形式提供：<code>%(url)s?window=%(window)s</code>。",
    "How fast does support respond?": "技术支持响应有多快？",
    "When a fix is not enough, support takes over. See the targets we promise for each "
    "priority and the response times we measured on real tickets.":
        "解决方案解决不了时，由技术支持接手。来看看每个优先级承诺的目标，以及在真实工单上"
        "实测的响应时间。",
    # The guided diagnosis (wizard)
    (
        "The draft's slug must be the flow's slug (%(slug)s)."
    ): (
        "草稿中的 slug 必须与流程的 slug（%(slug)s）一致。"
    ),
    "sessions": "会话数",
    "latest version": "最新版本",
    "unpublished changes": "有未发布的修改",
    (
        "%(flow)s: the draft is already published as version %(n)d."
    ): (
        "%(flow)s：草稿已发布为第 %(n)d 版。"
    ),
    (
        "%(flow)s: published as version %(n)d; running sessions finish on theirs."
    ): (
        "%(flow)s：已发布为第 %(n)d 版；进行中的会话仍按原版本走完。"
    ),
    "Publish the draft as a new version": "将草稿发布为新版本",
    "transcript": "诊断记录",
    "page": "页面",
    "Empty for the emergency flow": "紧急流程留空",
    "title (English)": "标题（英文）",
    "title (Chinese)": "标题（中文）",
    "Started when a live stream is down now": "直播正在中断时启动",
    (
        "The flow as TOML (format: fixtures/flows/README.md). Publishing validates it and makes "
        "the next version."
    ): (
        "TOML 格式的流程（格式见 fixtures/flows/README.md）。发布时会校验，并生成下一个版本。"
    ),
    "Validated, normalized steps": "已校验并规范化的步骤",
    "The TOML this version was published from": "发布此版本所用的 TOML",
    "In progress": "进行中",
    "Escalated": "已升级",
    "The last diagnosis: findings, suggestions": "最近一次诊断：发现与建议",
    "Fix candidates per fix step, in the order shown": "每个解决步骤的候选方案，按展示顺序",
    "Started": "已开始",
    "Step shown": "已展示步骤",
    "Answered": "已回答",
    "Went back": "已返回上一步",
    "Fix shown": "已展示解决方案",
    "Fix worked": "方案有效",
    "Fix did not work": "方案无效",
    "Restarted": "已重新开始",
    "The flow is not valid: %(errors)s": "流程校验未通过：%(errors)s",
    "This flow has not been published yet.": "该流程尚未发布。",
    "This session has ended; start a new one to go on.": "本次诊断已结束，如需继续请重新开始。",
    (
        "That answer is for a step you are no longer on (perhaps it was answered in another "
        "tab). Here is where you are now."
    ): (
        "该回答对应的步骤已经过去（可能已在另一个标签页中回答）。下面是您当前所在的步骤。"
    ),
    "Choose one of the answers offered.": "请从给出的选项中选择一个。",
    (
        "Please keep this under %(limit)d characters (it has %(length)d)."
    ): (
        "请控制在 %(limit)d 个字符以内（当前 %(length)d 个）。"
    ),
    "Please fill this in; it is needed to help you.": "请填写此项，处理问题需要它。",
    "A stream ID is one line.": "流 ID 只能填一行。",
    "Confirm the ticket below to escalate.": "请确认下面的工单以提交升级。",
    (
        "Paste the output (or attach it as a file), or choose Skip."
    ): (
        "请粘贴输出（或以文件上传），也可以选择“跳过”。"
    ),
    "Paste the output (or attach it as a file).": "请粘贴输出（或以文件上传）。",
    (
        "At most %(max)d outputs per session; this would make %(count)d. Paste the most relevant "
        "ones."
    ): (
        "每次诊断最多 %(max)d 份输出，这样会达到 %(count)d 份。请只粘贴最相关的。"
    ),
    (
        "“%(name)s” is %(size).1f MB; the limit is %(limit)d MB. Paste the part around the "
        "problem (for a log, the minutes before and after it)."
    ): (
        "“%(name)s”有 %(size).1f MB，上限是 %(limit)d MB。请只粘贴出问题前后的部分（日志取出问题"
        "前后几分钟即可）。"
    ),
    (
        "“%(name)s” is not a text file; paste tool output as text."
    ): (
        "“%(name)s”不是文本文件，请以文本形式粘贴工具输出。"
    ),
    "Answer “Did this fix it?” with Yes or No.": "请用“是”或“否”回答“问题解决了吗？”。",
    "This is the first step.": "已经是第一步了。",
    "Choose the region the stream is in.": "请选择这路流所在的地区。",
    (
        "A stream ID is one line of at most %(max)d characters."
    ): (
        "流 ID 只能填一行，最多 %(max)d 个字符。"
    ),
    "Please keep the note under %(max)d characters.": "补充说明请控制在 %(max)d 个字符以内。",
    "This session is not at the ticket step.": "本次诊断还没有到提交工单这一步。",
    "Sign in to file the ticket.": "请登录后提交工单。",
    (
        "Your account is not a member of a customer organization, so a ticket cannot be filed "
        "from it. Ask your administrator to add you, or contact support directly."
    ): (
        "您的账号不属于任何客户组织，无法提交工单。请联系贵司管理员把您加入组织，或直接联系技术支"
        "持。"
    ),
    (
        "The emergency path is not set up; please contact support by phone."
    ): (
        "紧急通道尚未配置，请直接电话联系技术支持。"
    ),
    "That diagnosis does not exist; choose one of the list.": "没有这个诊断流程，请从列表中选择。",
    "Answer the question: is a live stream down right now?": "请先回答：现在是否有直播中断？",
    "No such diagnosis session. Start a new one.": "找不到这次诊断，请重新开始。",
    (
        "That is too much to send at once. Paste the part of the output around the problem."
    ): (
        "一次提交的内容太多了。请只粘贴出问题前后的那部分输出。"
    ),
    "At most %(n)d files at once.": "一次最多上传 %(n)d 个文件。",
    "Unknown action.": "未知操作。",
    "Statistics per version": "各版本统计",
    (
        "Edit the draft (TOML, format in fixtures/flows/README.md), then “Save and publish”: it "
        "is validated and becomes the next version. Sessions already running finish on the "
        "version they started."
    ): (
        "编辑草稿（TOML，格式见 fixtures/flows/README.md），然后点击“保存并发布”：校验通过后成为"
        "下一个版本。进行中的会话仍按开始时的版本走完。"
    ),
    "Save and publish": "保存并发布",
    "Something wrong? Start the guided diagnosis": "遇到问题？开始引导式诊断",
    "Wizard": "故障诊断",
    "Glad it is fixed": "问题已解决",
    "Solved by: %(title)s": "解决方案：%(title)s",
    "Open the fix": "打开该方案",
    "Start another diagnosis": "开始新的诊断",
    "Your ticket is filed": "工单已提交",
    (
        "Ticket #%(number)s, priority %(priority)s, is with the %(team)s team."
    ): (
        "工单 #%(number)s（优先级 %(priority)s）已转给 %(team)s 团队。"
    ),
    (
        "The on-call engineer has been paged and will contact you."
    ): (
        "已呼叫值班工程师，他会尽快联系您。"
    ),
    "On call: %(name)s.": "值班工程师：%(name)s。",
    "Acknowledge by": "最晚响应时间",
    "A ticket was filed from this session.": "本次诊断已提交工单。",
    "Step %(done)s of about %(total)s": "第 %(done)s 步，共约 %(total)s 步",
    "Continue": "继续",
    "Or attach the output as text files": "或以文本文件上传输出",
    "Up to %(n)s outputs per session, 2 MB each.": "每次诊断最多 %(n)s 份输出，每份不超过 2 MB。",
    "Read this output": "分析这段输出",
    "Skip": "跳过",
    "%(name)s: read as %(kind)s": "%(name)s：识别为 %(kind)s",
    "Evidence": "依据",
    (
        "Nothing abnormal stands out in what you gave. The next step offers the fixes that match "
        "your answers."
    ): (
        "您提供的内容里没有发现明显异常。下一步会给出与您的回答相符的解决方案。"
    ),
    "Suggested fix %(n)s of %(total)s": "建议方案 %(n)s / %(total)s",
    "Why this fix": "推荐理由",
    "It covers the problem you described.": "它针对的正是您描述的问题。",
    "Open this fix in a new tab": "在新标签页中打开该方案",
    "Did this fix it?": "问题解决了吗？",
    "Yes, it works now": "解决了，现在正常",
    "No, still broken": "没有，还是不行",
    "Problem codes": "问题代码",
    "Attachments": "附件",
    "We promise": "服务承诺",
    "Team %(team)s": "%(team)s 团队",
    "acknowledge by": "最晚响应",
    "resolve by": "最晚解决",
    "What the ticket will include": "工单将包含的内容",
    "Region of the stream": "流所在地区",
    "Choose…": "请选择…",
    "Anything to add (optional)": "补充说明（选填）",
    (
        "You need to sign in to file the ticket; you will come straight back here with nothing "
        "lost."
    ): (
        "提交工单需要先登录；登录后会直接回到这里，已填写的内容不会丢失。"
    ),
    "Sign in and file the ticket": "登录并提交工单",
    "File the P1 ticket and page the on-call engineer": "提交 P1 工单并呼叫值班工程师",
    "Back": "上一步",
    "Start over": "重新开始",
    "Fast checks that often fix it": "常见的快速排查",
    "Fix offered": "推荐方案",
    "Escalated to a ticket": "已升级为工单",
    "Pasted": "已粘贴",
    "Skipped": "已跳过",
    "No findings": "未发现异常",
    "No answers yet.": "还没有回答。",
    "Guided diagnosis": "引导式诊断",
    (
        "You can leave and come back: this page's address keeps your answers."
    ): (
        "可以随时离开再回来：本页地址会保存您的回答。"
    ),
    "Is a live stream down right now?": "现在是否有直播中断？",
    (
        "Down means viewers see nothing, or the encoder cannot publish at all, during a live "
        "event."
    ): (
        "中断指直播进行中观众完全看不到画面，或编码器完全推不上流。"
    ),
    "Yes, a live stream is down now": "是，现在有直播中断",
    "No, something else is wrong": "不是，是其他问题",
    "What is the problem about?": "问题属于哪一类？",
    "No diagnosis has been published yet.": "还没有发布任何诊断流程。",
    "Back: a live stream is down": "返回：有直播中断",
    "Wizard statistics": "诊断统计",
    (
        "Overall deflection rate (resolved in the wizard / sessions that ended)"
    ): (
        "总体自助解决率（诊断中解决的会话 / 已结束的会话）"
    ),
    (
        "A session with no activity for 24 hours counts as abandoned; abandoned right after a "
        "fix was shown counts as probably resolved."
    ): (
        "24 小时无操作的会话计为放弃；在展示解决方案后放弃的计为“可能已解决”。"
    ),
    "Ended": "已结束",
    "Probably resolved": "可能已解决",
    "Abandoned": "已放弃",
    "Deflection": "自助解决率",
    "Per step": "按步骤",
    "Step": "步骤",
    "Kind": "类型",
    "Reached": "到达数",
    "No flow has been published yet.": "还没有发布任何流程。",
    "You answered “%(answer)s”.": "您选择了“%(answer)s”。",
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
    "Tickets or searches": "工单数或搜索次数",
    "No open knowledge gap.": "没有待处理的知识缺口。",
    "The curators' queue": "知识编辑的待办队列",
    "Content health": "内容健康度",
    "No article is flagged for review.": "没有需要复查的文章。",
    "Reason": "原因",
    "Flagged": "标记时间",
    "Owner": "负责人",
}

ZH_PLURAL = {
    "You have sent many requests in a short time. Please try again in %(minutes)d minute.":
        "您在短时间内发送了太多请求，请 %(minutes)d 分钟后再试。",
    "%(counter)s already attached.": "已附 %(counter)s 份。",
    "%(counter)s fix": "%(counter)s 个解决方案",
    "%(counter)s fix found": "找到 %(counter)s 个解决方案",
    "%(n)d business day": "%(n)d 个工作日",
    "%(n)d day": "%(n)d 天",
    "%(n)d business hour": "%(n)d 个工作小时",
    "%(n)d hour": "%(n)d 小时",
    "%(n)d business minute": "%(n)d 分钟（工作时间）",
    "%(counter)s ticket in this window.": "这段时间内共 %(counter)s 张工单。",
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
