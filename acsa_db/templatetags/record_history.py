"""``{% changes_since_verification record as changes %}``: what a reviewer checks on the record's page.

A tag rather than a context variable of the review admin, so that the
section is the template's alone (admin/acsa_db/changes_since_verification.html).
"""

from django import template

from ..models import ReviewStatus
from ..record_history import changes_since_verification as changes_of
from ..review import last_verified_at

register = template.Library()

# A record waiting for a reviewer's decision: the section says what to check.
SHOWN_FOR = (ReviewStatus.NEEDS_REVIEW, ReviewStatus.DISPUTED)


@register.simple_tag
def changes_since_verification(record):
    """``{"verified_at", "from_seed", "facts": [FactChanges]}``, or None when the record waits for no review.

    ``from_seed``: no reviewer verified it here; it was loaded as verified.
    """
    if record is None or record.pk is None or record.review_status not in SHOWN_FOR:
        return None
    verified_at, facts = changes_of(record)
    from_seed = verified_at is not None and last_verified_at(record) is None
    return {"verified_at": verified_at, "from_seed": from_seed, "facts": facts}
