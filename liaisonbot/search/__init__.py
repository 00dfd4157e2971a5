"""Search across reports (/find): Chinese words cut by jieba in an FTS5 index kept in step with
the reports (index.py), what a query asks (terms.py), and the scoped query itself (query.py)."""
