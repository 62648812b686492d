from django.http import Http404, HttpResponseRedirect
from django.urls import path

from redirect_baseline.models import BaselineCode


def redirect(request, code: str):
    url = BaselineCode.objects.filter(pk=code).values_list("url", flat=True).first()
    if url is None:
        raise Http404
    response = HttpResponseRedirect(url)
    # What the app's CommonMiddleware adds: without it gunicorn would chunk the reply.
    response["Content-Length"] = "0"
    return response


urlpatterns = [path("r/<str:code>", redirect)]
