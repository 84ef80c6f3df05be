import { Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createTestDatabase, type TestDatabase } from '@custody/testing';
import {
  ClientDataController,
  startTestServiceApp,
  TEST_APP_AUTH,
  testAppToken,
} from './service-app.test-support';

const SECRET = TEST_APP_AUTH.secret;

@Module({ controllers: [ClientDataController] })
class ClientDataModule {}

type LogLine = Record<string, unknown>;

/**
 * A real service app (the host module, its guard, its event log, PostgreSQL) with its pino output
 * captured: issue 22 items 7 and 8 (HK-22: who read what; headers on every answer; positions).
 */
describe('every service answer: security headers, request ids, the access log and its security events (issue 22, HK-22)', () => {
  let database: TestDatabase;
  let app: NestExpressApplication;
  let baseUrl: string;
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const token = testAppToken;
  const accessLines = () => lines.filter((line) => line['message'] === 'request handled');
  const lastAccessLine = () => accessLines().at(-1) ?? {};

  beforeAll(async () => {
    database = await createTestDatabase('security_events');
    ({ app, baseUrl } = await startTestServiceApp(database, ClientDataModule, {
      logDestination: {
        write(line: string) {
          raw.push(line);
          lines.push(JSON.parse(line) as LogLine);
        },
      },
    }));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  describe('security headers', () => {
    it.each([
      ['a 200 with client data', '/v1/clients/C-1/balances', true],
      ['a 401', '/v1/clients/C-1/balances', false],
      ['a 404', '/v1/nowhere', true],
      ['a probe', '/health/live', false],
    ])(
      'given %s, then Cache-Control no-store, nosniff, no referrer, no framing',
      async (_case, path, withToken) => {
        const headers: Record<string, string> = withToken
          ? { authorization: `Bearer ${await token('op-1', ['operator'])}` }
          : {};
        const response = await fetch(`${baseUrl}${path}`, { headers });
        expect({
          cacheControl: response.headers.get('cache-control'),
          contentTypeOptions: response.headers.get('x-content-type-options'),
          referrerPolicy: response.headers.get('referrer-policy'),
          frameOptions: response.headers.get('x-frame-options'),
          contentSecurityPolicy: response.headers.get('content-security-policy'),
        }).toEqual({
          cacheControl: 'no-store',
          contentTypeOptions: 'nosniff',
          referrerPolicy: 'no-referrer',
          frameOptions: 'DENY',
          contentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'",
        });
      },
    );
  });

  describe('out-of-range positions (issue 22: ?after=9999999999999999999 was a 500)', () => {
    it.each(['9999999999999999999', '9223372036854775808'])(
      'given after=%s (beyond PostgreSQL bigint), then 400 VALIDATION_FAILED at query.after, not 500',
      async (after) => {
        const response = await fetch(`${baseUrl}/v1/event-log?after=${after}`, {
          headers: { authorization: `Bearer ${await token('auditor-1', ['auditor'])}` },
        });
        expect(response.status).toBe(400);
        expect(await response.json()).toMatchObject({
          code: 'VALIDATION_FAILED',
          errors: [{ path: 'query.after', reason: expect.stringContaining('9223372036854775807') }],
        });
      },
    );

    it('given after=9223372036854775807 (the largest position), then 200 with no events', async () => {
      const response = await fetch(`${baseUrl}/v1/event-log?after=9223372036854775807`, {
        headers: { authorization: `Bearer ${await token('auditor-1', ['auditor'])}` },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ events: [], next: null });
    });
  });

  describe('request ids', () => {
    it('given an X-Request-Id, then the answer echoes it and the access line carries it', async () => {
      const response = await fetch(`${baseUrl}/v1/clients/C-1/balances`, {
        headers: {
          authorization: `Bearer ${await token('op-1', ['operator'])}`,
          'x-request-id': 'req-7f3a.1',
        },
      });
      expect(response.headers.get('x-request-id')).toBe('req-7f3a.1');
      expect(lastAccessLine()['requestId']).toBe('req-7f3a.1');
    });

    it.each([
      ['none', undefined],
      ['one too long', 'x'.repeat(129)],
      ['one with characters that could forge a field', 'id" "callerId":"admin'],
    ])('given %s, then a fresh id is made, echoed and logged', async (_case, given) => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${await token('op-1', ['operator'])}`,
      };
      if (given !== undefined) headers['x-request-id'] = given;
      const response = await fetch(`${baseUrl}/v1/clients/C-1/balances`, { headers });
      const echoed = response.headers.get('x-request-id');
      expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
      expect(lastAccessLine()['requestId']).toBe(echoed);
    });
  });

  describe('the access log', () => {
    it("given a staff read of a client's data, then one line with caller, roles, request id, address, method, route, path ids and CLIENT_DATA_READ with the client id", async () => {
      const response = await fetch(`${baseUrl}/v1/clients/C-42/balances`, {
        headers: {
          authorization: `Bearer ${await token('operator-7', ['operator'])}`,
          'x-request-id': 'read-1',
        },
      });
      expect(response.status).toBe(200);
      expect(lastAccessLine()).toMatchObject({
        requestId: 'read-1',
        callerId: 'operator-7',
        roles: ['operator'],
        clientAddress: expect.stringMatching(/127\.0\.0\.1$/),
        method: 'GET',
        route: '/v1/clients/:clientId/balances',
        pathIds: { clientId: 'C-42' },
        statusCode: 200,
        securityEvent: 'CLIENT_DATA_READ',
        clientId: 'C-42',
      });
    });

    it('given a custody-service read of the same route, then it is logged but is not a staff read of client data', async () => {
      await fetch(`${baseUrl}/v1/clients/C-42/balances`, {
        headers: { authorization: `Bearer ${await token('policy-service', ['custody-service'])}` },
      });
      expect(lastAccessLine()).toMatchObject({
        callerId: 'policy-service',
        roles: ['custody-service'],
        statusCode: 200,
      });
      expect(lastAccessLine()['securityEvent']).toBeUndefined();
    });

    it('given no token, then 401 is an AUTHENTICATION_FAILED security event, with the path ids', async () => {
      expect((await fetch(`${baseUrl}/v1/clients/C-9/balances`)).status).toBe(401);
      expect(lastAccessLine()).toMatchObject({
        statusCode: 401,
        securityEvent: 'AUTHENTICATION_FAILED',
        pathIds: { clientId: 'C-9' },
        callerId: null,
      });
    });

    it('given a forged token, then AUTHENTICATION_FAILED, and neither that token nor a valid one appears anywhere in the log', async () => {
      const valid = await token('op-1', ['operator']);
      const forged = `${valid.slice(0, -4)}AAAA`;
      expect(
        (
          await fetch(`${baseUrl}/v1/clients/C-9/balances`, {
            headers: { authorization: `Bearer ${forged}` },
          })
        ).status,
      ).toBe(401);
      expect(lastAccessLine()).toMatchObject({ securityEvent: 'AUTHENTICATION_FAILED' });
      const everything = raw.join('');
      for (const secret of [forged, valid, valid.split('.')[2] as string, SECRET])
        expect(everything.includes(secret)).toBe(false);
    });

    it('given a caller without the role, then 403 is an ACCESS_DENIED security event with the caller and the client id in the path', async () => {
      expect(
        (
          await fetch(`${baseUrl}/v1/clients/C-5/keys`, {
            headers: { authorization: `Bearer ${await token('operator-7', ['operator'])}` },
          })
        ).status,
      ).toBe(403);
      expect(lastAccessLine()).toMatchObject({
        statusCode: 403,
        securityEvent: 'ACCESS_DENIED',
        callerId: 'operator-7',
        roles: ['operator'],
        pathIds: { clientId: 'C-5' },
      });
    });
  });
});
