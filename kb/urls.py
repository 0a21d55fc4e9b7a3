from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from kb.articles import apis as article_apis
from kb.articles import views as article_views
from kb.core.docs import api_docs
from kb.diagnose import apis as diagnose_apis
from kb.mail import apis as mail_apis
from kb.monitoring import apis as monitoring_apis
from kb.search import apis as search_apis
from kb.search import views as search_views
from kb.setup import health, metrics
from kb.tickets import apis as ticket_apis
from kb.tickets import response_times_views

api_v1 = [
    path("problems/", article_apis.ProblemListApi.as_view(), name="problem-list"),
    path("articles/", article_apis.ArticleListApi.as_view(), name="article-list"),
    path(
        "articles/<str:language>/<slug:slug>/",
        article_apis.ArticleDetailApi.as_view(),
        name="article-detail",
    ),
    path(
        "articles/<str:language>/<slug:slug>/feedback/",
        article_apis.ArticleFeedbackApi.as_view(),
        name="article-feedback",
    ),
    path("search", search_apis.SearchApi.as_view(), name="search"),
    path("diagnose", diagnose_apis.DiagnoseApi.as_view(), name="diagnose"),
    path("teams/", ticket_apis.TeamListApi.as_view(), name="team-list"),
    path("sla/preview", ticket_apis.SlaPreviewApi.as_view(), name="sla-preview"),
    path("sla/response-times", ticket_apis.SlaResponseTimesApi.as_view(),
         name="sla-response-times"),
    path("tickets/", ticket_apis.TicketListCreateApi.as_view(), name="ticket-list"),
    path("tickets/queue/", ticket_apis.TicketQueueApi.as_view(), name="ticket-queue"),
    path("tickets/<int:ticket_id>/", ticket_apis.TicketDetailApi.as_view(),
         name="ticket-detail"),
    *[path(f"tickets/<int:ticket_id>/{api.operation}/", api.as_view(),
           name=f"ticket-{api.operation}")
      for api in (ticket_apis.TicketAcknowledgeApi, ticket_apis.TicketLocateApi,
                  ticket_apis.TicketResolveApi, ticket_apis.TicketWaitApi,
                  ticket_apis.TicketAssignApi, ticket_apis.TicketCloseApi,
                  ticket_apis.TicketConfirmApi, ticket_apis.TicketCommentApi,
                  ticket_apis.TicketReopenApi)],
    path("monitoring/lines/", monitoring_apis.LineListCreateApi.as_view(),
         name="monitoring-line-list"),
    path("monitoring/lines/<int:line_id>/incidents/",
         monitoring_apis.LineIncidentListApi.as_view(), name="monitoring-line-incidents"),
    path("monitoring/samples", monitoring_apis.SampleIngestApi.as_view(),
         name="monitoring-samples"),
    path("status/", monitoring_apis.StatusApi.as_view(), name="status"),
    path("mail/inbound", mail_apis.MailInboundApi.as_view(), name="mail-inbound"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_docs, name="docs"),
]

urlpatterns = [
    # First: Django matches each request against the patterns in order, and
    # the API's answers are counted in milliseconds (no page's path starts
    # with api/, so the order changes no match).
    path("api/v1/", include((api_v1, "api"))),
    path("healthz", health.alive, name="healthz"),
    path("readyz", health.ReadinessView.as_view(), name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("", article_views.home, name="home"),
    path("", include("kb.articles.urls")),
    path("search/", search_views.search_page, name="search"),
    path("search/go/<int:log_id>/<int:article_id>/", search_views.search_click,
         name="search-click"),
    path("support/tickets/", include("kb.tickets.urls")),
    path("support/response-times/", response_times_views.response_times_page,
         name="response-times"),
    path("wizard/", include("kb.wizard.urls")),
    path("learning/", include("kb.learning.urls")),
    path("monitoring/", include("kb.monitoring.urls")),
    path("status/", include("kb.monitoring.status_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Streamline KB"
admin.site.site_title = "Streamline KB"
admin.site.index_title = "Knowledge base administration"
