"""The Telegram side: handlers, keyboards and rendering, thin over liaisonbot's services."""
