"""The domain: vocabulary, value objects and rules. No I/O happens here."""
