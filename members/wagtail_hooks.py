from members import admin as members_admin
from members import (
    admin_account,  # noqa: F401  (the account page without the name and e-mail panel)
    admin_dashboard,  # noqa: F401  (registers the dashboard's hooks)
    admin_name_change,
)
from members.adhesion import admin as adhesion_admin

members_admin.register()
adhesion_admin.register()
admin_name_change.register()
