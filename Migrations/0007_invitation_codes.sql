-- One-time codes that let a person without an account (or without a password) accept an invitation
-- from a phone: six digits e-mailed to the invited address, valid 10 minutes, 5 tries. A new code
-- replaces the previous one of the same invitation. Only the code's hash is kept.
CREATE TABLE invitation_code (
    invitation_id TEXT PRIMARY KEY REFERENCES invitation (id) ON DELETE CASCADE,
    code_hash     TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0
) STRICT;
