from __future__ import annotations

from rest_framework import serializers

from kolhub.models import CURRENCIES, TIMEZONES, Membership, Organization, Role


class OrganizationSerializer(serializers.ModelSerializer):
    your_role = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = ["name", "slug", "default_currency", "timezone", "created_at", "your_role"]
        read_only_fields = ["slug", "created_at"]

    def get_your_role(self, obj: Organization) -> str:
        return self.context["request"]._request.org_role


class OrganizationUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    default_currency = serializers.ChoiceField(choices=CURRENCIES)
    timezone = serializers.ChoiceField(choices=TIMEZONES)


class MemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.SerializerMethodField()
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["id", "email", "name", "role", "created_at"]

    def get_name(self, obj: Membership) -> str:
        return obj.user.get_full_name()


class MeOrganizationSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    role = serializers.CharField()
    api_url = serializers.CharField()


class MeSerializer(serializers.Serializer):
    email = serializers.CharField(allow_blank=True)
    organizations = MeOrganizationSerializer(many=True)
