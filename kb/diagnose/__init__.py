"""A diagnosis as the site gives it: kb.diagnostics over pasted output and
answers, plus the knowledge base's fixes. The ``POST /api/v1/diagnose`` API
and the attachment input it shares with the ticket API; the wizard and
tickets both stand on it, it stands on neither."""
