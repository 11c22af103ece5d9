from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from declarations.forms import QueuedPasswordResetForm

urlpatterns = [
    path("admin/", admin.site.urls),
    # The reset mail goes through the task queue (declarations.tasks).
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("declarations.api.urls")),
    path("", include("declarations.urls")),
]
