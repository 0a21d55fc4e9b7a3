from django.conf import settings


def site(request):
    return {"site_name": "Streamline KB", "debug": settings.DEBUG}
