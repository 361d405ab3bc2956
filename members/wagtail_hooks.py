from members import admin as members_admin
from members.adhesion import admin as adhesion_admin

members_admin.register()
adhesion_admin.register()
