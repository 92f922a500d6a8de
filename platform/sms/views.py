from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from .models import SmsMessage


def outbox(request):
    """The demo's phone: every message "sent", newest first. Only in the demo (DEMO_TOOLS)."""
    if not settings.DEMO_TOOLS or settings.SMS_BACKEND != "outbox":
        raise Http404
    return render(request, "sms/outbox.html", {"messages_sent": SmsMessage.objects.all()[:50]})
