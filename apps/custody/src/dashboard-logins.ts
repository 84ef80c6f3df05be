/**
 * The dashboard's login limits and logged-out tokens (issue 22). In memory: the dashboard is one
 * process (the runner's), and a restart forgets nothing that matters for longer than a lockout or
 * a token's lifetime.
 */

/** Failed logins tolerated per username and per client address within the window... */
export const LOGIN_FAILURES_MAX = 5;
/** ...counted over this long... */
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60_000;
/** ...after which that username or address is refused (429) this long, the right password too. */
export const LOGIN_LOCKOUT_MS = 15 * 60_000;
/** Most usernames and addresses tracked at once; when full of live entries, a new one is refused (fails closed, never forgets a lock). */
export const LOGIN_TRACKED_KEYS_MAX = 10_000;
/** Most logged-out tokens remembered at once (each until its own expiry). */
export const REVOKED_TOKENS_MAX = 100_000;

interface Attempts {
  /** Times (ms) of the failures still inside the window, oldest first. */
  failures: number[];
  lockedUntilMs: number;
}

export type LoginCheck =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

/** Failures per key (`user:<name>`, `address:<ip>`); a key with LOGIN_FAILURES_MAX failures in the window is locked. */
export class LoginLimiter {
  readonly #attempts = new Map<string, Attempts>();

  /** Whether a login by this username from this address may be tried now. */
  check(keys: readonly string[], nowMs: number): LoginCheck {
    const lockedUntilMs = Math.max(
      0,
      ...keys.map((key) => this.#attempts.get(key)?.lockedUntilMs ?? 0),
    );
    if (lockedUntilMs > nowMs) return { allowed: false, retryAfterMs: lockedUntilMs - nowMs };
    if (keys.some((key) => !this.#attempts.has(key)) && !this.#roomForNewKeys(keys.length, nowMs))
      return { allowed: false, retryAfterMs: LOGIN_LOCKOUT_MS };
    return { allowed: true };
  }

  recordFailure(keys: readonly string[], nowMs: number): void {
    for (const key of keys) {
      const attempts = this.#attempts.get(key) ?? { failures: [], lockedUntilMs: 0 };
      attempts.failures = [
        ...attempts.failures.filter((at) => at > nowMs - LOGIN_FAILURE_WINDOW_MS),
        nowMs,
      ];
      if (attempts.failures.length >= LOGIN_FAILURES_MAX) {
        attempts.lockedUntilMs = nowMs + LOGIN_LOCKOUT_MS;
        attempts.failures = [];
      }
      this.#attempts.set(key, attempts);
    }
  }

  /** A success clears the username's failures only: an attacker holding one account must not reset the address's count with it. */
  recordSuccess(usernameKey: string): void {
    this.#attempts.delete(usernameKey);
  }

  #roomForNewKeys(count: number, nowMs: number): boolean {
    if (this.#attempts.size + count <= LOGIN_TRACKED_KEYS_MAX) return true;
    for (const [key, attempts] of this.#attempts) {
      const live =
        attempts.lockedUntilMs > nowMs ||
        attempts.failures.some((at) => at > nowMs - LOGIN_FAILURE_WINDOW_MS);
      if (!live) this.#attempts.delete(key);
    }
    return this.#attempts.size + count <= LOGIN_TRACKED_KEYS_MAX;
  }
}

/** Token ids (jti) the dashboard issued, and those logged out, each kept until the token expires. */
export class DashboardTokens {
  readonly #issued = new Map<string, { readonly username: string; readonly expiresAtMs: number }>();
  readonly #revoked = new Map<string, number>();

  issued(tokenId: string, username: string, expiresAtMs: number, nowMs: number): void {
    this.#prune(nowMs);
    this.#issued.set(tokenId, { username, expiresAtMs });
  }

  /** Logs a token out: only one this dashboard issued (anything else is ignored, so the list cannot be flooded). Returns its user. */
  revoke(tokenId: string, nowMs: number): string | undefined {
    this.#prune(nowMs);
    const issued = this.#issued.get(tokenId);
    if (issued === undefined) return undefined;
    if (this.#revoked.size >= REVOKED_TOKENS_MAX)
      throw new Error(`assertion failed: more than ${REVOKED_TOKENS_MAX} live logged-out tokens`);
    this.#issued.delete(tokenId);
    this.#revoked.set(tokenId, issued.expiresAtMs);
    return issued.username;
  }

  isRevoked(tokenId: string): boolean {
    return this.#revoked.has(tokenId);
  }

  #prune(nowMs: number): void {
    for (const [tokenId, expiresAtMs] of this.#revoked)
      if (expiresAtMs <= nowMs) this.#revoked.delete(tokenId);
    for (const [tokenId, { expiresAtMs }] of this.#issued)
      if (expiresAtMs <= nowMs) this.#issued.delete(tokenId);
  }
}
