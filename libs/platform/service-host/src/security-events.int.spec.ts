import { Controller, Get, Module, Param } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Roles } from '@custody/auth';
import { createTestDatabase, waitFor, type TestDatabase } from '@custody/testing';
import { ClientData } from './client-data';
import {
  ClientDataController,
  startTestServiceApp,
  testAppToken,
} from './service-app.test-support';

const WAIT_MS = 30_000;

/** A client's data under an id that is not a client's (a withdrawal): marked @ClientData(). */
@Controller('v1/withdrawals')
class WithdrawalsController {
  @ClientData()
  @Get(':withdrawalId')
  @Roles('operator', 'auditor', 'custody-service')
  withdrawal(@Param('withdrawalId') withdrawalId: string) {
    return { withdrawalId, clientId: 'alice' };
  }

  @Get(':withdrawalId/status')
  @Roles('operator')
  status(@Param('withdrawalId') withdrawalId: string) {
    return { withdrawalId };
  }
}

@Module({ controllers: [ClientDataController, WithdrawalsController] })
class ClientDataModule {}

interface Stored {
  position: string;
  event: string;
  callerId: string | null;
  roles: string[];
  route: string;
  pathIds: Record<string, string>;
  statusCode: number;
  clientId: string | null;
  requestId: string;
}

/**
 * HK-22: the security events of the access log (401, 403, a staff read of a client's data) are kept
 * in the service's database, append-only, and auditors query them over HTTP for as long as records
 * are kept: who read alice's balances, and when.
 */
describe('security events queryable by auditors (issue 22, HK-22)', () => {
  let database: TestDatabase;
  let app: NestExpressApplication;
  let baseUrl: string;
  const token = testAppToken;
  const get = async (path: string, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}${path}`, { headers });
  const as = async (subject: string, roles: string[]) => ({
    authorization: `Bearer ${await token(subject, roles)}`,
  });
  const query = async (search = '') => {
    const response = await get(`/v1/security-events${search}`, await as('auditor-1', ['auditor']));
    return {
      status: response.status,
      body: (await response.json()) as {
        events: Stored[];
        next: { after: string } | null;
        code?: string;
      },
    };
  };

  beforeAll(async () => {
    database = await createTestDatabase('security_events_store');
    ({ app, baseUrl } = await startTestServiceApp(database, ClientDataModule, {
      logLevel: 'error',
    }));
    await waitFor(
      async () => (await get('/health/ready')).status === 200,
      'the service ready',
      WAIT_MS,
    );
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it("keeps a staff read of a client's data, a 401 and a 403 with who, what and the answer; a workload's read and an ordinary answer are not security events", async () => {
    expect(
      (
        await get('/v1/clients/alice/balances', {
          ...(await as('operator-7', ['operator'])),
          'x-request-id': 'req-alice-1',
        })
      ).status,
    ).toBe(200);
    expect(
      (await get('/v1/clients/alice/balances', await as('wallet-service', ['custody-service'])))
        .status,
    ).toBe(200);
    expect((await get('/v1/clients/bob/balances')).status).toBe(401);
    expect((await get('/v1/clients/bob/keys', await as('operator-7', ['operator']))).status).toBe(
      403,
    );
    await waitFor(
      async () => (await query()).body.events.length >= 3,
      'three security events stored',
      WAIT_MS,
    );
    const { events } = (await query()).body;
    expect(
      events.map(({ event, callerId, route, statusCode, clientId }) => ({
        event,
        callerId,
        route,
        statusCode,
        clientId,
      })),
    ).toEqual([
      {
        event: 'CLIENT_DATA_READ',
        callerId: 'operator-7',
        route: '/v1/clients/:clientId/balances',
        statusCode: 200,
        clientId: 'alice',
      },
      {
        event: 'AUTHENTICATION_FAILED',
        callerId: null,
        route: '/v1/clients/:clientId/balances',
        statusCode: 401,
        clientId: null,
      },
      {
        event: 'ACCESS_DENIED',
        callerId: 'operator-7',
        route: '/v1/clients/:clientId/keys',
        statusCode: 403,
        clientId: null,
      },
    ]);
    expect(events[0]).toMatchObject({
      requestId: 'req-alice-1',
      roles: ['operator'],
      pathIds: { clientId: 'alice' },
    });
  });

  it('a staff read of a route marked @ClientData() (a withdrawal by id) is a CLIENT_DATA_READ too; an unmarked route is not', async () => {
    expect((await get('/v1/withdrawals/W-9', await as('operator-8', ['operator']))).status).toBe(
      200,
    );
    expect(
      (await get('/v1/withdrawals/W-9/status', await as('operator-8', ['operator']))).status,
    ).toBe(200);
    await waitFor(
      async () =>
        (await query('?event=CLIENT_DATA_READ')).body.events.some(
          (event) => event.callerId === 'operator-8',
        ),
      'the marked read stored',
      WAIT_MS,
    );
    const reads = (await query('?event=CLIENT_DATA_READ')).body.events.filter(
      (event) => event.callerId === 'operator-8',
    );
    expect(reads.map(({ route, pathIds, clientId }) => ({ route, pathIds, clientId }))).toEqual([
      { route: '/v1/withdrawals/:withdrawalId', pathIds: { withdrawalId: 'W-9' }, clientId: null },
    ]);
  });

  it('filters by client, event and time, and pages by position', async () => {
    expect((await query('?clientId=alice')).body.events.map((event) => event.callerId)).toEqual([
      'operator-7',
    ]);
    expect((await query('?event=ACCESS_DENIED')).body.events).toHaveLength(1);
    expect((await query('?event=CLIENT_DATA_READ')).body.events).toHaveLength(2);
    expect((await query(`?to=${encodeURIComponent('2000-01-01T00:00:00Z')}`)).body.events).toEqual(
      [],
    );
    const first = (await query('?limit=1')).body;
    expect(first.events).toHaveLength(1);
    expect((await query(`?after=${first.next?.after ?? ''}&limit=1`)).body.events[0]?.event).toBe(
      'AUTHENTICATION_FAILED',
    );
    expect((await query('?event=LOGGED_IN')).status).toBe(400);
  });

  it('is for auditors only (and asking is not itself hidden: a refused query is an ACCESS_DENIED event)', async () => {
    const response = await get('/v1/security-events', await as('operator-7', ['operator']));
    expect(response.status).toBe(403);
    await waitFor(
      async () =>
        (await query('?event=ACCESS_DENIED')).body.events.some(
          (event) => event.route === '/v1/security-events',
        ),
      'the refused query stored',
      WAIT_MS,
    );
  });

  it("is history: a stored security event can be neither changed nor deleted, even by the table's owner", async () => {
    await expect(
      database.pool.query(`update ledger.security_events set caller_id = 'someone-else'`),
    ).rejects.toThrow(/HISTORY_APPEND_ONLY/);
    await expect(
      database.pool.query(`delete from ledger.security_events where client_id = 'alice'`),
    ).rejects.toThrow(/HISTORY_APPEND_ONLY/);
    expect((await query('?clientId=alice')).body.events.map((event) => event.callerId)).toEqual([
      'operator-7',
    ]);
  });
});
