import { Writable } from 'node:stream';
import { ServiceUnavailableException } from '@nestjs/common';
import { PostgresEventStore } from '@custody/event-store';
import { createLogger } from '@custody/observability';
import { createTestDatabase, eventually, type TestDatabase } from '@custody/testing';
import { DatabaseReadiness } from './database-readiness';
import { PreparedGate } from './prepared-gate';

const WAIT_MS = 10_000;
const silent = () =>
  createLogger('gate-test', 'fatal', new Writable({ write: (_chunk, _encoding, done) => done() }));

class TablesGate extends PreparedGate {
  prepares = 0;

  constructor(
    readiness: DatabaseReadiness,
    private readonly db: TestDatabase,
  ) {
    super(readiness, silent(), {
      service: 'gate-test',
      step: 'gate-test tables',
      code: 'GATE_TEST_NOT_READY',
      reason: 'the gate-test tables are being prepared',
    });
  }

  protected async prepare(): Promise<void> {
    this.prepares += 1;
    await this.db.pool.query('create table if not exists gated.prepared (id int)');
  }
}

/** What waits on a service's own preparation: its routes (503 with its code) and its work (`prepared`). */
describe('a prepared gate (PostgreSQL)', () => {
  let db: TestDatabase;
  const readinesses: DatabaseReadiness[] = [];
  const readinessOf = () => {
    const store = new PostgresEventStore({ pool: db.pool, schema: 'gated' });
    const readiness = new DatabaseReadiness(store, silent());
    readinesses.push(readiness);
    return readiness;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const readiness of readinesses) readiness.stop();
    await db?.drop();
  });

  it('answers 503 with its code and reason until its preparation is done, then lets the routes and `prepared` through', async () => {
    const readiness = readinessOf();
    const gate = new TablesGate(readiness, db);
    gate.onApplicationBootstrap();
    expect(gate.isReady).toBe(false);
    let refusal: unknown;
    try {
      gate.assertReady();
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ServiceUnavailableException);
    expect((refusal as ServiceUnavailableException).getResponse()).toEqual({
      statusCode: 503,
      code: 'GATE_TEST_NOT_READY',
      reason: 'the gate-test tables are being prepared',
    });
    expect(await readiness.check()).toMatchObject({ ready: false });

    readiness.start();
    await gate.prepared;
    expect(gate.isReady).toBe(true);
    expect(() => gate.assertReady()).not.toThrow();
    expect(gate.prepares).toBe(1);
    expect(await readiness.check()).toEqual({ ready: true });
  });

  it('a gate shut down before its preparation ends never becomes ready', async () => {
    const readiness = readinessOf();
    const gate = new TablesGate(readiness, db);
    gate.onApplicationBootstrap();
    gate.beforeApplicationShutdown();
    readiness.start();
    await eventually(async () => (await readiness.check()).ready, WAIT_MS); // its preparation done
    expect(gate.prepares).toBe(1);
    expect(gate.isReady).toBe(false);
    expect(() => gate.assertReady()).toThrow(ServiceUnavailableException);
  });
});
