import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * The runner's development logins (issue 9): one user per role, two of each role that must act
 * in pairs (maker-checker needs two different people). Passwords are random, made on the first
 * start and kept in the data directory (0600); only for the development identity, never with an
 * external identity provider.
 */
export const DEV_USERS: ReadonlyArray<{
  readonly username: string;
  readonly roles: readonly string[];
}> = [
  { username: 'admin', roles: ['admin'] },
  { username: 'operator', roles: ['operator'] },
  { username: 'approver-1', roles: ['approver'] },
  { username: 'approver-2', roles: ['approver'] },
  { username: 'custodian-1', roles: ['key-custodian'] },
  { username: 'custodian-2', roles: ['key-custodian'] },
  { username: 'auditor', roles: ['auditor'] },
  { username: 'sre', roles: ['sre'] },
];

/** Longest username or password a login accepts. */
export const LOGIN_FIELD_LENGTH_MAX = 128;

export interface DevUser {
  readonly username: string;
  readonly roles: readonly string[];
  readonly password: string;
}

/** The users with their passwords, made once in `file`; a user added since (a newer runner) gets one then. */
export function devUsers(file: string): DevUser[] {
  const kept = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DevUser[]) : [];
  const users = DEV_USERS.map((user) => {
    const password = kept.find((entry) => entry.username === user.username)?.password;
    return {
      ...user,
      password:
        typeof password === 'string' && password.length > 0
          ? password
          : randomBytes(9).toString('base64url'),
    };
  });
  if (
    users.some(
      (user) =>
        !kept.some((entry) => entry.username === user.username && entry.password === user.password),
    )
  ) {
    writeFileSync(file, `${JSON.stringify(users, null, 2)}\n`, { mode: 0o600 });
  }
  return users;
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** The user whose name and password both match (compared in constant time), else undefined. */
export function authenticate(
  users: readonly DevUser[],
  username: unknown,
  password: unknown,
): DevUser | undefined {
  if (typeof username !== 'string' || typeof password !== 'string') return undefined;
  if (username.length > LOGIN_FIELD_LENGTH_MAX || password.length > LOGIN_FIELD_LENGTH_MAX)
    return undefined;
  const user = users.find((candidate) => candidate.username === username);
  const ok = timingSafeEqual(
    digest(password),
    digest(user?.password ?? randomBytes(16).toString('hex')),
  );
  return ok ? user : undefined;
}
