export { checkPasswordRule, hashPassword, verifyPassword } from "./passwords.ts";
export { memoryRateLimiter, type RateLimiter } from "./rate-limit.ts";
export { type Auth, type Authenticated, type ClientMeta, createAuth, LOGIN_LIMITS, type LoginResult, SESSION_TTL_MS } from "./service.ts";
export { API_TOKEN_PREFIX, hashToken, SESSION_TOKEN_PREFIX, sameSecret } from "./tokens.ts";
