/** Named limits of authentication (TigerBeetle style: every input and wait is bounded). */

/** Allowed clock skew between the token issuer and this service when checking exp / nbf. */
export const CLOCK_TOLERANCE_SECONDS = 30;
/** Shortest HS256 shared secret accepted (RFC 7518 §3.2: key at least as long as the hash). */
export const SHARED_SECRET_BYTES_MIN = 32;
/** Longest bearer token read from a request; longer ones are refused before parsing. */
export const TOKEN_LENGTH_MAX = 8_192;
/** Longest `sub` claim accepted as a caller id. */
export const SUBJECT_LENGTH_MAX = 256;
/** Most entries in a token's `roles` claim. */
export const ROLES_CLAIM_ENTRIES_MAX = 32;
/** Longest lifetime (exp - iat) of a token that carries any staff role (or none): a stolen one is worth a working day at most. AUTH_STAFF_TOKEN_LIFETIME_MAX_SECONDS overrides it. */
export const STAFF_TOKEN_LIFETIME_SECONDS_MAX_DEFAULT = 12 * 3_600;
/** Longest lifetime of a token whose only role is `custody-service` (a workload token renewed by its platform). AUTH_SERVICE_TOKEN_LIFETIME_MAX_SECONDS overrides it. */
export const SERVICE_TOKEN_LIFETIME_SECONDS_MAX_DEFAULT = 24 * 3_600;
/** Bounds of either configured maximum: a minute to a week. */
export const TOKEN_LIFETIME_SECONDS_MAX_LOWEST = 60;
export const TOKEN_LIFETIME_SECONDS_MAX_HIGHEST = 7 * 86_400;
/** How long one JWKS HTTP request may take. */
export const JWKS_FETCH_TIMEOUT_MS = 5_000;
/** Least time between two JWKS fetches triggered by an unknown key id. */
export const JWKS_REFETCH_COOLDOWN_MS = 30_000;
/** How long fetched JWKS keys are trusted before they are fetched again. */
export const JWKS_CACHE_MAX_AGE_MS = 600_000;

/** Signature algorithms accepted per key source. Never widen to `none` or mix HMAC with public keys. */
export const SHARED_SECRET_ALGORITHMS = ['HS256'] as const;
export const JWKS_ALGORITHMS = ['RS256', 'ES256'] as const;
