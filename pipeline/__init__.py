"""dailycast: a daily two-host news podcast that makes itself."""

__version__ = "0.1.0"
