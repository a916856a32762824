"""The sections staff may include in the estimate PDF (and the customer page)."""

PDF_SECTIONS = [
    ("customer_vehicle", "Customer and vehicle"),
    ("labor", "Labor detail"),
    ("parts", "Parts detail"),
    ("prices", "Prices and totals"),
    ("statuses", "Approval statuses and history"),
    ("recommendations", "Recommendations"),
    ("notes", "Notes"),
    ("signatures", "Signatures"),
]
PDF_SECTION_KEYS = [key for key, _ in PDF_SECTIONS]
