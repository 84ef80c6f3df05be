import type { ConfigProblem } from '@custody/service-host';
import { ADDRESS_COOLING_OFF_MS_DEFAULT } from '@custody/wallet-domain';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ADDRESS_COOLING_OFF_MS_PRODUCTION_MIN,
  parseAddressAdditionConfig,
} from './address-addition-config';

const parse = (env: Record<string, string>) => {
  const problems: ConfigProblem[] = [];
  const config = parseAddressAdditionConfig(env, problems);
  return { config, problems: problems.map((problem) => problem.variable) };
};

describe('address additions configuration (HK-11h)', () => {
  it("given nothing, then the exchange's subject is `exchange` and a new address cools off 24 h", () => {
    expect(parse({})).toEqual({
      config: {
        exchangeSubjects: ['exchange'],
        addressCoolingOffMs: ADDRESS_COOLING_OFF_MS_DEFAULT,
        staffAddresses: [],
      },
      problems: [],
    });
  });

  it('given subjects and a cooling-off (0 for development), then each is taken', () => {
    expect(
      parse({
        WALLET_EXCHANGE_SUBJECTS: 'exchange-a, exchange-b',
        WALLET_ADDRESS_COOLING_OFF_MS: '0',
      }),
    ).toEqual({
      config: {
        exchangeSubjects: ['exchange-a', 'exchange-b'],
        addressCoolingOffMs: 0,
        staffAddresses: [],
      },
      problems: [],
    });
  });

  it('given a negative, fractional or too long cooling-off, or a malformed subject, then each is refused by name', () => {
    for (const value of ['-1', '1.5', '1e3', String(31 * 24 * 3_600_000)])
      expect(parse({ WALLET_ADDRESS_COOLING_OFF_MS: value }).problems).toEqual([
        'WALLET_ADDRESS_COOLING_OFF_MS',
      ]);
    expect(parse({ WALLET_EXCHANGE_SUBJECTS: 'exchange,' }).problems).toEqual([
      'WALLET_EXCHANGE_SUBJECTS',
    ]);
  });

  it('HK-11h given NODE_ENV=production, then a cooling-off under an hour is refused, exactly an hour is taken', () => {
    expect(parse({ NODE_ENV: 'production', WALLET_ADDRESS_COOLING_OFF_MS: '0' }).problems).toEqual([
      'WALLET_ADDRESS_COOLING_OFF_MS',
    ]);
    expect(
      parse({
        NODE_ENV: 'production',
        WALLET_ADDRESS_COOLING_OFF_MS: String(ADDRESS_COOLING_OFF_MS_PRODUCTION_MIN - 1),
      }).problems,
    ).toEqual(['WALLET_ADDRESS_COOLING_OFF_MS']);
    expect(
      parse({
        NODE_ENV: 'production',
        WALLET_ADDRESS_COOLING_OFF_MS: String(ADDRESS_COOLING_OFF_MS_PRODUCTION_MIN),
      }).problems,
    ).toEqual([]);
    expect(parse({ NODE_ENV: 'production' }).problems).toEqual([]);
  });

  it('HK-11h given a staff-address register, then its addresses are read (lower-cased); a bad one is refused by name without quoting the file', () => {
    const directory = mkdtempSync(join(tmpdir(), 'staff-addresses-'));
    const file = (name: string, content: string) => {
      writeFileSync(join(directory, name), content);
      return join(directory, name);
    };
    const good = file(
      'good.json',
      JSON.stringify({
        addresses: [
          {
            staffId: 'ops-2',
            chain: 'ethereum',
            address: '0x52908400098527886E0F7030069857D2E4169EE7',
          },
        ],
      }),
    );
    expect(parse({ WALLET_STAFF_ADDRESSES_FILE: good }).config.staffAddresses).toEqual([
      {
        staffId: 'ops-2',
        chain: 'ethereum',
        address: '0x52908400098527886e0f7030069857d2e4169ee7',
      },
    ]);
    for (const content of [
      'secret text',
      '{"addresses": {}}',
      JSON.stringify({
        addresses: [{ staffId: 'ops-2', chain: 'ethereum', address: 'not-an-address' }],
      }),
    ]) {
      const problems: ConfigProblem[] = [];
      parseAddressAdditionConfig(
        { WALLET_STAFF_ADDRESSES_FILE: file('bad.json', content) },
        problems,
      );
      expect(problems.map((problem) => problem.variable)).toEqual(['WALLET_STAFF_ADDRESSES_FILE']);
      expect(JSON.stringify(problems)).not.toContain('secret text');
    }
    expect(parse({ WALLET_STAFF_ADDRESSES_FILE: join(directory, 'absent.json') }).problems).toEqual(
      ['WALLET_STAFF_ADDRESSES_FILE'],
    );
  });
});
