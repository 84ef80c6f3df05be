import { PostgresEventStore } from '@custody/event-store';
import { createTestDatabase, type TestDatabase } from '@custody/testing';
import { policyStreams } from '../policy-codec';
import { EntitlementDisclosures } from './entitlement-disclosures';

const at = (minute: number) => `2026-12-07T09:${String(minute).padStart(2, '0')}:00.000Z`;

describe('HK-20 disclosures of forks, airdrops and votes through the policy slice (PostgreSQL)', () => {
  let db: TestDatabase;
  let disclosures: EntitlementDisclosures;

  beforeAll(async () => {
    db = await createTestDatabase();
    const store = new PostgresEventStore({ pool: db.pool, schema: 'policy' });
    await store.migrate();
    disclosures = new EntitlementDisclosures(policyStreams(store));
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('HK-20: maker-checker versions per asset, read now and as of a past instant; a vote kept with the disclosure in force', async () => {
    const propose = (
      changeId: string,
      treatment: 'not-supported' | 'clients-pro-rata',
      minute: number,
    ) =>
      disclosures.handle({
        type: 'ProposeEntitlementDisclosure',
        changeId,
        asset: 'ETH',
        treatment,
        reason: 'client agreement 2026',
        by: 'compliance-1',
        at: at(minute),
      });
    const approve = (changeId: string, by: string, minute: number) =>
      disclosures.handle({
        type: 'DecideEntitlementDisclosure',
        changeId,
        decision: 'approve',
        reason: 'checked against the client agreement',
        by,
        at: at(minute),
      });
    expect((await propose('d-1', 'not-supported', 1)).ok).toBe(true);
    expect(await approve('d-1', 'compliance-1', 2)).toMatchObject({
      ok: false,
      error: { code: 'MAKER_CHECKER_SAME_PERSON' },
    });
    expect((await approve('d-1', 'compliance-2', 3)).ok).toBe(true);
    expect((await propose('d-2', 'clients-pro-rata', 4)).ok).toBe(true);
    expect((await approve('d-2', 'compliance-2', 5)).ok).toBe(true);

    expect((await disclosures.state()).settings.get('ETH')).toEqual({
      asset: 'ETH',
      treatment: 'clients-pro-rata',
      version: 2,
      changeId: 'd-2',
    });
    expect((await disclosures.state(at(3))).settings.get('ETH')).toMatchObject({
      treatment: 'not-supported',
      version: 1,
    });
    expect((await disclosures.state(at(0))).settings.size).toBe(0);

    const vote = await disclosures.handle({
      type: 'RecordVote',
      voteId: 'v-1',
      asset: 'ETH',
      proposal: 'EIP-9999',
      position: 'abstain',
      reason: 'no client instruction',
      by: 'ops-1',
      at: at(6),
    });
    expect(vote).toMatchObject({
      ok: true,
      events: [
        { type: 'VoteRecorded', data: { treatment: 'clients-pro-rata', disclosureVersion: 2 } },
      ],
    });
    expect((await disclosures.history()).map((event) => event.type)).toEqual([
      'EntitlementDisclosureProposed',
      'EntitlementDisclosureApproved',
      'EntitlementDisclosureProposed',
      'EntitlementDisclosureApproved',
      'VoteRecorded',
    ]);
  });
});
