"""Django settings for olx_load.py that hold one more app the platform always has.

../shared/tools/edx-blocks/edx_settings.py installs just enough apps for the block classes
to parse.  edx-val asks a waffle flag (``override_existing_imported_transcripts``) as soon
as a video has two transcripts for one language, e.g. the one of its ``<video_asset>`` and
the legacy ``subs_<youtube id>.srt.sjson`` it looks for beside it, and without django-waffle
installed as an app that question raises instead of answering "off" as the LMS and Studio
do (``waffle`` is in their INSTALLED_APPS).
"""

from edx_settings import *  # noqa: F401,F403 - the tool's settings, extended
from edx_settings import INSTALLED_APPS as _TOOL_APPS

INSTALLED_APPS = [*_TOOL_APPS, "waffle"]
