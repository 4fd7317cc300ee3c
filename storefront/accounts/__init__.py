"""Admin accounts: users, roles, sign-in, two-factor codes and the audit log."""
