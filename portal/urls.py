from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from edi import views as edi_views
from portal.metrics import metrics_view
from portal.ops import views as ops_views
from portal.views import health, home, invitations, orders, pages, preferences, shipments

portal_patterns = [
    path("", home.home, name="home"),
    path("orders/", orders.order_list, name="order_list"),
    path("orders/export.csv", orders.order_export, name="order_export"),
    path("orders/<int:pk>/", orders.order_detail, name="order_detail"),
    path("orders/<int:pk>/accept-all/", orders.order_accept_all, name="order_accept_all"),
    path("orders/<int:pk>/lines/<int:line_pk>/respond/", orders.order_line_respond, name="order_line_respond"),
    path("shipments/", pages.shipment_list, name="shipment_list"),
    path("shipments/new/", shipments.asn_new, name="asn_new"),
    path("shipments/new/details/", shipments.asn_details, name="asn_details"),
    path("shipments/<int:pk>/", pages.shipment_detail, name="shipment_detail"),
    path("shipments/<int:pk>/labels.pdf", shipments.shipment_labels, name="shipment_labels"),
    path("shipments/<int:pk>/packing-list.pdf", shipments.shipment_packing_list, name="shipment_packing_list"),
    path("preferences/", preferences.preferences, name="preferences"),
    path("receipts/", pages.receipt_list, name="receipt_list"),
    path("receipts/<int:pk>/", pages.receipt_detail, name="receipt_detail"),
    path("parts/", pages.part_list, name="part_list"),
    path("team/", pages.team, name="team"),
    path("team/<int:pk>/active/", pages.team_member_active, name="team_member_active"),
    path("invite/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("forecasts/", include("suppliers.forecasts.urls")),
    path("quality/", include("suppliers.quality.urls")),
    path("production-quality/", include("suppliers.quality.production_urls")),
    path("scorecard/", include("suppliers.scorecards.urls")),
    path("inventory/", include("suppliers.planning.urls")),
    path("account/api-key/", include("suppliers.erp.urls")),
    path("accounts/", include("allauth.urls")),
    # The language switcher also stores the choice as the user's e-mail language.
    path("i18n/setlang/", preferences.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("console/operations/", admin.site.admin_view(ops_views.operator_page), name="console-operations"),
    path("console/traceability/", include("suppliers.production.urls")),
    path("console/", admin.site.urls),
    path("api/v1/", include("portal.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("as2/", edi_views.as2_inbox, name="as2-inbox"),
    path("as2/mdn/", edi_views.as2_mdn_inbox, name="as2-mdn"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
]
