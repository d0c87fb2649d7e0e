-- 0022: counters of the login limits (engine/auth/login-guard.ts), kept in the database so
-- every control plane on it counts the same guesses. One row per key (a prefix naming the
-- limit, then the account's email or the client's address); rate-limiter-flexible's Drizzle
-- store adds to `points` in one INSERT … ON CONFLICT, so parallel attempts cannot race past it.
CREATE TABLE rate_limits (
  key text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 600),
  points integer NOT NULL,
  -- When the window ends; the counter starts again after it. Null never happens for logins.
  expire timestamptz
);
-- Expired rows are swept by age.
CREATE INDEX rate_limits_expire ON rate_limits (expire);
