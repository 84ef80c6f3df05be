import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { readBearerToken } from '@custody/auth';
import type { Logger } from '@custody/observability';
import { decodeJwt } from 'jose';
import { DASHBOARD_DIST, ensureDashboardBuilt } from '../dashboard/build';
import { DashboardTokens, LoginLimiter } from './dashboard-logins';
import { authenticate, LOGIN_FIELD_LENGTH_MAX, type DevUser } from './dev-users';
import type { RunnerService } from './runner-config';

/** Largest request body the dashboard reads (a login, a command passed on to a service). */
export const DASHBOARD_BODY_BYTES_MAX = 64 * 1024;
/** Longest a service may take to answer a request passed on by the dashboard. */
export const DASHBOARD_PROXY_TIMEOUT_MS = 15_000;
/** Largest answer of a service the dashboard passes on (a page of a statement is far below it). */
export const DASHBOARD_ANSWER_BYTES_MAX = 8 * 1024 * 1024;
/** Files of the built page served at most (index.html and the hashed bundles under /assets/: a handful). */
export const DASHBOARD_ASSET_FILES_MAX = 100;
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};
/** Bundles under /assets/ are named by their content hash: a browser may keep them; the page itself never. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const SERVICE_PATH =
  /^\/api\/(ledger|wallet|policy|reconciliation|audit)(\/v1\/[A-Za-z0-9._~%\-/]*)$/;

export interface DashboardOptions {
  readonly port: number;
  readonly servicePorts: Readonly<Record<RunnerService, number>>;
  readonly users: readonly DevUser[];
  readonly signToken: (subject: string, roles: readonly string[]) => Promise<string>;
  readonly logger: Logger;
  /** Source of "now" for login limits and token expiry; tests pass their own. */
  readonly clock?: () => Date;
}

/** A service's answer, read up to DASHBOARD_ANSWER_BYTES_MAX; a larger one is refused (502), never buffered whole. */
async function answerBody(answer: Response, service: RunnerService): Promise<Buffer> {
  const tooLarge = () =>
    new RequestError(502, {
      code: 'ANSWER_TOO_LARGE',
      reason: `the ${service} service answered with more than ${DASHBOARD_ANSWER_BYTES_MAX} bytes`,
    });
  if (Number(answer.headers.get('content-length') ?? 0) > DASHBOARD_ANSWER_BYTES_MAX) {
    await answer.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of answer.body ?? []) {
    size += (chunk as Uint8Array).length;
    if (size > DASHBOARD_ANSWER_BYTES_MAX) throw tooLarge();
    chunks.push(chunk as Uint8Array);
  }
  return Buffer.concat(chunks);
}

class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: { code: string; field?: string; reason: string },
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(body.reason);
  }
}

/** The page's policy: its own scripts and styles only, never framed, no <base> to re-point relative URLs, forms post only here. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  type = 'application/json; charset=utf-8',
  cacheControl = 'no-store',
  headers: Readonly<Record<string, string>> = {},
): void {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'content-type': type,
    'cache-control': cacheControl,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy': CONTENT_SECURITY_POLICY,
  });
  response.end(payload);
}

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly cacheControl: string;
}

/** The built page (apps/custody/dashboard/dist): `/` is index.html, every file under assets/ at /assets/<name>. */
function loadBuiltAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>([
    [
      '/',
      {
        body: readFileSync(join(DASHBOARD_DIST, 'index.html')),
        type: CONTENT_TYPES['.html'] as string,
        cacheControl: 'no-store',
      },
    ],
  ]);
  const directory = join(DASHBOARD_DIST, 'assets');
  for (const name of existsSync(directory) ? readdirSync(directory) : []) {
    const type = CONTENT_TYPES[extname(name)];
    if (type === undefined) continue;
    if (assets.size >= DASHBOARD_ASSET_FILES_MAX)
      throw new Error(`more than ${DASHBOARD_ASSET_FILES_MAX} files in ${directory}`);
    assets.set(`/assets/${name}`, {
      body: readFileSync(join(directory, name)),
      type,
      cacheControl: IMMUTABLE,
    });
  }
  return assets;
}

/** The page is built when missing or stale; a failed build leaves the runner up (logins and the API still answer) with a page that says so. */
async function builtAssets(logger: Logger): Promise<Map<string, Asset>> {
  try {
    await ensureDashboardBuilt({ log: (line) => logger.info({}, `dashboard: ${line}`) });
    return loadBuiltAssets();
  } catch (error) {
    logger.error(
      { error: (error as Error).message },
      'dashboard: the page could not be built (npm run dashboard:build shows why)',
    );
    const page =
      '<!doctype html><meta charset="utf-8"><title>Custody ledger</title><p>The dashboard page could not be built: see the runner\'s log, or run <code>npm run dashboard:build</code>.</p>';
    return new Map([
      [
        '/',
        {
          body: Buffer.from(page),
          type: CONTENT_TYPES['.html'] as string,
          cacheControl: 'no-store',
        },
      ],
    ]);
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > DASHBOARD_BODY_BYTES_MAX)
      throw new RequestError(413, {
        code: 'BODY_TOO_LARGE',
        reason: `at most ${DASHBOARD_BODY_BYTES_MAX} bytes`,
      });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The dashboard (issue 9), served by the runner: the page (React, built by Vite from
 * apps/custody/dashboard when missing or stale), a login for the development users
 * (a token signed by the development identity, the same any service verifies), and the
 * services' APIs passed on under /api/<service>/v1/... with the caller's own bearer token: every
 * service still authenticates and authorises each request itself; the dashboard holds no
 * privilege of its own.
 */
export async function startDashboard(
  options: DashboardOptions,
): Promise<{ close(): Promise<void> }> {
  const assets = await builtAssets(options.logger);
  const nowMs = () => (options.clock ?? (() => new Date()))().getTime();
  const limiter = new LoginLimiter();
  const tokens = new DashboardTokens();
  const knownUser = (username: string) => options.users.some((user) => user.username === username);

  const login = async (request: IncomingMessage, response: ServerResponse) => {
    let body: { username?: unknown; password?: unknown };
    try {
      body = JSON.parse((await readBody(request)).toString('utf8')) as typeof body;
    } catch (error) {
      if (error instanceof RequestError) throw error;
      throw new RequestError(400, {
        code: 'INVALID_JSON',
        reason: 'the body must be JSON {"username","password"}',
      });
    }
    for (const field of ['username', 'password'] as const) {
      if (typeof body?.[field] !== 'string' || body[field] === '')
        throw new RequestError(400, {
          code: 'VALIDATION_FAILED',
          field,
          reason: 'required, a non-empty string',
        });
    }
    const username = body.username as string;
    const clientAddress = request.socket.remoteAddress ?? 'unknown';
    // the name is logged only when it is a user's: people type passwords into it
    const event = { username: knownUser(username) ? username : null, clientAddress };
    const keys = [
      `user:${username.slice(0, LOGIN_FIELD_LENGTH_MAX + 1)}`,
      `address:${clientAddress}`,
    ];
    const check = limiter.check(keys, nowMs());
    if (!check.allowed) {
      const retryAfterSeconds = Math.ceil(check.retryAfterMs / 1000);
      options.logger.warn(
        { securityEvent: 'LOGIN_RATE_LIMITED', ...event, retryAfterSeconds },
        'dashboard: login refused, too many failures',
      );
      throw new RequestError(
        429,
        {
          code: 'LOGIN_RATE_LIMITED',
          reason: `too many failed logins for this user or address; try again in ${retryAfterSeconds} s`,
        },
        { 'retry-after': String(retryAfterSeconds) },
      );
    }
    const user = authenticate(options.users, username, body.password);
    if (user === undefined) {
      limiter.recordFailure(keys, nowMs());
      options.logger.warn({ securityEvent: 'LOGIN_FAILED', ...event }, 'dashboard: login refused');
      throw new RequestError(401, {
        code: 'LOGIN_FAILED',
        reason: 'unknown user or wrong password',
      });
    }
    limiter.recordSuccess(keys[0] as string);
    const token = await options.signToken(user.username, user.roles);
    const claims = decodeJwt(token);
    if (typeof claims.jti !== 'string' || typeof claims.exp !== 'number')
      throw new Error(
        'assertion failed: a dashboard token carries jti and exp (logout revokes by jti)',
      );
    tokens.issued(claims.jti, user.username, claims.exp * 1000, nowMs());
    options.logger.info(
      { securityEvent: 'LOGIN_SUCCEEDED', ...event, roles: user.roles },
      'dashboard: logged in',
    );
    send(response, 200, { token, username: user.username, roles: user.roles });
  };

  /** The token id of the request's bearer token, when it is one (not verified here: every service verifies it). */
  const tokenIdOf = (request: IncomingMessage): string | undefined => {
    const bearer = readBearerToken(request.headers.authorization);
    if (!bearer.found) return undefined;
    try {
      const { jti } = decodeJwt(bearer.token);
      return typeof jti === 'string' ? jti : undefined;
    } catch {
      return undefined;
    }
  };

  /** Revokes the caller's token (one this dashboard issued) until it expires; 204 whatever it was. */
  const logout = (request: IncomingMessage, response: ServerResponse) => {
    const tokenId = tokenIdOf(request);
    const username = tokenId === undefined ? undefined : tokens.revoke(tokenId, nowMs());
    if (username !== undefined)
      options.logger.info(
        {
          securityEvent: 'LOGOUT',
          username,
          clientAddress: request.socket.remoteAddress ?? 'unknown',
        },
        'dashboard: logged out, token revoked',
      );
    response.writeHead(204, { 'cache-control': 'no-store' });
    response.end();
  };

  const proxy = async (
    request: IncomingMessage,
    response: ServerResponse,
    service: RunnerService,
    path: string,
    query: string,
  ) => {
    if (request.method !== 'GET' && request.method !== 'POST')
      throw new RequestError(405, { code: 'METHOD_NOT_ALLOWED', reason: 'GET or POST' });
    const tokenId = tokenIdOf(request);
    if (tokenId !== undefined && tokens.isRevoked(tokenId))
      throw new RequestError(401, {
        code: 'TOKEN_REVOKED',
        reason: 'this token was logged out; log in again',
      });
    const headers: Record<string, string> = {};
    if (typeof request.headers.authorization === 'string')
      headers['authorization'] = request.headers.authorization;
    if (typeof request.headers['content-type'] === 'string')
      headers['content-type'] = request.headers['content-type'];
    const body = request.method === 'POST' ? await readBody(request) : undefined;
    const answer = await fetch(`http://127.0.0.1:${options.servicePorts[service]}${path}${query}`, {
      method: request.method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(DASHBOARD_PROXY_TIMEOUT_MS),
    }).catch(() => {
      throw new RequestError(502, {
        code: 'SERVICE_UNREACHABLE',
        reason: `the ${service} service did not answer`,
      });
    });
    send(
      response,
      answer.status,
      await answerBody(answer, service),
      answer.headers.get('content-type') ?? 'application/json; charset=utf-8',
    );
  };

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const handle = async () => {
      const asset = assets.get(url.pathname);
      if (asset !== undefined && request.method === 'GET')
        return send(response, 200, asset.body, asset.type, asset.cacheControl);
      if (url.pathname === '/login' && request.method === 'POST') return login(request, response);
      if (url.pathname === '/logout' && request.method === 'POST') return logout(request, response);
      const match = SERVICE_PATH.exec(url.pathname);
      if (match !== null)
        return proxy(request, response, match[1] as RunnerService, match[2] as string, url.search);
      throw new RequestError(404, {
        code: 'NOT_FOUND',
        reason: `no ${request.method} ${url.pathname}`,
      });
    };
    handle().catch((error: unknown) => {
      if (error instanceof RequestError)
        return send(response, error.status, error.body, undefined, undefined, error.headers);
      options.logger.error({ error: (error as Error).message }, 'dashboard: request failed');
      send(response, 500, { code: 'INTERNAL', reason: 'the dashboard failed; see its log' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  return { close: () => new Promise((resolve) => server.close(() => resolve())) };
}
