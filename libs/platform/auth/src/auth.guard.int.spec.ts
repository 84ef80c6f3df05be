import 'reflect-metadata';
import { Controller, Get, Module, Req, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseAuthConfig, type AuthConfig } from './auth-config';
import { AuthModule } from './auth.module';
import { CurrentCaller, Public, Roles, type AuthenticatedRequest } from './decorators';
import { AuthErrorCode } from './errors';
import type { Caller } from './roles';
import { signTestToken, type TestTokenClaims } from './testing';

const SECRET = 'guard-test-secret-that-is-32-bytes-long!';
const ISSUER = 'https://issuer.custody.test';
const AUDIENCE = 'custody-ledger';

@Controller()
class ProbeController {
  @Public()
  @Get('public')
  open(): { open: true } {
    return { open: true };
  }

  @Get('me')
  me(
    @CurrentCaller() caller: Caller,
    @Req() request: AuthenticatedRequest,
  ): { caller: Caller; requestCaller: Caller | undefined } {
    return { caller, requestCaller: request.caller };
  }

  @Roles('approver')
  @Get('approvals')
  approve(@CurrentCaller() caller: Caller): { approvedBy: string } {
    return { approvedBy: caller.id };
  }
}

@Public()
@Controller('health')
class HealthController {
  @Get()
  health(): { status: 'up' } {
    return { status: 'up' };
  }
}

function configFrom(environment: Record<string, string>): AuthConfig {
  const result = parseAuthConfig(environment);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

async function startApp(config: AuthConfig): Promise<{ app: INestApplication; baseUrl: string }> {
  @Module({
    imports: [AuthModule.forRoot(config)],
    controllers: [ProbeController, HealthController],
  })
  class TestModule {}
  const app = await NestFactory.create(TestModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}` };
}

/** A loopback URL whose port was just released, so nothing answers there. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/jwks.json`;
}

function tokenFor(overrides: Partial<TestTokenClaims>): Promise<string> {
  return signTestToken({
    secret: SECRET,
    issuer: ISSUER,
    audience: AUDIENCE,
    subject: 'user-1',
    roles: [],
    ...overrides,
  });
}

describe('AuthGuard over HTTP (shared-secret config)', () => {
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    ({ app, baseUrl } = await startApp(
      configFrom({ AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, AUTH_JWT_SECRET: SECRET }),
    ));
  });
  afterAll(() => app.close());

  const get = (path: string, token?: string) =>
    fetch(`${baseUrl}${path}`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });

  describe('given a request without a token', () => {
    it('when calling an authenticated route, then 401 AUTH_TOKEN_MISSING with a Bearer challenge', async () => {
      const response = await get('/me');
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        statusCode: 401,
        code: AuthErrorCode.tokenMissing,
        reason: expect.stringContaining('Authorization'),
      });
      expect(response.headers.get('www-authenticate')).toMatch(
        /^Bearer error_description="[^"]+"$/,
      );
    });

    it('when calling a @Roles route, then 401 AUTH_TOKEN_MISSING (authentication comes before roles)', async () => {
      const response = await get('/approvals');
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: AuthErrorCode.tokenMissing });
    });

    it('when using another scheme (Basic), then 401 AUTH_TOKEN_MISSING', async () => {
      const response = await fetch(`${baseUrl}/me`, {
        headers: { authorization: 'Basic dXNlcjpwYXNz' },
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        code: AuthErrorCode.tokenMissing,
        reason: expect.stringContaining('Bearer'),
      });
    });

    it('when calling a @Public() handler, then 200', async () => {
      const response = await get('/public');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ open: true });
    });

    it('when calling a handler of a @Public() controller, then 200', async () => {
      const response = await get('/health');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'up' });
    });
  });

  describe('given a bad token', () => {
    it('given garbage, when calling an authenticated route, then 401 AUTH_TOKEN_INVALID with invalid_token challenge', async () => {
      const response = await get('/me', 'not-a-jwt');
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        statusCode: 401,
        code: AuthErrorCode.tokenInvalid,
        reason: expect.any(String),
      });
      expect(response.headers.get('www-authenticate')).toMatch(
        /^Bearer error="invalid_token", error_description="[^"]+"$/,
      );
    });

    it('given a token signed with another secret, when calling, then 401 AUTH_TOKEN_INVALID', async () => {
      const response = await get(
        '/me',
        await tokenFor({ secret: 'an-attacker-secret-of-32-bytes-or-more' }),
      );
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        code: AuthErrorCode.tokenInvalid,
        reason: 'token signature does not verify',
      });
    });

    it('given an expired token, when calling, then 401 AUTH_TOKEN_EXPIRED with invalid_token challenge', async () => {
      const token = await tokenFor({
        issuedAt: new Date(Date.now() - 3_600_000),
        expiresInSeconds: 600,
      });
      const response = await get('/me', token);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        statusCode: 401,
        code: AuthErrorCode.tokenExpired,
        reason: expect.stringMatching(/^token expired at /),
      });
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    });
  });

  describe('given a valid token', () => {
    it('given no roles, when calling a route without @Roles, then 200 and the handler and request.caller see the caller', async () => {
      const response = await get('/me', await tokenFor({ subject: 'plain-user', roles: [] }));
      expect(response.status).toBe(200);
      const expected = { id: 'plain-user', roles: [] };
      expect(await response.json()).toEqual({ caller: expected, requestCaller: expected });
    });

    it('given an operator, when calling the approver route, then 403 AUTH_ROLE_MISSING with required and caller roles', async () => {
      const response = await get(
        '/approvals',
        await tokenFor({ subject: 'operator-1', roles: ['operator'] }),
      );
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({
        statusCode: 403,
        code: AuthErrorCode.roleMissing,
        reason: expect.stringContaining('approver'),
        requiredRoles: ['approver'],
        callerRoles: ['operator'],
      });
    });

    it('given an admin, when calling the approver route, then 403: admin does not imply approver', async () => {
      const response = await get(
        '/approvals',
        await tokenFor({ subject: 'admin-1', roles: ['admin'] }),
      );
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({
        requiredRoles: ['approver'],
        callerRoles: ['admin'],
      });
    });

    it('given an approver, when calling the approver route, then 200 and the handler sees the caller id', async () => {
      const response = await get(
        '/approvals',
        await tokenFor({ subject: 'approver-9', roles: ['operator', 'approver'] }),
      );
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ approvedBy: 'approver-9' });
    });

    it('given a public route, when calling with a valid token, then 200 as well', async () => {
      const response = await get('/public', await tokenFor({}));
      expect(response.status).toBe(200);
    });
  });
});

describe('AuthGuard over HTTP (JWKS endpoint down)', () => {
  it('given the JWKS endpoint is unreachable, when calling with a token, then 503 AUTH_SIGNING_KEYS_UNAVAILABLE, not 401', async () => {
    const { app, baseUrl } = await startApp(
      configFrom({
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        AUTH_JWKS_URL: await closedPortUrl(),
      }),
    );
    try {
      const token = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
      const response = await fetch(`${baseUrl}/me`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        statusCode: 503,
        code: AuthErrorCode.signingKeysUnavailable,
      });
    } finally {
      await app.close();
    }
  });
});
