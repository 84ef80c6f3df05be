import { randomBytes, randomUUID } from 'node:crypto';
import { signTestToken } from '@custody/auth/testing';
import { PostgresEventStore } from '@custody/event-store';
import {
  createTestDatabase,
  eventually,
  startService,
  type ServiceProcess,
  type TestDatabase,
} from '@custody/testing';

const SERVICES = ['ledger', 'wallet', 'policy', 'reconciliation', 'audit'] as const;
const READY_WAIT_MS = 15_000;
const ISSUER = 'custody-e2e';
const AUDIENCE = 'custody';

/**
 * Each service as a real process against the local PostgreSQL: it boots, answers its probes,
 * refuses unauthenticated and unauthorised callers, serves its event log to auditors, exposes
 * metrics, and logs JSON lines carrying the caller's trace id.
 */
describe.each(SERVICES)('the %s service', (service) => {
  const secret = randomBytes(32).toString('hex');
  let db: TestDatabase;
  let running: ServiceProcess;

  const token = (roles: string[], subject = 'user-1') =>
    signTestToken({ secret, issuer: ISSUER, audience: AUDIENCE, subject, roles });
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${running.baseUrl}${path}`, { headers });
    return { status: response.status, headers: response.headers, body: await response.text() };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    running = await startService(service, {
      DATABASE_URL: db.url,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_JWT_SECRET: secret,
      LOG_LEVEL: 'info',
    });
  });
  afterAll(async () => {
    await running?.stop();
    await db?.drop();
  });

  it('answers /health/live, and /health/ready once its database schema is prepared', async () => {
    expect((await get('/health/live')).status).toBe(200);
    expect(
      await eventually(async () => (await get('/health/ready')).status === 200, READY_WAIT_MS),
    ).toBe(true);
    expect(JSON.parse((await get('/health/ready')).body)).toEqual({
      status: 'ready',
      checks: { database: 'up' },
    });
  });

  it('refuses a business request without a token with 401 and says what is missing', async () => {
    const response = await get('/v1/event-log');
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({
      code: 'AUTH_TOKEN_MISSING',
      reason: expect.stringContaining('Authorization'),
    });
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('refuses a token signed with another key with 401', async () => {
    const forged = await signTestToken({
      secret: randomBytes(32).toString('hex'),
      issuer: ISSUER,
      audience: AUDIENCE,
      subject: 'x',
      roles: ['auditor'],
    });
    const response = await get('/v1/event-log', { authorization: `Bearer ${forged}` });
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
  });

  it('refuses an operator on the auditor-only event log with 403 naming the role needed', async () => {
    const response = await get('/v1/event-log', {
      authorization: `Bearer ${await token(['operator'])}`,
    });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({
      code: 'AUTH_ROLE_MISSING',
      requiredRoles: ['auditor'],
      callerRoles: ['operator'],
    });
  });

  it('serves an auditor its own event log in global order, with a verifiable hash chain (HK-22)', async () => {
    await eventually(async () => (await get('/health/ready')).status === 200, READY_WAIT_MS);
    const store = new PostgresEventStore({ pool: db.pool, schema: service });
    const eventIds = [randomUUID(), randomUUID()];
    await store.appendToStream(
      'probe-1',
      eventIds.map((eventId) => ({
        eventId,
        type: 'ProbeRecorded',
        schemaVersion: 1,
        data: { n: eventId },
      })),
      'no-stream',
    );
    const auth = { authorization: `Bearer ${await token(['auditor'])}` };

    const page = JSON.parse((await get('/v1/event-log?after=0&limit=1', auth)).body);
    expect(page.events.map((event: { eventId: string }) => event.eventId)).toEqual([eventIds[0]]);
    expect(page.next).toEqual({ after: '1' });
    const rest = JSON.parse((await get(`/v1/event-log?after=${page.next.after}`, auth)).body);
    expect(rest.events.map((event: { globalPosition: string }) => event.globalPosition)).toEqual([
      '2',
    ]);

    const verification = JSON.parse((await get('/v1/event-log/verification', auth)).body);
    expect(verification).toMatchObject({
      ok: true,
      eventsChecked: '2',
      head: { globalPosition: '2' },
    });
  });

  it('answers bad query input with 400, a stable code and the field path', async () => {
    const response = await get('/v1/event-log?after=-1&limit=100000', {
      authorization: `Bearer ${await token(['auditor'])}`,
    });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [
        { path: 'query.after', reason: expect.any(String) },
        { path: 'query.limit', reason: expect.any(String) },
      ],
    });
  });

  it('exposes Prometheus metrics, including refused requests', async () => {
    const response = await get('/metrics');
    expect(response.status).toBe(200);
    const refused = response.body
      .split('\n')
      .filter((line) => line.startsWith('http_server_request_duration_seconds_count{'))
      .filter((line) =>
        [`service="${service}"`, 'route="/v1/event-log"', 'status_code="401"'].every((label) =>
          line.includes(label),
        ),
      );
    expect(refused).toHaveLength(1);
    expect(Number(refused[0]?.split(' ')[1])).toBeGreaterThanOrEqual(1);
  });

  it('writes JSON log lines that carry the trace id of the incoming request', async () => {
    const traceId = randomBytes(16).toString('hex');
    await get('/v1/event-log', {
      traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
    });
    const found = await eventually(async () => running.stdout().includes(traceId), 5_000);
    expect(found).toBe(true);
    const line =
      running
        .stdout()
        .split('\n')
        .find((candidate) => candidate.includes(traceId)) ?? '';
    expect(JSON.parse(line)).toMatchObject({
      service,
      trace_id: traceId,
      route: '/v1/event-log',
      statusCode: 401,
    });
  });

  it('never writes the signing secret to its output', () => {
    expect(running.stdout() + running.stderr()).not.toContain(secret);
  });
});
