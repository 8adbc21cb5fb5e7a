from celery import shared_task


@shared_task
def ping(value: str) -> str:
    """A task with no side effects: proves that the broker and a worker answer."""
    return f"pong:{value}"
