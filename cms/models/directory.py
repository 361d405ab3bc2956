from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField

from cms.blocks import RICH_TEXT_FEATURES
from cms.models.base import IntranetPage
from members.models import College, Member
from members.visibility import Viewer, card_for, pseudonymised_members

MEMBERS_PER_PAGE = 24


class MemberDirectoryPage(IntranetPage):
    """The directory of the convention's members, filtered by college and searchable by name."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = IntranetPage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.ConventionPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("annuaire des membres")

    def members(self, college_slug: str = "", query: str = ""):
        members = (
            Member.objects.filter(status=Member.Status.ACTIVE)
            .select_related("user", "organisation")
            .prefetch_related("memberships__college", "expertise")
        )
        if college_slug:
            members = members.filter(memberships__college__slug=college_slug)
        if query:
            members = members.filter(
                Q(user__first_name__icontains=query)
                | (Q(user__last_name__icontains=query) & ~Q(pk__in=pseudonymised_members()))
                | Q(organisation__name__icontains=query)
            )
        return members.distinct().order_by("user__last_name", "user__first_name", "pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        colleges = list(College.objects.all())
        college_filter = request.GET.get("college", "")
        if college_filter not in {college.slug for college in colleges}:
            college_filter = ""
        query = request.GET.get("q", "").strip()[:100]
        page = Paginator(self.members(college_filter, query), MEMBERS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        viewer = Viewer.of(request.user)
        context.update(
            {
                "colleges": colleges,
                "college_filter": college_filter,
                "query": query,
                "members_page": page,
                "cards": [card_for(viewer, member) for member in page.object_list],
            }
        )
        return context
