"""The digest's picture: the figures over the last working days (data.py), drawn with
matplotlib and a CJK font loaded by path (fonts.py, draw.py), off the event loop with a time limit
(runner.py)."""
