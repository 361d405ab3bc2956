from django.urls import path

from members.security import views

urlpatterns = [
    path("verification/", views.VerifyView.as_view(), name="two_factor_verify"),
    path("double-authentification/", views.SetupView.as_view(), name="two_factor_setup"),
]
