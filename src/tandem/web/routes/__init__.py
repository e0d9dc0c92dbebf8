"""Every router of the app, in the order they are mounted."""

from tandem.web.routes import (
    account,
    api_people,
    api_social,
    auth,
    home,
    measure,
    publish,
    settings,
    system,
)

ROUTERS = (
    system.router,
    auth.router,
    home.router,
    account.router,
    publish.router,
    measure.router,
    settings.router,
    api_people.router,
    api_social.router,
)

__all__ = ["ROUTERS"]
