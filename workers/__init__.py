"""Celery tasks, preemption, sweeps and the browser drivers."""
