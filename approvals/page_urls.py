"""The review page behind every approval link, under /approve/ (approvals.pages)."""

from django.urls import path

from approvals import page_events, pages

urlpatterns = [
    path("<str:token>/", pages.review_page, name="review"),
    path("<str:token>/status/", pages.review_status_json, name="review-status"),
    path("<str:token>/events/", page_events.review_events, name="review-events"),
    path("<str:token>/screenshot/", pages.review_screenshot, name="review-screenshot"),
]
