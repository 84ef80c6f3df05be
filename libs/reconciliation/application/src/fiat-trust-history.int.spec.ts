import {
  HISTORY_CHANGE_REFUSED,
  HISTORY_CHANGE_REFUSED_SQLSTATE,
  MIGRATION_SETTING,
  PostgresEventStore,
} from '@custody/event-store';
import type { BusinessCalendar } from '@custody/reconciliation-domain';
import { createTestDatabase, type TestDatabase } from '@custody/testing';
import { Discrepancies } from './discrepancies';
import { FiatTrustRuns } from './fiat-trust-runs';

const TW: BusinessCalendar = {
  jurisdiction: 'TW',
  timeZone: 'Asia/Taipei',
  cutOff: '15:30',
  weekendDays: [0, 6],
  holidays: new Set(),
};
const REFUSED = {
  code: HISTORY_CHANGE_REFUSED_SQLSTATE,
  message: expect.stringContaining(HISTORY_CHANGE_REFUSED),
};

/**
 * Issue 22 (4, 5): what a fiat trust run counts (TW-10/11) is an approved statement's lines, its
 * opening balance and its approval by a second person. Rows only ever inserted: the guard refuses
 * UPDATE, DELETE and TRUNCATE to everyone, the owner included, unless its transaction is a
 * migration; the service's role could otherwise approve a statement alone or rewrite its lines.
 */
describe('the fiat trust statements, their lines and approvals are append-only (PostgreSQL)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    const store = new PostgresEventStore({ pool: db.pool, schema: 'recon' });
    await store.migrate();
    const fiat = new FiatTrustRuns({
      store,
      calendar: TW,
      discrepancies: new Discrepancies({
        store,
        calendar: TW,
        notifier: { notify: () => Promise.resolve() },
      }),
    });
    const client = await db.pool.connect();
    try {
      await fiat.migrate(client);
      await fiat.migrate(client); // every start: idempotent
    } finally {
      client.release();
    }
    await db.pool.query(
      `insert into recon.recon_trust_statements values ('S-1', 'TRUST-1', 'TWD', '2026-11-24T00:00:00Z', '2026-11-25T00:00:00Z', 0, 'digest')`,
    );
    await db.pool.query(
      `insert into recon.recon_trust_lines values ('S-1', 1, '2026-11-24T01:00:00Z', 'DEP-A1', 10000)`,
    );
    await db.pool.query(
      `insert into recon.recon_trust_approvals values ('S-1', 'approver-1', '2026-11-25T01:00:00Z')`,
    );
  });
  afterAll(async () => {
    await db?.drop();
  });

  it.each([
    [
      'UPDATE of a line (a larger amount held)',
      `update recon.recon_trust_lines set amount_minor = 99999999`,
    ],
    ['DELETE of a line', `delete from recon.recon_trust_lines`],
    ['TRUNCATE of the lines', `truncate recon.recon_trust_lines`],
    [
      'UPDATE of an approval (another approver)',
      `update recon.recon_trust_approvals set approved_by = 'importer-1'`,
    ],
    ['DELETE of an approval', `delete from recon.recon_trust_approvals`],
    ['TRUNCATE of the approvals', `truncate recon.recon_trust_approvals`],
    [
      "UPDATE of a statement's opening balance",
      `update recon.recon_trust_statements set opening_minor = 5000000`,
    ],
    ['DELETE of a statement', `delete from recon.recon_trust_statements`],
  ])(
    '%s as the owner outside a migration is refused with HISTORY_APPEND_ONLY',
    async (_change, statement) => {
      await expect(db.pool.query(statement)).rejects.toMatchObject(REFUSED);
      expect(
        (await db.pool.query('select amount_minor::text from recon.recon_trust_lines')).rows,
      ).toEqual([{ amount_minor: '10000' }]);
      expect(
        (await db.pool.query('select approved_by from recon.recon_trust_approvals')).rows,
      ).toEqual([{ approved_by: 'approver-1' }]);
    },
  );

  it('the owner in a migration (custody.migration on) may still change them', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      await client.query(`set local ${MIGRATION_SETTING} = 'on'`);
      await client.query(`update recon.recon_trust_lines set line = 1`);
      await client.query('rollback');
    } finally {
      client.release();
    }
  });
});
