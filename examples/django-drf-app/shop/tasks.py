from celery import shared_task
from django.core.cache import cache

from .models import Order


@shared_task
def expire_pending_orders():
    Order.objects.filter(status="pending").update(status="expired")


@shared_task
def send_receipts():
    if not cache.add("send-receipts-lock", "1", timeout=300):
        return
    try:
        Order.objects.filter(status="paid").update(status="receipted")
    finally:
        cache.delete("send-receipts-lock")
