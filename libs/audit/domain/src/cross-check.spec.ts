import { crossCheck } from './cross-check';

const store = [1, 2, 3, 4].map((position) => ({ position: String(position), hash: `h${position}`, eventId: `e${position}` }));
const audited = (positions: number[], hashOf: (position: number) => string = (position) => `h${position}`) => positions.map((position, index) => ({ auditPosition: String(index + 10), sourcePosition: String(position), sourceHash: hashOf(position) }));

describe('HK-22 the audit record against a service\'s event store', () => {
  it('HK-22 given every store event audited with its hash, then nothing found', () => {
    expect(crossCheck(store, audited([1, 2, 3, 4]))).toEqual({ storeEvents: 4, auditedEvents: 4, findings: [] });
  });

  it('HK-22 given an event missing from the audit, one audited with another hash and one audited that the store lacks, then each is found at its position', () => {
    const result = crossCheck(store, audited([1, 3, 4, 9], (position) => (position === 3 ? 'forged' : `h${position}`)));
    expect(result.findings.map((finding) => [finding.problem, finding.sourcePosition])).toEqual([['missing', '2'], ['different', '3'], ['extra', '9']]);
  });

  it('HK-22 the same store event audited twice with the same hash is one event; with two hashes, a difference', () => {
    expect(crossCheck(store, [...audited([1, 2, 3, 4]), { auditPosition: '99', sourcePosition: '2', sourceHash: 'h2' }]).findings).toEqual([]);
    expect(crossCheck(store, [...audited([1, 2, 3, 4]), { auditPosition: '99', sourcePosition: '2', sourceHash: 'other' }]).findings).toMatchObject([{ problem: 'different', sourcePosition: '2', auditPosition: '99' }]);
  });
});
