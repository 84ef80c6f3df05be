import fc from 'fast-check';
import { decodeAmounts, decodeAmountsInPlace, encodeAmounts } from './amount-codec';
import type { JsonObject } from './types';
import { copyTextValue, unescapeCopyText } from './copy-text';

const amountMinor = fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n });
const data = fc.record({
  journalId: fc.string(),
  entries: fc.array(
    fc.record({
      account: fc.record({ kind: fc.constantFrom('client', 'house'), clientId: fc.string() }),
      amountMinor,
      side: fc.constantFrom('debit', 'credit'),
    }),
    { maxLength: 6 },
  ),
  feeMinor: amountMinor,
  note: fc.option(fc.string(), { nil: null }),
  count: fc.integer(),
});

describe('amount codec', () => {
  it('given stored data, decoding in place gives what the copying decode gives, and both round-trip the encoding', () => {
    fc.assert(
      fc.property(data, (value) => {
        const stored = JSON.parse(JSON.stringify(encodeAmounts(value))) as JsonObject;
        const copied = decodeAmounts(stored);
        expect(copied).toEqual(value);
        expect(JSON.parse(JSON.stringify(stored))).toEqual(stored); // the copying decode left the stored data as it was
        expect(decodeAmountsInPlace(JSON.parse(JSON.stringify(stored)) as JsonObject)).toEqual(
          value,
        );
      }),
    );
  });

  it('keeps a key named __proto__ as an own property and does not touch the prototype', () => {
    const stored = JSON.parse('{"__proto__":{"polluted":"yes"},"amountMinor":"5"}') as JsonObject;
    const decoded = decodeAmounts(stored) as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(['__proto__', 'amountMinor']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses a stored amount that is not an integer, either way', () => {
    expect(() => decodeAmounts({ amountMinor: '1.5' })).toThrow(/not an integer/);
    expect(() => decodeAmountsInPlace({ nested: [{ amountMinor: '01' }] })).toThrow(
      /not an integer/,
    );
  });
});

describe('COPY text format', () => {
  it('given any string, escaping then unescaping gives it back, and the escaped form holds no raw separator', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const escaped = copyTextValue(value);
        expect(escaped).not.toMatch(/[\t\n\r]/);
        expect(unescapeCopyText(escaped)).toBe(value);
      }),
    );
  });

  it('reads the sequences PostgreSQL writes, and the octal and hex forms', () => {
    expect(unescapeCopyText('a\\tb\\nc\\rd\\\\e\\bf\\fg\\vh')).toBe('a\tb\nc\rd\\e\bf\fg\vh');
    expect(unescapeCopyText('\\101\\x42')).toBe('AB');
  });
});
