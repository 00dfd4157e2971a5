"""The text catalogues, kept in the core (liaisonbot/i18n.py, liaisonbot/locales/) so that the
command line renders the same sentences; handlers import them from here as before."""

from liaisonbot.i18n import DEFAULT_LANGUAGE, LANGUAGES, LOCALES_DIR, catalogue, t

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "LOCALES_DIR", "catalogue", "t"]
