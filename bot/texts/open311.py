"""The Open311 API's status notes and service notice: Simplified Chinese and English."""

ZH: dict[str, str] = {
    "open311_not_solved": "（未解决）",
    "open311_reopened": "；重新处理 {count} 次",
    "open311_waiting": "；等待居民补充信息",
    "open311_notice": "已登记，由{role}负责，{due}前签收处理。",
}

EN: dict[str, str] = {
    "open311_not_solved": " (not solved)",
    "open311_reopened": "; reopened {count} times",
    "open311_waiting": "; waiting for the resident to add details",
    "open311_notice": "Registered: {role} is responsible and signs off by {due}.",
}
