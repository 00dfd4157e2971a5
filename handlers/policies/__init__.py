"""Support policies in chat: /policy, the card's policy panel, offers to enterprises and their
funnel buttons, waves, the library sent as a file, and the sender of offers."""
