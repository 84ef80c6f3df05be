import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@custody/observability';
import { freePort } from '@custody/testing';
import { signTestToken } from '@custody/auth/testing';
import { DASHBOARD_ANSWER_BYTES_MAX, startDashboard } from './dashboard';
import { LOGIN_FAILURE_WINDOW_MS, LOGIN_FAILURES_MAX, LOGIN_LOCKOUT_MS } from './dashboard-logins';
import type { RunnerService } from './runner-config';

/**
 * The dashboard's pass-through to the services (issue 9), against a real HTTP server standing in
 * for a service: the caller's own token goes through, nothing else is added, and an answer larger
 * than DASHBOARD_ANSWER_BYTES_MAX is refused rather than buffered.
 */
describe('the dashboard passes requests on to the services', () => {
  let service: Server;
  let dashboard: { close(): Promise<void> } | undefined;
  let dashboardUrl: string;
  const seen: Array<{ url: string; authorization: string | undefined }> = [];

  beforeAll(async () => {
    service = createServer((request, response) => {
      seen.push({ url: request.url ?? '', authorization: request.headers.authorization });
      if (request.url === '/v1/huge') {
        // streamed without a length: the dashboard must stop reading past its limit
        response.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        for (let sent = 0; sent <= DASHBOARD_ANSWER_BYTES_MAX; sent += chunk.length)
          response.write(chunk);
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: true }));
    });
    service.listen(0, '127.0.0.1');
    await once(service, 'listening');
    const port = (service.address() as AddressInfo).port;
    const servicePorts = {
      ledger: port,
      wallet: port,
      policy: port,
      reconciliation: port,
      audit: port,
    } as Record<RunnerService, number>;
    const dashboardPort = await freePort();
    dashboard = await startDashboard({
      port: dashboardPort,
      servicePorts,
      users: [],
      signToken: async () => 'unused',
      logger: createLogger('dashboard-test', 'error'),
    });
    dashboardUrl = `http://127.0.0.1:${dashboardPort}`;
  }, 120_000);

  afterAll(async () => {
    await dashboard?.close();
    service?.close();
  });

  it('given a call with a bearer token, then the service gets that token and that path, and the answer comes back', async () => {
    const response = await fetch(
      `${dashboardUrl}/api/ledger/v1/clients/sim-0001/balances?at=2026-11-24T00:00:00Z`,
      { headers: { authorization: 'Bearer the-callers-own' } },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(seen.at(-1)).toEqual({
      url: '/v1/clients/sim-0001/balances?at=2026-11-24T00:00:00Z',
      authorization: 'Bearer the-callers-own',
    });
  });

  it('given a call without a token, then none is added (the service refuses it itself)', async () => {
    await fetch(`${dashboardUrl}/api/audit/v1/audit/status`);
    expect(seen.at(-1)).toEqual({ url: '/v1/audit/status', authorization: undefined });
  });

  it('given an answer larger than the limit, then 502 ANSWER_TOO_LARGE, not the answer', async () => {
    const response = await fetch(`${dashboardUrl}/api/wallet/v1/huge`, {
      headers: { authorization: 'Bearer x' },
    });
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ code: 'ANSWER_TOO_LARGE' });
  });

  it("given the page, then its CSP forbids other bases and form targets (issue 22: base-uri 'none', form-action 'self')", async () => {
    const policy = (await fetch(`${dashboardUrl}/`)).headers.get('content-security-policy') ?? '';
    const directives = policy.split(';').map((directive) => directive.trim());
    expect(directives).toEqual(
      expect.arrayContaining([
        "default-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
      ]),
    );
  });

  it('given a path outside /api/<service>/v1, then 404 and nothing reaches a service', async () => {
    const before = seen.length;
    expect((await fetch(`${dashboardUrl}/api/vault/v1/keys`)).status).toBe(404);
    // fetch would resolve '..' itself: sent as written, and encoded
    for (const path of ['/api/ledger/v1/../../admin', '/api/ledger/v1/%2e%2e/%2e%2e/admin']) {
      const status = await new Promise<number>((resolve, reject) => {
        const request = httpRequest(
          { host: '127.0.0.1', port: Number(new URL(dashboardUrl).port), path, method: 'GET' },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        request.on('error', reject);
        request.end();
      });
      expect({ path, status }).toEqual({ path, status: 404 });
    }
    expect(seen.length).toBe(before);
  });
});

/**
 * Dashboard logins (issue 22): failures are limited per username and per client address, a locked
 * login answers 429 LOGIN_RATE_LIMITED (the right password too) until the lockout ends (an
 * injected clock), logins are security events without the password, and a token logged out is
 * refused by the dashboard afterwards.
 */
describe('dashboard logins: rate limit, lockout, security events and logout', () => {
  const SECRET = 'dashboard-login-test-secret-of-32-bytes!';
  const users = [
    { username: 'operator', roles: ['operator'], password: 'the-right-password-1' },
    { username: 'auditor', roles: ['auditor'], password: 'the-right-password-2' },
  ];
  let now = new Date('2026-12-07T09:00:00Z');
  let service: Server;
  let dashboard: { close(): Promise<void> } | undefined;
  let dashboardUrl: string;
  const seen: string[] = [];
  const logged: string[] = [];

  const login = (username: string, password: string) =>
    fetch(`${dashboardUrl}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  const events = () =>
    logged
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line['securityEvent'] !== undefined);

  beforeAll(async () => {
    service = createServer((request, response) => {
      seen.push(request.headers.authorization ?? '');
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
    service.listen(0, '127.0.0.1');
    await once(service, 'listening');
    const port = (service.address() as AddressInfo).port;
    const servicePorts = {
      ledger: port,
      wallet: port,
      policy: port,
      reconciliation: port,
      audit: port,
    } as Record<RunnerService, number>;
    const dashboardPort = await freePort();
    const signToken = (subject: string, roles: readonly string[]) =>
      signTestToken({
        secret: SECRET,
        issuer: 'dashboard-test',
        audience: 'custody',
        subject,
        roles: [...roles],
        issuedAt: now,
      });
    const logger = createLogger('dashboard-test', 'info', {
      write: (line: string) => void logged.push(line),
    });
    dashboard = await startDashboard({
      port: dashboardPort,
      servicePorts,
      users,
      signToken,
      logger,
      clock: () => now,
    });
    dashboardUrl = `http://127.0.0.1:${dashboardPort}`;
  }, 120_000);

  afterAll(async () => {
    await dashboard?.close();
    service?.close();
  });

  it(`given ${LOGIN_FAILURES_MAX} wrong passwords for a user, then the next login is 429 LOGIN_RATE_LIMITED even with the right password, until the lockout ends`, async () => {
    for (let attempt = 1; attempt <= LOGIN_FAILURES_MAX; attempt += 1)
      expect((await login('operator', `wrong-${attempt}`)).status).toBe(401);
    const locked = await login('operator', 'the-right-password-1');
    expect(locked.status).toBe(429);
    expect(await locked.json()).toMatchObject({ code: 'LOGIN_RATE_LIMITED' });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    now = new Date(now.getTime() + LOGIN_LOCKOUT_MS - 1_000);
    expect((await login('operator', 'the-right-password-1')).status).toBe(429);
    now = new Date(now.getTime() + LOGIN_FAILURE_WINDOW_MS + 1_000);
    expect((await login('operator', 'the-right-password-1')).status).toBe(200);
  });

  it('given wrong passwords spread over many usernames from one address, then that address is locked too', async () => {
    now = new Date(now.getTime() + LOGIN_FAILURE_WINDOW_MS + LOGIN_LOCKOUT_MS);
    for (let attempt = 1; attempt <= LOGIN_FAILURES_MAX; attempt += 1)
      expect((await login(`guess-${attempt}`, 'password')).status).toBe(401);
    expect((await login('auditor', 'the-right-password-2')).status).toBe(429);
    now = new Date(now.getTime() + LOGIN_FAILURE_WINDOW_MS + LOGIN_LOCKOUT_MS);
    expect((await login('auditor', 'the-right-password-2')).status).toBe(200);
  });

  it('given logins, then each success and failure is a security event, and no password is ever logged', async () => {
    now = new Date(now.getTime() + LOGIN_FAILURE_WINDOW_MS + LOGIN_LOCKOUT_MS);
    logged.length = 0;
    await login('auditor', 'a-wrong-password-xyz');
    await login('auditor', 'the-right-password-2');
    expect(events()).toEqual([
      expect.objectContaining({
        securityEvent: 'LOGIN_FAILED',
        username: 'auditor',
        clientAddress: expect.stringMatching(/127\.0\.0\.1$/),
      }),
      expect.objectContaining({
        securityEvent: 'LOGIN_SUCCEEDED',
        username: 'auditor',
        roles: ['auditor'],
      }),
    ]);
    const everything = logged.join('');
    expect(
      everything.includes('a-wrong-password-xyz') || everything.includes('the-right-password-2'),
    ).toBe(false);
  });

  it('given a name that is no user (perhaps a password typed into it), then the failure is logged without it', async () => {
    logged.length = 0;
    await login('the-right-password-1', 'x');
    expect(events()).toEqual([
      expect.objectContaining({ securityEvent: 'LOGIN_FAILED', username: null }),
    ]);
    expect(logged.join('').includes('the-right-password-1')).toBe(false);
  });

  it('given a token logged out, then the dashboard refuses it (401 TOKEN_REVOKED) and passes nothing on; another token still works', async () => {
    now = new Date(now.getTime() + LOGIN_FAILURE_WINDOW_MS + LOGIN_LOCKOUT_MS);
    const { token } = (await (await login('auditor', 'the-right-password-2')).json()) as {
      token: string;
    };
    const { token: other } = (await (await login('auditor', 'the-right-password-2')).json()) as {
      token: string;
    };
    expect(
      (
        await fetch(`${dashboardUrl}/api/audit/v1/audit/status`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).status,
    ).toBe(200);
    logged.length = 0;
    expect(
      (
        await fetch(`${dashboardUrl}/logout`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        })
      ).status,
    ).toBe(204);
    expect(events()).toEqual([
      expect.objectContaining({ securityEvent: 'LOGOUT', username: 'auditor' }),
    ]);
    const before = seen.length;
    const refused = await fetch(`${dashboardUrl}/api/audit/v1/audit/status`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'TOKEN_REVOKED' });
    expect(seen.length).toBe(before);
    expect(
      (
        await fetch(`${dashboardUrl}/api/audit/v1/audit/status`, {
          headers: { authorization: `Bearer ${other}` },
        })
      ).status,
    ).toBe(200);
  });
});
