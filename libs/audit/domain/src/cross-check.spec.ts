import { crossCheck } from './cross-check';

const store = [1, 2, 3, 4].map((position) => ({
  position: String(position),
  hash: `h${position}`,
  eventId: `e${position}`,
}));
const audited = (
  positions: number[],
  hashOf: (position: number) => string = (position) => `h${position}`,
) =>
  positions.map((position, index) => ({
    auditPosition: String(index + 10),
    sourcePosition: String(position),
    sourceHash: hashOf(position),
  }));

describe("HK-22 the audit record against a service's event store", () => {
  it('HK-22 given every store event audited with its hash, then nothing found', () => {
    expect(crossCheck(store, audited([1, 2, 3, 4]))).toEqual({
      storeEvents: 4,
      auditedEvents: 4,
      findings: [],
    });
  });

  it('HK-22 given an event missing from the audit, one audited with another hash and one audited that the store lacks, then each is found at its position', () => {
    const result = crossCheck(
      store,
      audited([1, 3, 4, 9], (position) => (position === 3 ? 'forged' : `h${position}`)),
    );
    expect(result.findings.map((finding) => [finding.problem, finding.sourcePosition])).toEqual([
      ['missing', '2'],
      ['different', '3'],
      ['extra', '9'],
    ]);
  });

  it('HK-22 the same store event audited twice with the same hash is one event; with two hashes, a difference', () => {
    expect(
      crossCheck(store, [
        ...audited([1, 2, 3, 4]),
        { auditPosition: '99', sourcePosition: '2', sourceHash: 'h2' },
      ]).findings,
    ).toEqual([]);
    expect(
      crossCheck(store, [
        ...audited([1, 2, 3, 4]),
        { auditPosition: '99', sourcePosition: '2', sourceHash: 'other' },
      ]).findings,
    ).toMatchObject([{ problem: 'different', sourcePosition: '2', auditPosition: '99' }]);
  });
});

describe('HK-22 cross-check findings in store order', () => {
  it('HK-22 given findings of every kind found out of order, then they are listed by store position as numbers (9 before 10), each with where the audit holds it', () => {
    const tenStore = Array.from({ length: 10 }, (_, index) => ({
      position: String(index + 1),
      hash: `h${index + 1}`,
      eventId: `e${index + 1}`,
    }));
    const audit = [
      { auditPosition: '20', sourcePosition: '12', sourceHash: 'h12' }, // the store lacks 12
      { auditPosition: '21', sourcePosition: '10', sourceHash: 'h10' },
      { auditPosition: '22', sourcePosition: '9', sourceHash: 'forged' }, // differs from the store
      { auditPosition: '23', sourcePosition: '1', sourceHash: 'h1' },
      { auditPosition: '24', sourcePosition: '10', sourceHash: 'again' }, // 10 twice, with two hashes
      { auditPosition: '25', sourcePosition: '11', sourceHash: 'h11' }, // the store lacks 11
    ];
    const result = crossCheck(tenStore, audit);
    expect(
      result.findings.map((finding) => [
        finding.problem,
        finding.sourcePosition,
        finding.auditPosition,
      ]),
    ).toEqual([
      ['missing', '2', null],
      ['missing', '3', null],
      ['missing', '4', null],
      ['missing', '5', null],
      ['missing', '6', null],
      ['missing', '7', null],
      ['missing', '8', null],
      ['different', '9', '22'],
      ['different', '10', '24'],
      ['extra', '11', '25'],
      ['extra', '12', '20'],
    ]);
    expect(result).toMatchObject({ storeEvents: 10, auditedEvents: 5 }); // store positions audited: 10 counts once
  });
});
