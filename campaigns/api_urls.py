"""Campaign routes under /api/v1/o/<org_slug>/ (included by kolhub/api/urls.py)."""

from django.urls import path

from campaigns.api import campaigns as api
from campaigns.api import offers, outreach, payments, portal, shipping

campaign_detail = api.CampaignApi.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)
collaboration_detail = api.CollaborationApi.as_view({"get": "retrieve", "delete": "destroy"})

urlpatterns = [
    path("campaigns/", api.CampaignApi.as_view({"get": "list", "post": "create"}),
         name="api_campaign_list"),
    path("campaigns/<int:campaign_id>/", campaign_detail, name="api_campaign_detail"),
    path("campaigns/<int:campaign_id>/creators/",
         api.CampaignApi.as_view({"post": "add_creators"}), name="api_campaign_add_creators"),
    path("collaborations/", api.CollaborationApi.as_view({"get": "list", "post": "create"}),
         name="api_collaboration_list"),
    path("collaborations/<int:collaboration_id>/", collaboration_detail,
         name="api_collaboration_detail"),
    path("collaborations/<int:collaboration_id>/transition/",
         api.CollaborationApi.as_view({"post": "transition"}), name="api_collaboration_transition"),
    path("collaborations/<int:collaboration_id>/history/",
         api.CollaborationApi.as_view({"get": "history"}), name="api_collaboration_history"),
    path("offers/", offers.OfferApi.as_view({"get": "list", "post": "create"}),
         name="api_offer_list"),
    path("offers/<int:offer_id>/", offers.OfferApi.as_view({"get": "retrieve"}),
         name="api_offer_detail"),
    path("offers/<int:offer_id>/counter/", offers.OfferApi.as_view({"post": "counter"}),
         name="api_offer_counter"),
    path("offers/<int:offer_id>/accept/", offers.OfferApi.as_view({"post": "accept"}),
         name="api_offer_accept"),
    path("offers/<int:offer_id>/decline/", offers.OfferApi.as_view({"post": "decline"}),
         name="api_offer_decline"),
    path("offers/<int:offer_id>/withdraw/", offers.OfferApi.as_view({"post": "withdraw"}),
         name="api_offer_withdraw"),
    path("offers/<int:offer_id>/diff/", offers.OfferApi.as_view({"get": "diff"}),
         name="api_offer_diff"),
    path("payments/", payments.PaymentApi.as_view({"get": "list"}), name="api_payment_list"),
    path("payments/<int:payment_id>/", payments.PaymentApi.as_view({"get": "retrieve"}),
         name="api_payment_detail"),
    path("payments/<int:payment_id>/mark-paid/",
         payments.PaymentApi.as_view({"post": "mark_paid"}), name="api_payment_mark_paid"),
    path("portal-tokens/", portal.PortalTokenApi.as_view({"get": "list", "post": "create"}),
         name="api_portal_token_list"),
    path("portal-tokens/<int:portal_token_id>/",
         portal.PortalTokenApi.as_view({"get": "retrieve"}), name="api_portal_token_detail"),
    path("portal-tokens/<int:portal_token_id>/revoke/",
         portal.PortalTokenApi.as_view({"post": "revoke"}), name="api_portal_token_revoke"),
    path("shipping-addresses/", shipping.ShippingAddressApi.as_view({"get": "list"}),
         name="api_address_list"),
    path("shipping-addresses/<int:address_id>/",
         shipping.ShippingAddressApi.as_view({"get": "retrieve"}), name="api_address_detail"),
    path("shipments/", shipping.ShipmentApi.as_view({"get": "list", "post": "create"}),
         name="api_shipment_list"),
    path("shipments/<int:shipment_id>/", shipping.ShipmentApi.as_view({"get": "retrieve"}),
         name="api_shipment_detail"),
    path("shipments/<int:shipment_id>/status/",
         shipping.ShipmentApi.as_view({"post": "set_status"}), name="api_shipment_status"),
    path("shipments/<int:shipment_id>/events/",
         shipping.ShipmentApi.as_view({"get": "events"}), name="api_shipment_events"),
    # Outreach.
    path("pitch-templates/",
         outreach.PitchTemplateApi.as_view({"get": "list", "post": "create"}),
         name="api_pitch_template_list"),
    path("pitch-templates/<int:pitch_template_id>/", outreach.PitchTemplateApi.as_view(
         {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}),
         name="api_pitch_template_detail"),
    path("collaborations/<int:collaboration_id>/pitch/preview/",
         outreach.CollaborationOutreachApi.as_view({"post": "pitch_preview"}),
         name="api_collaboration_pitch_preview"),
    path("collaborations/<int:collaboration_id>/pitch/",
         outreach.CollaborationOutreachApi.as_view({"post": "pitch"}),
         name="api_collaboration_pitch"),
    path("collaborations/<int:collaboration_id>/messages/",
         outreach.CollaborationOutreachApi.as_view({"get": "messages", "post": "messages"}),
         name="api_collaboration_messages"),
    path("campaigns/<int:campaign_id>/follow-ups/",
         outreach.FollowUpPlanApi.as_view({"get": "retrieve", "put": "update"}),
         name="api_campaign_follow_ups"),
]  # fmt: skip
