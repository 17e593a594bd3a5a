"""Texts of the privacy feature (/forget), Simplified Chinese and English (same keys in both)."""

ZH: dict[str, str] = {
    "forget_ask": (
        "要删除您在这里的个人信息吗？\n删除后：住址、电话、反映过的问题内容都会抹去；"
        "还没办完的问题会继续处理，但不再通知您。\n需要居委会主任确认。"
    ),
    "btn_forget_yes": "确定删除",
    "btn_forget_no": "不删除",
    "forget_choose": "请点按钮：确定删除，或不删除。",
    "forget_sent": "已提交删除申请，居委会主任确认后会通知您。",
    "forget_pending": "您已经申请过了，正在等居委会主任确认。",
    "forget_nothing": "我们没有保存您的个人信息。",
    "forget_staff": "工作人员的信息由居委会管理，请联系居委会主任。",
    "forget_chair": (
        "【删除申请】居民 #{resident} 申请删除个人信息。\n"
        "共反映 {tickets} 个问题，其中 {open} 个未关闭（会匿名继续处理）。"
    ),
    "btn_forget_confirm": "同意删除",
    "btn_forget_decline": "不同意",
    "forget_done": "您的个人信息已经删除。谢谢您使用网格服务！以后再发消息，会当作新用户。",
    "forget_declined": "居委会暂时不能删除您的信息。如有疑问，请联系居委会。",
    "forget_confirmed": "已删除居民 #{resident} 的个人信息（{tickets} 个问题已匿名）。",
    "forget_kept": "已拒绝居民 #{resident} 的删除申请，已通知本人。",
}

EN: dict[str, str] = {
    "forget_ask": (
        "Delete your personal data here?\nYour address, phone and the text of your reports will"
        " be erased; open reports are still handled, but you will not be told.\n"
        "The committee chair confirms."
    ),
    "btn_forget_yes": "Delete",
    "btn_forget_no": "Keep",
    "forget_choose": "Please press a button: Delete or Keep.",
    "forget_sent": "Request sent. You will be told when the committee chair has confirmed it.",
    "forget_pending": "You have already asked; the committee chair has not decided yet.",
    "forget_nothing": "We keep no personal data about you.",
    "forget_staff": "Staff data is managed by the committee; please ask the chair.",
    "forget_chair": (
        "[Deletion request] Resident #{resident} asks to delete their personal data.\n"
        "{tickets} reports, {open} not closed (they continue anonymously)."
    ),
    "btn_forget_confirm": "Delete",
    "btn_forget_decline": "Refuse",
    "forget_done": "Your personal data has been deleted. Thank you! A new message starts afresh.",
    "forget_declined": "The committee cannot delete your data now. Please ask the committee.",
    "forget_confirmed": "Personal data of resident #{resident} deleted ({tickets} reports anonymised).",
    "forget_kept": "Deletion request of resident #{resident} refused; they were told.",
}
