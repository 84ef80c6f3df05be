import { GENESIS_HASH, chainHash, type HashedRecord } from './hash-chain';

const record: HashedRecord = {
  globalPosition: 1n,
  eventId: '5b0c6f55-8f0e-4b9e-9a3e-2f4c3f7b1a01',
  streamId: 'account-1',
  streamVersion: 1n,
  type: 'AccountOpened',
  schemaVersion: 1,
  dataJson: '{"clientId":"c-1"}',
  metadataJson: '{}',
  recordedAt: new Date('2026-01-02T03:04:05.678Z'),
};

describe('hash chain', () => {
  it('is deterministic for the same record and predecessor', () => {
    expect(chainHash(GENESIS_HASH, record)).toBe(chainHash(GENESIS_HASH, { ...record }));
    expect(chainHash(GENESIS_HASH, record)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each<[string, Partial<HashedRecord>]>([
    ['position', { globalPosition: 2n }],
    ['event id', { eventId: '5b0c6f55-8f0e-4b9e-9a3e-2f4c3f7b1a02' }],
    ['stream id', { streamId: 'account-2' }],
    ['stream version', { streamVersion: 2n }],
    ['type', { type: 'AccountClosed' }],
    ['schema version', { schemaVersion: 2 }],
    ['data', { dataJson: '{"clientId":"c-2"}' }],
    ['metadata', { metadataJson: '{"actor":"x"}' }],
    ['recorded time', { recordedAt: new Date('2026-01-02T03:04:05.679Z') }],
  ])('changes when the %s changes', (_field, change) => {
    expect(chainHash(GENESIS_HASH, { ...record, ...change })).not.toBe(
      chainHash(GENESIS_HASH, record),
    );
  });

  it('changes when the predecessor changes', () => {
    const other = 'f'.repeat(64);
    expect(chainHash(other, record)).not.toBe(chainHash(GENESIS_HASH, record));
  });

  it.each<[string, Partial<HashedRecord>, Partial<HashedRecord>]>([
    ['type and schema version', { type: 'T1', schemaVersion: 1 }, { type: 'T', schemaVersion: 11 }],
    [
      'data and metadata',
      { dataJson: '{"a":1} ', metadataJson: '{}' },
      { dataJson: '{"a":1}', metadataJson: ' {}' },
    ],
    ['event id and type', { eventId: 'e', type: 'xT' }, { eventId: 'ex', type: 'T' }],
  ])('does not let one field bleed into the next: %s', (_fields, left, right) => {
    expect(chainHash(GENESIS_HASH, { ...record, ...left })).not.toBe(
      chainHash(GENESIS_HASH, { ...record, ...right }),
    );
  });

  it('refuses a malformed predecessor hash loudly', () => {
    expect(() => chainHash('abc', record)).toThrow(/assertion/);
  });
});
