"""English texts (second language); missing keys fall back to Chinese."""

EN: dict[str, str] = {
    "privacy": (
        "Hello! This is the grid service of {community}. Report problems around you here; we pass"
        " them to the grid member in charge.\nWe keep only what is needed to handle a problem"
        " (address, the report). Your identity is never published; anonymous reports are fine.\n"
        "Agree to start."
    ),
    "btn_agree": "Agree",
    "btn_disagree": "Disagree",
    "declined": "All right. Without consent the service cannot be used. Send /start any time.",
    "ask_residence": "How do you live here?",
    "res_registered": "Registered resident",
    "res_migrant_permit": "Migrant with residence permit",
    "res_migrant_no_permit": "Migrant without residence permit",
    "res_merchant": "Merchant / stall keeper",
    "res_registered_elsewhere": "Registered here, living elsewhere",
    "ask_where": "Where do you live? Send an address, share a location, or pick a grid below.",
    "where_not_found": "Address not found. Please pick your grid:",
    "ready": "Done! You are in {grid}. Send any problem as text or a photo.\n/my your reports  /help",
    "empty_message": "No text received. Please describe the problem in words.",
    "location_received": "Location received. Please also describe the problem in words.",
    "photo_received": "Photo received. Please also describe the problem in words.",
    "contact_saved": "Phone number saved; the person handling your report may call you.",
    "unsupported": "Only text, photos and locations are understood. Please write the problem.",
    "confirm_category": "I understand this as: {label}\nBecause of: {why}\nCorrect?",
    "choose_category": "Please choose the kind of problem:",
    "btn_yes": "Yes, submit",
    "btn_other_category": "No, choose",
    "btn_anonymous": "Submit anonymously",
    "btn_cancel": "Cancel",
    "cancelled": "Cancelled.",
    "ticket_created": "Registered as {code} ({label}).\n{assignee} handles it; sign-off by {due}.",
    "urgent_notice": "⚠️ In danger call 119 (fire), 110 (police), 120 (ambulance) now.",
    "my_none": "You have not reported anything yet.",
    "my_header": "Your reports:",
    "ask_solved": "Your report {code} was resolved: {note}\nIs it solved?",
    "btn_solved": "Solved",
    "btn_not_solved": "Not solved",
    "ask_rating": "Please rate the result (1 worst, 5 best):",
    "thanks_rating": "Thank you for your rating!",
    "not_allowed": "Not allowed",
    "already_done": "Already done",
    "unknown_command": "Unknown command. Send /help.",
    "error": "Sorry, something went wrong and that message was not handled. Please send it again in a moment.",
    "help_resident": "Send text or a photo to report.\n/my your reports\n/cancel\n/lang language\n/forget erase my data",
    "lang_switched": "Switched to English.",
}
