import type { Custodian } from './custody-roster';
import { approvalExpired, quorumStatus, type SigningApproval } from './signing-quorum';

const t0 = '2026-11-24T09:00:00.000Z';
const policy = { required: 2, spanDepartmentsOrSites: false, approvalTtlMs: 60_000 };
const custodian = (custodianId: string, department: string, site: string): [string, Custodian] => [
  custodianId,
  { custodianId, name: custodianId, department, site },
];
const facts = {
  custodians: new Map([
    custodian('ann', 'treasury', 'HK-DC1'),
    custodian('ben', 'treasury', 'HK-DC1'),
    custodian('cat', 'risk', 'HK-DC2'),
  ]),
  keyHolders: new Set(['ann', 'ben', 'cat']),
};
const approval = (custodianId: string, payloadHash = '0xa', approvedAt = t0): SigningApproval => ({
  custodianId,
  payloadHash,
  approvedAt,
});

describe('quorum status (HK-11d, HK-11e)', () => {
  it("HK-11e given the same custodian's approval twice in the history (a replay, a race), then they count once and the quorum is not met", () => {
    expect(
      quorumStatus([approval('ann'), approval('ann')], '0xa', policy, facts, t0),
    ).toMatchObject({ met: false, counted: ['ann'] });
    expect(
      quorumStatus([approval('ann'), approval('ann'), approval('ben')], '0xa', policy, facts, t0),
    ).toMatchObject({ met: true, counted: ['ann', 'ben'] });
  });

  it('HK-11d given approvals of another payload hash or by someone whose key access was revoked since, then they do not count', () => {
    expect(
      quorumStatus([approval('ann', '0xb'), approval('ben')], '0xa', policy, facts, t0).met,
    ).toBe(false);
    expect(
      quorumStatus(
        [approval('ann'), approval('ben')],
        '0xa',
        policy,
        { ...facts, keyHolders: new Set(['ann', 'cat']) },
        t0,
      ).met,
    ).toBe(false);
  });

  it('HK-11d an approval counts until its time-to-live has passed, not at that instant', () => {
    const at = (ms: number) => new Date(Date.parse(t0) + ms).toISOString();
    expect(
      quorumStatus([approval('ann'), approval('ben')], '0xa', policy, facts, at(59_999)).met,
    ).toBe(true);
    expect(
      quorumStatus([approval('ann'), approval('ben')], '0xa', policy, facts, at(60_000)).met,
    ).toBe(false);
  });
});

describe('quorum status: which approvals count and why it falls short (HK-11d)', () => {
  const at = (ms: number) => new Date(Date.parse(t0) + ms).toISOString();

  it('HK-11d given one of two required approvals, then SIGNING_QUORUM_NOT_MET on approvals, counting the one', () => {
    expect(quorumStatus([approval('ann')], '0xa', policy, facts, t0)).toMatchObject({
      met: false,
      counted: ['ann'],
      shortfall: { code: 'SIGNING_QUORUM_NOT_MET', path: 'approvals' },
    });
  });

  it('HK-11d given exactly the required number of distinct approvals, then the quorum is met with no shortfall, counted in approval order', () => {
    expect(quorumStatus([approval('ben'), approval('ann')], '0xa', policy, facts, t0)).toEqual({
      met: true,
      counted: ['ben', 'ann'],
    });
    expect(
      quorumStatus(
        [approval('ben'), approval('ann'), approval('cat')],
        '0xa',
        { ...policy, required: 3 },
        facts,
        t0,
      ),
    ).toEqual({ met: true, counted: ['ben', 'ann', 'cat'] });
    expect(
      quorumStatus([approval('ben'), approval('ann')], '0xa', { ...policy, required: 3 }, facts, t0)
        .met,
    ).toBe(false);
  });

  it('HK-11d given an approval of another payload, one by a non-holder and one expired, then none counts and the expired one is named in the shortfall', () => {
    const status = quorumStatus(
      [
        approval('ann', '0xb'),
        approval('zed'),
        approval('ben', '0xa', at(-60_000)),
        approval('cat'),
      ],
      '0xa',
      policy,
      facts,
      t0,
    );
    expect(status).toMatchObject({
      met: false,
      counted: ['cat'],
      shortfall: { code: 'SIGNING_QUORUM_NOT_MET', path: 'approvals' },
    });
    expect(status.shortfall?.reason).toContain('1 approval(s) expired');
  });

  it("HK-11d given a custodian's expired approval followed by a fresh one, then the fresh one counts", () => {
    expect(
      quorumStatus(
        [approval('ann', '0xa', at(-60_000)), approval('ann', '0xa', at(-1)), approval('ben')],
        '0xa',
        policy,
        facts,
        t0,
      ),
    ).toEqual({ met: true, counted: ['ann', 'ben'] });
  });

  it('HK-11d an approval expires exactly at approvedAt + ttl, not one millisecond before', () => {
    expect(approvalExpired(approval('ann'), policy, at(59_999))).toBe(false);
    expect(approvalExpired(approval('ann'), policy, at(60_000))).toBe(true);
    expect(approvalExpired(approval('ann'), policy, at(60_001))).toBe(true);
  });
});

describe('quorum status: two departments or two sites (HK-11e)', () => {
  const spanning = { ...policy, spanDepartmentsOrSites: true };
  const roster = (...entries: [string, Custodian][]) => ({
    custodians: new Map(entries),
    keyHolders: new Set(entries.map(([id]) => id)),
  });

  it('HK-11e given approvers who share one department and one site, then the quorum is not met, with SIGNING_QUORUM_NOT_MET on approvals', () => {
    const facts1 = roster(
      custodian('ann', 'treasury', 'HK-DC1'),
      custodian('ben', 'treasury', 'HK-DC1'),
    );
    expect(
      quorumStatus([approval('ann'), approval('ben')], '0xa', spanning, facts1, t0),
    ).toMatchObject({
      met: false,
      counted: ['ann', 'ben'],
      shortfall: { code: 'SIGNING_QUORUM_NOT_MET', path: 'approvals' },
    });
  });

  it('HK-11e given approvers of two departments at one site, then the quorum is met', () => {
    const facts2 = roster(
      custodian('ann', 'treasury', 'HK-DC1'),
      custodian('dan', 'risk', 'HK-DC1'),
    );
    expect(quorumStatus([approval('ann'), approval('dan')], '0xa', spanning, facts2, t0)).toEqual({
      met: true,
      counted: ['ann', 'dan'],
    });
  });

  it('HK-11e given approvers of one department at two sites, then the quorum is met', () => {
    const facts3 = roster(
      custodian('ann', 'treasury', 'HK-DC1'),
      custodian('eve', 'treasury', 'HK-DC2'),
    );
    expect(quorumStatus([approval('ann'), approval('eve')], '0xa', spanning, facts3, t0)).toEqual({
      met: true,
      counted: ['ann', 'eve'],
    });
  });

  it('HK-11e given the same department and site, when the policy does not ask for a span, then the quorum is met', () => {
    expect(quorumStatus([approval('ann'), approval('ben')], '0xa', policy, facts, t0)).toEqual({
      met: true,
      counted: ['ann', 'ben'],
    });
  });

  it('HK-11d given a key holder missing from the roster (no department, no site, no name), then their approval counts for nothing, spanning or not', () => {
    const facts4 = {
      custodians: new Map([
        custodian('ann', 'treasury', 'HK-DC1'),
        custodian('cat', 'risk', 'HK-DC2'),
      ]),
      keyHolders: new Set(['ann', 'cat', 'ghost']),
    };
    expect(
      quorumStatus([approval('ann'), approval('ghost')], '0xa', spanning, facts4, t0),
    ).toMatchObject({
      met: false,
      counted: ['ann'],
      shortfall: { code: 'SIGNING_QUORUM_NOT_MET', path: 'approvals' },
    });
    expect(
      quorumStatus([approval('ann'), approval('ghost')], '0xa', policy, facts4, t0),
    ).toMatchObject({ met: false, counted: ['ann'] });
    expect(
      quorumStatus(
        [approval('ann'), approval('ghost'), approval('cat')],
        '0xa',
        spanning,
        facts4,
        t0,
      ),
    ).toEqual({ met: true, counted: ['ann', 'cat'] });
  });
});
