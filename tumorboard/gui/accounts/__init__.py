"""Sign-in and the accounts an administrator manages."""
