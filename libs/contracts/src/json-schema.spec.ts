import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTRACTS_OUTPUT_DIRECTORY, generateJsonSchemaFiles } from './json-schema';

const directory = join(__dirname, '..', '..', '..', CONTRACTS_OUTPUT_DIRECTORY);
const STALE = 'docs/contracts is stale: run `npm run contracts:generate` and commit the result';

describe('JSON Schema files for the exchange team and the producing services', () => {
  const generated = generateJsonSchemaFiles();

  describe('given the zod schemas of this commit', () => {
    it('when regenerated in memory, then docs/contracts holds exactly the same files', () => {
      const onDisk = readdirSync(directory)
        .filter((name) => name.endsWith('.schema.json'))
        .sort();
      if (JSON.stringify(onDisk) !== JSON.stringify(Object.keys(generated).sort()))
        throw new Error(STALE);
    });

    it.each(Object.keys(generated))(
      'when %s is regenerated in memory, then the file on disk is identical',
      (name) => {
        const onDisk = readFileSync(join(directory, name), 'utf8');
        if (onDisk !== generated[name]) throw new Error(`${name}: ${STALE}`);
      },
    );

    it('when generated twice, then the output is identical (stable key order, trailing newline)', () => {
      expect(generateJsonSchemaFiles()).toEqual(generated);
      for (const content of Object.values(generated)) expect(content.endsWith('}\n')).toBe(true);
    });

    it('HK-8 when the trade schema is read, then amounts are strings with the integer pattern, never numbers', () => {
      const trade = JSON.parse(generated['exchange.trades.v1.schema.json'] ?? '{}');
      const quantity = trade.properties.data.properties.quantityMinor;
      expect(quantity).toMatchObject({ type: 'string', pattern: '^(0|[1-9][0-9]*)$' });
      expect(trade.properties.data.required).toEqual(
        expect.arrayContaining(['buyerFee', 'sellerFee']),
      );
    });

    it('HK-8 when the wallet topic schema is read, then its typed events are strict and any other type is envelope only', () => {
      const wallet = JSON.parse(generated['custody.wallet.events.v1.schema.json'] ?? '{}');
      const options: {
        properties: {
          type: Record<string, unknown>;
          data: { properties?: Record<string, unknown> };
        };
      }[] = wallet.anyOf;
      const typed = [
        'DepositConfirmed',
        'WithdrawalApproved',
        'WithdrawalConfirmed',
        'WithdrawalFailed',
        'WalletRegistered',
        'InternalTransferConfirmed',
        'NetworkFeePaid',
        'HouseDepositConfirmed',
      ];
      expect(options.map((option) => option.properties.type['const'])).toEqual([
        ...typed,
        undefined,
      ]);
      expect(options[typed.length]?.properties.type).toMatchObject({ not: { enum: typed } });
      const confirmed = options[2]?.properties.data.properties ?? {};
      for (const amount of ['amountMinor', 'networkFeeMinor']) {
        expect(confirmed[amount]).toMatchObject({ type: 'string', pattern: '^(0|[1-9][0-9]*)$' });
      }
      expect(options[0]?.properties.data.properties?.['confirmations']).toMatchObject({
        type: 'integer',
        minimum: 0,
      });
    });
  });
});
