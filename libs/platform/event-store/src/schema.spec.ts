import { assertSchemaName } from './schema';

describe('event store schema names', () => {
  it('accepts plain identifiers up to 56 characters', () => {
    expect(assertSchemaName('ledger')).toBe('ledger');
    expect(assertSchemaName('a'.repeat(56))).toHaveLength(56);
  });

  it.each(['Ledger', '1ledger', 'led-ger', 'ledger; drop table x', '', 'a'.repeat(57)])(
    'refuses %j',
    (name) => {
      // 57 characters would make the NOTIFY channel `<schema>_events` longer than PostgreSQL's 63 bytes
      expect(() => assertSchemaName(name)).toThrow(/assertion/);
    },
  );
});
