"""Warnings from later apps (campaigns.warnings) in API answers: the offer's, and those
about creators just added to a campaign. Informational: the write they accompany has
happened."""

from __future__ import annotations

from rest_framework import serializers


class CreatorWarningSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="e.g. exclusivity")
    creator_id = serializers.IntegerField()
    title = serializers.CharField()
    message = serializers.CharField()
    url = serializers.CharField(help_text="The brand page of the record behind it")
    record_id = serializers.IntegerField(
        allow_null=True, help_text="e.g. the id of the conflicting contract"
    )
    categories = serializers.ListField(child=serializers.CharField())
    ends_on = serializers.DateField(allow_null=True, help_text="e.g. when the exclusivity ends")
