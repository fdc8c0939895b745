from django.http import HttpRequest

from egov.accounts.models import User


def me(request: HttpRequest) -> User:
    """The signed-in user, typed (views using it are behind login_required)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionError("sign-in required")
    return user
