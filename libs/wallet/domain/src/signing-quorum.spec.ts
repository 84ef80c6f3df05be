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
  it("HK-11e / TW-16 given the same custodian's approval twice in the history (a replay, a race), then they count once and the quorum is not met", () => {
    expect(
      quorumStatus([approval('ann'), approval('ann')], '0xa', policy, facts, t0),
    ).toMatchObject({ met: false, counted: ['ann'] });
    expect(
      quorumStatus([approval('ann'), approval('ann'), approval('ben')], '0xa', policy, facts, t0),
    ).toMatchObject({ met: true, counted: ['ann', 'ben'] });
  });

  it('HK-11d / TW-16 given approvals of another payload hash or by someone whose key access was revoked since, then they do not count', () => {
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

  it('HK-11d / TW-16 given one of two required approvals, then SIGNING_QUORUM_NOT_MET on approvals, counting the one', () => {
    expect(quorumStatus([approval('ann')], '0xa', policy, facts, t0)).toMatchObject({
      met: false,
      counted: ['ann'],
      shortfall: { code: 'SIGNING_QUORUM_NOT_MET', path: 'approvals' },
    });
  });

  it('HK-11d / TW-16 given exactly the required number of distinct approvals, then the quorum is met with no shortfall, counted in approval order', () => {
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

  it('HK-11d / TW-16 given an approval of another payload, one by a non-holder and one expired, then none counts and the expired one is named in the shortfall', () => {
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

  it('HK-11d / TW-16 given a key holder missing from the roster (no department, no site, no name), then their approval counts for nothing, spanning or not', () => {
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

describe('quorum status: distinct departments, distinct sites, both or either, as the wallet says (HK-11e)', () => {
  // the issue's custodians: K1 and K4 of Ops at two sites, K2 of Risk at K1's site, K3 of Risk at K4's, K5 K1's twin
  const roster = {
    custodians: new Map([
      custodian('K1', 'Ops', 'HK1'),
      custodian('K2', 'Risk', 'HK1'),
      custodian('K3', 'Risk', 'HK2'),
      custodian('K4', 'Ops', 'HK2'),
      custodian('K5', 'Ops', 'HK1'),
    ]),
    keyHolders: new Set(['K1', 'K2', 'K3', 'K4', 'K5']),
  };
  const spans = ['departments', 'sites', 'both', 'either'] as const;
  const spanning = (span?: (typeof spans)[number]) => ({
    ...policy,
    spanDepartmentsOrSites: true,
    ...(span === undefined ? {} : { span }),
  });
  /** Whether the quorum of two is met by these approvers, under each span. */
  const metUnderEachSpan = (...custodianIds: string[]) =>
    Object.fromEntries(
      spans.map((span) => [
        span,
        quorumStatus(
          custodianIds.map((id) => approval(id)),
          '0xa',
          spanning(span),
          roster,
          t0,
        ).met,
      ]),
    );

  it('HK-11e given K1 (Ops, HK1) and K4 (Ops, HK2), one department at two sites, when the wallet asks for distinct departments, then the quorum is not met, counting both; for sites or either it is; for both it is not', () => {
    expect(
      quorumStatus([approval('K1'), approval('K4')], '0xa', spanning('departments'), roster, t0),
    ).toMatchObject({
      met: false,
      counted: ['K1', 'K4'],
      shortfall: { code: 'SIGNING_QUORUM_NOT_MET', path: 'approvals' },
    });
    expect(
      quorumStatus([approval('K1'), approval('K4')], '0xa', spanning('departments'), roster, t0)
        .shortfall?.reason,
    ).toContain('1 department(s) and 2 site(s)');
    expect(metUnderEachSpan('K1', 'K4')).toEqual({
      departments: false,
      sites: true,
      both: false,
      either: true,
    });
    expect(
      quorumStatus([approval('K1'), approval('K4')], '0xa', spanning('sites'), roster, t0),
    ).toEqual({ met: true, counted: ['K1', 'K4'] });
  });

  it('HK-11e given K1 (Ops, HK1) and K2 (Risk, HK1), two departments at one site, then departments and either are met; sites and both are not', () => {
    expect(metUnderEachSpan('K1', 'K2')).toEqual({
      departments: true,
      sites: false,
      both: false,
      either: true,
    });
    expect(
      quorumStatus([approval('K1'), approval('K2')], '0xa', spanning('sites'), roster, t0),
    ).toMatchObject({
      met: false,
      counted: ['K1', 'K2'],
      shortfall: { code: 'SIGNING_QUORUM_NOT_MET', path: 'approvals' },
    });
    expect(
      quorumStatus([approval('K1'), approval('K2')], '0xa', spanning('departments'), roster, t0),
    ).toEqual({ met: true, counted: ['K1', 'K2'] });
  });

  it('HK-11e given K1 (Ops, HK1) and K3 (Risk, HK2), two departments at two sites, then every span is met', () => {
    expect(metUnderEachSpan('K1', 'K3')).toEqual({
      departments: true,
      sites: true,
      both: true,
      either: true,
    });
    expect(
      quorumStatus([approval('K1'), approval('K3')], '0xa', spanning('both'), roster, t0),
    ).toEqual({ met: true, counted: ['K1', 'K3'] });
  });

  it('HK-11e given K1 (Ops, HK1) and K5 (Ops, HK1), one department at one site, then no span is met; when the wallet asks for no span, the quorum is', () => {
    expect(metUnderEachSpan('K1', 'K5')).toEqual({
      departments: false,
      sites: false,
      both: false,
      either: false,
    });
    expect(quorumStatus([approval('K1'), approval('K5')], '0xa', policy, roster, t0)).toEqual({
      met: true,
      counted: ['K1', 'K5'],
    });
  });

  it('HK-11e given three approvers for a quorum of two, then the span is judged over all of them: K1, K4 and K2 together make both', () => {
    expect(metUnderEachSpan('K1', 'K4', 'K2')).toEqual({
      departments: true,
      sites: true,
      both: true,
      either: true,
    });
    expect(
      quorumStatus(
        [approval('K1'), approval('K4'), approval('K2')],
        '0xa',
        spanning('both'),
        roster,
        t0,
      ),
    ).toEqual({ met: true, counted: ['K1', 'K4', 'K2'] });
  });

  it('HK-11e given a quorum recorded without a span (a wallet or withdrawal from before the choice), then it is judged as either', () => {
    for (const pair of [
      ['K1', 'K4'],
      ['K1', 'K2'],
      ['K1', 'K3'],
      ['K1', 'K5'],
    ])
      expect(
        quorumStatus(
          pair.map((id) => approval(id)),
          '0xa',
          spanning(),
          roster,
          t0,
        ).met,
      ).toBe(metUnderEachSpan(...pair)['either']);
    expect(quorumStatus([approval('K1'), approval('K4')], '0xa', spanning(), roster, t0)).toEqual({
      met: true,
      counted: ['K1', 'K4'],
    });
  });

  it('HK-11e given the quorum short of its count, then the count is the shortfall whatever the span', () => {
    expect(
      quorumStatus([approval('K1')], '0xa', spanning('departments'), roster, t0).shortfall?.reason,
    ).toContain('1 of 2 distinct custodians');
  });

  it('HK-11e given a span the domain does not know, then an assertion failure naming it, never a quorum', () => {
    expect(() =>
      quorumStatus(
        [approval('K1'), approval('K3')],
        '0xa',
        { ...spanning(), span: 'all' as never },
        roster,
        t0,
      ),
    ).toThrow('assertion: unhandled "all"');
  });
});
