from django.urls import path

from kb.articles import views

app_name = "articles"

urlpatterns = [
    path("areas/<slug:area>/", views.area_detail, name="area"),
    path("kb/<str:language>/<slug:slug>/", views.article_detail, name="detail"),
    path("kb/<str:language>/<slug:slug>/feedback/", views.article_feedback, name="feedback"),
]
