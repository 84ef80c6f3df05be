import type { ConfigProblem } from '@custody/service-host';
import { ADDRESS_COOLING_OFF_MS_DEFAULT } from '@custody/wallet-domain';
import { ADDRESS_COOLING_OFF_MS_PRODUCTION_MIN, parseAddressAdditionConfig } from './address-addition-config';

const parse = (env: Record<string, string>) => {
  const problems: ConfigProblem[] = [];
  const config = parseAddressAdditionConfig(env, problems);
  return { config, problems: problems.map((problem) => problem.variable) };
};

describe('address additions configuration (HK-11h)', () => {
  it('given nothing, then the exchange\'s subject is `exchange` and a new address cools off 24 h', () => {
    expect(parse({})).toEqual({ config: { exchangeSubjects: ['exchange'], addressCoolingOffMs: ADDRESS_COOLING_OFF_MS_DEFAULT }, problems: [] });
  });

  it('given subjects and a cooling-off (0 for development), then each is taken', () => {
    expect(parse({ WALLET_EXCHANGE_SUBJECTS: 'exchange-a, exchange-b', WALLET_ADDRESS_COOLING_OFF_MS: '0' })).toEqual({ config: { exchangeSubjects: ['exchange-a', 'exchange-b'], addressCoolingOffMs: 0 }, problems: [] });
  });

  it('given a negative, fractional or too long cooling-off, or a malformed subject, then each is refused by name', () => {
    for (const value of ['-1', '1.5', '1e3', String(31 * 24 * 3_600_000)]) expect(parse({ WALLET_ADDRESS_COOLING_OFF_MS: value }).problems).toEqual(['WALLET_ADDRESS_COOLING_OFF_MS']);
    expect(parse({ WALLET_EXCHANGE_SUBJECTS: 'exchange,' }).problems).toEqual(['WALLET_EXCHANGE_SUBJECTS']);
  });

  it('HK-11h given NODE_ENV=production, then a cooling-off under an hour is refused, exactly an hour is taken', () => {
    expect(parse({ NODE_ENV: 'production', WALLET_ADDRESS_COOLING_OFF_MS: '0' }).problems).toEqual(['WALLET_ADDRESS_COOLING_OFF_MS']);
    expect(parse({ NODE_ENV: 'production', WALLET_ADDRESS_COOLING_OFF_MS: String(ADDRESS_COOLING_OFF_MS_PRODUCTION_MIN - 1) }).problems).toEqual(['WALLET_ADDRESS_COOLING_OFF_MS']);
    expect(parse({ NODE_ENV: 'production', WALLET_ADDRESS_COOLING_OFF_MS: String(ADDRESS_COOLING_OFF_MS_PRODUCTION_MIN) }).problems).toEqual([]);
    expect(parse({ NODE_ENV: 'production' }).problems).toEqual([]);
  });
});
