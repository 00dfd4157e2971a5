"""The world's public names, where older imports expect them; the world itself lives in `world`
(the class) and `base` (its state)."""

from liaisonbot.sandbox.base import DEFAULT_BOT_USERNAME, DEFAULT_TOKEN, ControlError
from liaisonbot.sandbox.errors import ApiError
from liaisonbot.sandbox.filestore import image_size
from liaisonbot.sandbox.world import SandboxWorld

__all__ = [
    "DEFAULT_BOT_USERNAME",
    "DEFAULT_TOKEN",
    "ApiError",
    "ControlError",
    "SandboxWorld",
    "image_size",
]
