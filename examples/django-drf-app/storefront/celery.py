from celery import Celery

app = Celery("storefront")
app.config_from_object("django.conf:settings", namespace="CELERY")

app.conf.beat_schedule = {
    # Planted: a pass that takes longer than a minute starts again on top of itself.
    "expire-carts": {"task": "shop.tasks.expire_pending_orders", "schedule": 60.0},  # expect: job-overlap
    # Clean twin: the task takes a lock and skips the run when another one holds it.
    "send-receipts": {"task": "shop.tasks.send_receipts", "schedule": 60.0},
}
