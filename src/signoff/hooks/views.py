"""Webhooks from providers: Twilio's text-message status callbacks, signature-checked."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from signoff.sharing.channels.sms import describe_error
from signoff.sharing.delivery import message_status_report


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest) -> HttpResponse:
    """Twilio reports sent/delivered/undelivered/failed; only Twilio-signed reports count."""
    if not _signed_by_twilio(request):
        return HttpResponseForbidden("The X-Twilio-Signature header is missing or wrong.")
    message_status_report(
        callback_code=request.GET.get("m", ""),
        provider_id=request.POST.get("MessageSid", ""),
        provider_status=request.POST.get("MessageStatus", ""),
        error=describe_error(request.POST.get("ErrorCode", "")),
    )
    # Twilio only needs to hear that we got it; reports that change nothing are answered alike.
    return HttpResponse(status=204)


def _signed_by_twilio(request: HttpRequest) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not settings.TWILIO_AUTH_TOKEN:
        return False
    # Twilio signs the public URL it called, which is ours as configured, not as proxied to us.
    url = settings.SITE_URL + request.get_full_path()
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(url, request.POST, signature)
