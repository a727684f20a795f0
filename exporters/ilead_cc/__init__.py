"""IMS Common Cartridge exporters: plain (1.1/1.3) and LMS-flavoured."""
