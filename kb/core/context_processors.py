from django.conf import settings


def site(request):
    # ``kb_site_name`` is what templates show: Django's auth views put their
    # own ``site_name`` (the request's host) into the context, over this one.
    return {"site_name": settings.KB_SITE_NAME, "kb_site_name": settings.KB_SITE_NAME,
            "debug": settings.DEBUG}
