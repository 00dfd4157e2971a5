"""Resumption check-ins (监测会商): the question in the contact's chat and its answers, the rounds
sent on schedule, reminders and missing lists, and the officials' picture in groups."""
