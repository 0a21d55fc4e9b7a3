from django.dispatch import Signal

# Sent, inside the transaction that ends the session, when a customer answers
# "yes, this fixed it". Receivers get ``article`` (the fix), ``session_ref``
# (the session's id, once per session) and ``problem_code`` (the one problem
# the fix was offered for, or ""). The learning loop counts it: the wizard
# does not depend on learning.
wizard_fix_confirmed = Signal()
