"""Officers' accounts on the web pages: users, passwords, sessions, and sign-in through OpenID Connect."""
