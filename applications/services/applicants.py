"""Applicants: a user with a profile and an API token."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from rest_framework.authtoken.models import Token

from applications.models import Profile


def applicant_create(
    *,
    username: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    location: str = "",
    current_company: str = "",
    is_staff: bool = False,
) -> tuple[AbstractBaseUser, str]:
    """A user with a profile and an API token; returns the user and the token's key. Running it
    again for the same user name updates the user and keeps the token."""
    user_model = get_user_model()
    with transaction.atomic():
        user, _ = user_model.objects.get_or_create(username=username)
        user.email = email
        user.first_name = first_name
        user.last_name = last_name
        user.is_staff = is_staff
        user.is_superuser = is_staff
        user.set_password(password)
        user.save()
        Profile.objects.update_or_create(
            user=user,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": email,
                "location": location,
                "current_company": current_company,
            },
        )
        token, _ = Token.objects.get_or_create(user=user)
    return user, token.key
