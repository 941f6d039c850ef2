"""The v1 API router. The public schema is generated from these URLs only."""

from django.urls import path

urlpatterns: list = []
