"""Open edX OLX course archive exporter."""
