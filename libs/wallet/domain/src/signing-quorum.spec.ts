import type { Custodian } from './custody-roster';
import { quorumStatus, type SigningApproval } from './signing-quorum';

const t0 = '2026-11-24T09:00:00.000Z';
const policy = { required: 2, spanDepartmentsOrSites: false, approvalTtlMs: 60_000 };
const custodian = (custodianId: string, department: string, site: string): [string, Custodian] => [custodianId, { custodianId, name: custodianId, department, site }];
const facts = { custodians: new Map([custodian('ann', 'treasury', 'HK-DC1'), custodian('ben', 'treasury', 'HK-DC1'), custodian('cat', 'risk', 'HK-DC2')]), keyHolders: new Set(['ann', 'ben', 'cat']) };
const approval = (custodianId: string, payloadHash = '0xa', approvedAt = t0): SigningApproval => ({ custodianId, payloadHash, approvedAt });

describe('quorum status (HK-11d, HK-11e)', () => {
  it('HK-11e given the same custodian\'s approval twice in the history (a replay, a race), then they count once and the quorum is not met', () => {
    expect(quorumStatus([approval('ann'), approval('ann')], '0xa', policy, facts, t0)).toMatchObject({ met: false, counted: ['ann'] });
    expect(quorumStatus([approval('ann'), approval('ann'), approval('ben')], '0xa', policy, facts, t0)).toMatchObject({ met: true, counted: ['ann', 'ben'] });
  });

  it('HK-11d given approvals of another payload hash or by someone whose key access was revoked since, then they do not count', () => {
    expect(quorumStatus([approval('ann', '0xb'), approval('ben')], '0xa', policy, facts, t0).met).toBe(false);
    expect(quorumStatus([approval('ann'), approval('ben')], '0xa', policy, { ...facts, keyHolders: new Set(['ann', 'cat']) }, t0).met).toBe(false);
  });

  it('HK-11d an approval counts until its time-to-live has passed, not at that instant', () => {
    const at = (ms: number) => new Date(Date.parse(t0) + ms).toISOString();
    expect(quorumStatus([approval('ann'), approval('ben')], '0xa', policy, facts, at(59_999)).met).toBe(true);
    expect(quorumStatus([approval('ann'), approval('ben')], '0xa', policy, facts, at(60_000)).met).toBe(false);
  });
});
