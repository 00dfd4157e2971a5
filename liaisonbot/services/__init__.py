"""One function per use case. Each takes the database and plain values, and runs in one unit of
work; none knows about Telegram."""
