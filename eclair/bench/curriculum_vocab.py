"""Words the curriculum builds pages and tasks from: labels, field names and plausible values."""

from __future__ import annotations

import random
from collections.abc import Callable

BUTTONS = [
    "Save",
    "Submit",
    "Cancel",
    "Next",
    "Back",
    "Delete",
    "Archive",
    "Approve",
    "Reject",
    "Export",
    "Refresh",
    "Share",
    "Edit",
    "Send",
    "Confirm",
    "Continue",
    "Apply",
    "Reset",
    "Close",
    "Upload",
    "Download",
    "Print",
    "Search",
    "Assign",
    "Escalate",
    "Merge",
    "Publish",
    "Duplicate",
    "Preview",
    "Sync",
]
LINKS = [
    "Pricing",
    "Contact us",
    "Release notes",
    "Privacy policy",
    "Team directory",
    "Open invoices",
    "My tickets",
    "Help center",
    "Quarterly report",
    "Vendor list",
    "Shift schedule",
    "Order history",
    "API keys",
    "Audit log",
]
APPS = ["Acme CRM", "Helpdesk", "Procurement", "Clinic Portal", "HR Hub", "Inventory", "Billing Console"]
NAV = ["Home", "Reports", "Settings", "Profile", "Inbox", "Dashboard", "Admin"]
FILLER = [
    "All changes are saved to the audit trail.",
    "Your session expires after 30 minutes of inactivity.",
    "Records updated today appear at the top.",
    "Need help? Contact the service desk.",
    "Items marked with a star are shared with your team.",
    "Exports are generated in the background.",
]
PEOPLE = ["Dana", "Priya", "Marco", "Lena", "Omar", "Yuki", "Sofia", "Jonas", "Amara", "Felix"]
SURNAMES = ["Reyes", "Shah", "Rossi", "Berg", "Haddad", "Tanaka", "Costa", "Weber", "Okafor", "Novak"]
COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Stark Industries", "Wayne Enterprises", "Hooli", "Vandelay"]
CITIES = ["Lisbon", "Denver", "Osaka", "Nairobi", "Toronto", "Oslo", "Austin", "Lyon"]
TEXT_FIELDS: dict[str, Callable[[random.Random], str]] = {
    "Name": lambda r: f"{r.choice(PEOPLE)} {r.choice(SURNAMES)}",
    "First name": lambda r: r.choice(PEOPLE),
    "Email": lambda r: f"{r.choice(PEOPLE).lower()}@{r.choice(COMPANIES).split()[0].lower()}.com",
    "Company": lambda r: r.choice(COMPANIES),
    "City": lambda r: r.choice(CITIES),
    "Phone": lambda r: f"555-{r.randint(1000, 9999)}",
    "Order number": lambda r: f"PO-{r.randint(10000, 99999)}",
    "Quantity": lambda r: str(r.randint(2, 40)),
    "Assignee": lambda r: r.choice(PEOPLE),
    "Subject": lambda r: r.choice(["Printer offline", "VPN access", "Refund request", "New laptop", "Badge lost"]),
    "Zip code": lambda r: str(r.randint(10000, 99999)),
    "Username": lambda r: f"{r.choice(PEOPLE).lower()}{r.randint(1, 99)}",
}
SELECTS = {
    "Priority": ["Low", "Medium", "High", "Urgent"],
    "Status": ["Open", "Pending", "In progress", "Closed"],
    "Department": ["Sales", "Finance", "Legal", "Engineering", "Support"],
    "Country": ["Portugal", "Canada", "Japan", "Kenya", "Norway", "France"],
    "Category": ["Hardware", "Software", "Network", "Access"],
}
CHECKS = [
    "Subscribe to updates",
    "Send a copy to me",
    "Mark as urgent",
    "Notify the team",
    "Remember this device",
    "Include attachments",
    "Accept the terms",
    "Make it public",
]
RADIOS = {
    "Shipping": ["Standard", "Express", "Overnight"],
    "Plan": ["Free", "Pro", "Team", "Enterprise"],
    "Contact method": ["Email", "Phone", "Chat"],
    "Billing cycle": ["Monthly", "Quarterly", "Yearly"],
}
TABS = ["Overview", "Details", "Billing", "Settings", "History", "Notes", "Members"]
