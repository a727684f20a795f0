"""The effort estimates the outline shows (they live in :mod:`ilead_shell.effort`, which the
checks use too)."""

from ..effort import *  # noqa: F401,F403
from ..effort import hours, item_minutes, reading_minutes, video_minutes  # noqa: F401
