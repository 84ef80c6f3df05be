import { parseLedgerRoles } from './ledger-roles';

describe('LEDGER_ROLES', () => {
  it('given nothing, then the process runs every role', () => {
    expect(parseLedgerRoles(undefined)).toEqual({ ingest: true, readModels: true });
    expect(parseLedgerRoles(' ')).toEqual({ ingest: true, readModels: true });
  });

  it('given a list, then only those roles run', () => {
    expect(parseLedgerRoles('ingest')).toEqual({ ingest: true, readModels: false });
    expect(parseLedgerRoles('read-models')).toEqual({ ingest: false, readModels: true });
    expect(parseLedgerRoles('read-models, ingest')).toEqual({ ingest: true, readModels: true });
  });

  it('given an unknown role, then start-up fails and names it', () => {
    expect(() => parseLedgerRoles('ingest,projector')).toThrow(/not a role: 'projector'/);
    expect(() => parseLedgerRoles('ingest,')).toThrow(/not a role: ''/);
  });
});
