"""The duplicates texts, Simplified Chinese and English (same keys in both)."""

ZH: dict[str, str] = {
    # the resident reporting
    "dup_notice": (
        "这个问题可能已经有人反映了：{code}（{label}，{status}），相同的地方：{shared}。\n"
        "点“关注 {code}”，有进展会一起通知您，不用重复登记。\n\n"
    ),
    "dup_own": "您已经反映过这个问题：{code}（{status}），有进展会通知您。\n\n",
    "dup_question": "不是同一个问题，请点“单独提交”。",
    "btn_follow": "关注 {code}",
    "btn_separate": "单独提交",
    "dup_followed": "好的，您已关注 {code}，不用重复登记。有进展会通知您。",
    "dup_follow_gone": "{code} 刚刚办结了，您的问题单独登记。",
    # followers
    "dup_follower_status": "您关注的问题 {code} 状态更新：{status}。",
    "follower_escalated": "您关注的问题 {code} 已超时，已请{who}督办。",
    "dup_follower_resolved": "您关注的问题 {code} 已办结：{note}\n欢迎给处理结果打分（1 最差，5 最好）：",
    "dup_follower_closed": "您关注的问题 {code} 已关闭。谢谢！",
    "dup_follower_reopened": "您关注的问题 {code} 没有解决，已重新处理。",
    "dup_merged_resident": "问题 {code} 和 {target} 是同一个问题，已合并处理。{target} 有进展会通知您。",
    "dup_unmerged_resident": "问题 {code} 已恢复单独处理。",
    # staff
    "dup_new_follower": "【同一问题】又有居民反映了 {code} 的问题（共{count}位关注）。",
    "dup_possible": "⚠️ {code} 可能和 {other} 是同一件事（都提到：{shared}）。如是，发 /merge {code} {other} 合并。",
    "dup_merged_assignee": "{code} 已合并到 {target}（同一问题），{code} 不用再处理。",
    "dup_unmerged_assignee": "{code} 已撤销合并（原合并到 {target}），请继续处理。",
    "dup_merge_usage": "请发送：/merge 重复的编号 保留的编号（如 /merge F-000124 F-000123）",
    "dup_unmerge_usage": "请发送：/unmerge 编号（如 /unmerge F-000124）",
    "dup_merge_done": "已把 {code} 合并到 {target}，{code} 的反映人改为关注 {target}。",
    "dup_unmerge_done": "已撤销合并，{code} 恢复为：{status}。",
    "dup_merge_self": "不能把问题合并到它自己。",
    "dup_already_merged": "其中有问题已经合并过了，请先撤销合并（/unmerge）。",
    "dup_not_open": "办结或关闭的问题不能合并。",
    "dup_not_merged": "这个问题没有被合并。",
    "dup_unknown_code": "没有这个问题编号：{code}",
}

EN: dict[str, str] = {
    "dup_notice": (
        "This may already have been reported as {code} ({label}, {status}); in common: {shared}.\n"
        "Press “Follow {code}” to get its updates instead of reporting it again.\n\n"
    ),
    "dup_own": "You already reported this as {code} ({status}); you will get its updates.\n\n",
    "dup_question": "Not the same problem? Press “Report separately”.",
    "btn_follow": "Follow {code}",
    "btn_separate": "Report separately",
    "dup_followed": "Done: you follow {code} and will get its updates.",
    "dup_follow_gone": "{code} was just resolved; your report is registered on its own.",
    "dup_follower_status": "The report you follow, {code}, is now: {status}.",
    "follower_escalated": "The report you follow, {code}, is overdue; {who} has been asked to step in.",
    "dup_follower_resolved": "The report you follow, {code}, was resolved: {note}\nPlease rate the result (1 worst, 5 best):",
    "dup_follower_closed": "The report you follow, {code}, is closed. Thank you!",
    "dup_follower_reopened": "The report you follow, {code}, was not solved and is being handled again.",
    "dup_merged_resident": "Report {code} is the same problem as {target} and was merged into it; you will get the updates of {target}.",
    "dup_unmerged_resident": "Report {code} is handled on its own again.",
    "dup_new_follower": "[Same problem] Another resident reported {code} ({count} following).",
    "dup_possible": "⚠️ {code} may be the same as {other} (both mention: {shared}). If so, send /merge {code} {other}.",
    "dup_merged_assignee": "{code} was merged into {target} (same problem); no more work on {code}.",
    "dup_unmerged_assignee": "{code} is no longer merged into {target}; please go on with it.",
    "dup_merge_usage": "Send: /merge DUPLICATE KEPT (e.g. /merge F-000124 F-000123)",
    "dup_unmerge_usage": "Send: /unmerge CODE (e.g. /unmerge F-000124)",
    "dup_merge_done": "{code} merged into {target}; its reporter now follows {target}.",
    "dup_unmerge_done": "Merge undone; {code} is back to: {status}.",
    "dup_merge_self": "A report cannot be merged into itself.",
    "dup_already_merged": "One of them is already merged; undo that first (/unmerge).",
    "dup_not_open": "Resolved or closed reports cannot be merged.",
    "dup_not_merged": "This report is not merged.",
    "dup_unknown_code": "No report with code {code}.",
}
