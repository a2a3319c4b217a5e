"""Approval requests, decisions, audit log and notifications."""
