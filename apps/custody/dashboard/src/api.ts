import type { Session } from './types';

/** The services the runner passes on under /api/<service>/v1/... with the user's own token. */
export type Service = 'ledger' | 'wallet' | 'policy' | 'reconciliation' | 'audit';

export interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly reason: string;
  readonly errors?: readonly { readonly path: string; readonly reason: string }[];
}

export type ApiResult<T> =
  { readonly ok: true; readonly body: T } | ({ readonly ok: false } & Refusal);

const SESSION_KEY = 'custody.session';

export function loadSession(): Session | null {
  try {
    const kept = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') as Session | null;
    return kept !== null && typeof kept.token === 'string' && Array.isArray(kept.roles)
      ? kept
      : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session === null) sessionStorage.removeItem(SESSION_KEY);
  else sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

/** Called when a service answers 401 (the token expired): back to the login. */
let onUnauthorised: () => void = () => undefined;
export function setUnauthorisedHandler(handler: () => void): void {
  onUnauthorised = handler;
}

async function refusalOf(response: Response): Promise<Refusal> {
  const body = (await response.json().catch(() => ({}))) as {
    code?: unknown;
    reason?: unknown;
    message?: unknown;
    errors?: Refusal['errors'];
  };
  const reason =
    typeof body.reason === 'string'
      ? body.reason
      : typeof body.message === 'string'
        ? body.message
        : response.statusText || 'failed';
  return {
    status: response.status,
    code: typeof body.code === 'string' ? body.code : `HTTP_${response.status}`,
    reason,
    ...(Array.isArray(body.errors) ? { errors: body.errors } : {}),
  };
}

/** A GET or POST to a service; a refusal is a value (status, the service's code and reason), never a throw. */
export async function callService<T>(
  session: Session,
  service: Service,
  path: string,
  body?: unknown,
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { authorization: `Bearer ${session.token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`/api/${service}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    return {
      ok: false,
      status: 0,
      code: 'DASHBOARD_UNREACHABLE',
      reason: 'the dashboard did not answer',
    };
  }
  if (response.status === 401) onUnauthorised();
  return answerOf<T>(response);
}

/** A service's answer as a value: its body when it succeeded and is JSON, else a refusal (never a throw). */
async function answerOf<T>(response: Response): Promise<ApiResult<T>> {
  if (!response.ok) return { ok: false, ...(await refusalOf(response)) };
  try {
    return { ok: true, body: (await response.json()) as T };
  } catch {
    return {
      ok: false,
      status: response.status,
      code: 'ANSWER_NOT_JSON',
      reason: 'the service answered, but not with JSON',
    };
  }
}

export async function logIn(username: string, password: string): Promise<ApiResult<Session>> {
  let response: Response;
  try {
    response = await fetch('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  } catch {
    return {
      ok: false,
      status: 0,
      code: 'DASHBOARD_UNREACHABLE',
      reason: 'the dashboard did not answer',
    };
  }
  return answerOf<Session>(response);
}

/** Logs the session's token out at the dashboard (it refuses that token afterwards); the session is dropped whatever the answer. */
export async function logOut(session: Session): Promise<void> {
  await fetch('/logout', {
    method: 'POST',
    headers: { authorization: `Bearer ${session.token}` },
  }).catch(() => undefined);
}
