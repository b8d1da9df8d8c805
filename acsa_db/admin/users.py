"""Django's user admin, with the roles spelled out where the admin gives access.

A new user with "staff status" and no group can sign in and see nothing: what
a user may read and change comes from the groups the roles migration makes
(acsa_db/migrations/0003_roles.py). The user form says so beside the groups.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm

ROLES_HELP = (
    "The groups grant access: viewer reads every table (and exports it); curator also adds, changes "
    "and deletes agreements, exercises, sources and citations and sends records for review; reviewer also verifies or disputes "
    "records. A user in no group sees nothing. Put a reviewer who also curates in both groups."
)
STAFF_HELP = "Lets the user sign in to the admin; what they see there comes from their groups (below)."


class RolesUserChangeForm(UserChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "groups" in self.fields:
            self.fields["groups"].help_text = ROLES_HELP
        if "is_staff" in self.fields:
            self.fields["is_staff"].help_text = STAFF_HELP


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class RolesUserAdmin(UserAdmin):
    form = RolesUserChangeForm
