"""LiaisonBot core: settings, domain, store, workflow and read models. Never imports telegram."""
