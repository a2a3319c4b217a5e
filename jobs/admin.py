from django.contrib import admin

from jobs.models import JobPosting


@admin.register(JobPosting)
class JobPostingAdmin(admin.ModelAdmin):
    list_display = ["id", "company", "title", "ats", "external_id", "location", "created_at"]
    list_filter = ["ats", "created_at"]
    search_fields = ["company", "title", "canonical_key", "url", "external_id"]
    readonly_fields = ["canonical_key", "created_at", "updated_at"]
