"""Every router of the app, in the order they are mounted."""

from tandem.web.routes import (
    account,
    api_compose,
    api_people,
    api_publications,
    api_social,
    auth,
    brand,
    calendar,
    create,
    create_import,
    home,
    links,
    measure,
    media,
    notifications,
    publications,
    publish,
    settings,
    system,
)

ROUTERS = (
    system.router,
    auth.router,
    home.router,
    account.router,
    notifications.router,
    calendar.router,
    create_import.router,
    create.router,
    links.router,
    media.router,
    publications.router,
    publish.router,
    measure.router,
    settings.router,
    brand.router,
    api_people.router,
    api_social.router,
    api_compose.router,
    api_publications.router,
    calendar.api_router,
)

__all__ = ["ROUTERS"]
