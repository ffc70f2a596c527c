"""Base schemas shared by every app's API."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict


class Strict(Schema):
    """An input schema that refuses unknown fields (a computed score sent by a client, say)."""

    model_config = ConfigDict(extra="forbid")
