"""Code the three services share: settings, database, outbox/inbox, events, auth, errors, app wiring."""
