from django.urls import include, path

urlpatterns = [
    path("api/", include("shop.urls")),
    path("auth/", include("accounts.urls")),
]
