"""What the browser tests share: Debian's Chromium, and a recorder of CSP violations."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
# Registered before a page's own code runs; Playwright injects it past the page's CSP.
RECORD_VIOLATIONS = (
    "window.__violations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
)
