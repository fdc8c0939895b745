from django.urls import path

from egov.exchange import views

app_name = "exchange"

urlpatterns = [
    path("giam-sat/", views.monitor, name="monitor"),
    path("giam-sat/thu-lai/<int:message_id>/", views.retry_message, name="retry"),
    path("giam-sat/<slug:peer>/thu-lai-tat-ca/", views.retry_peer, name="retry-all"),
    path("giam-sat/xu-ly-lai/<int:message_id>/", views.reprocess_message, name="reprocess"),
]
