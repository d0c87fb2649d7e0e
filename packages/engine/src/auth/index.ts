export { InvalidMfaCodeError, resealTotpSecrets } from "./mfa.ts";
export { MFA_CHALLENGE_TTL_MS, MFA_GUESSES_PER_CHALLENGE, type MfaChallenge } from "./mfa-login.ts";
export { checkPasswordRule, hashPassword, verifyPassword } from "./passwords.ts";
export { memoryRateLimiter, type RateLimiter } from "./rate-limit.ts";
export { RECOVERY_CODE_COUNT } from "./recovery-codes.ts";
export { REFUSALS_KEPT_PER_MINUTE, type Refusal } from "./refusals.ts";
export { type Auth, type Authenticated, type ClientMeta, createAuth, LOGIN_LIMITS, type LoginResult, SESSION_TTL_MS } from "./service.ts";
export type { SessionInfo } from "./sessions.ts";
export { API_TOKEN_PREFIX, hashToken, SESSION_TOKEN_PREFIX, sameSecret } from "./tokens.ts";
