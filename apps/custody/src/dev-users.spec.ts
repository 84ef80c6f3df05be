import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authenticate, DEV_USERS, devUsers, LOGIN_FIELD_LENGTH_MAX } from './dev-users';

describe("the runner's development logins (issue 9)", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'dev-users-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('given no file, when read, then one random password per user is made, kept 0600 and the same on the next read', () => {
    const file = join(dir, 'dev-users.json');
    const first = devUsers(file);
    expect(first.map((user) => user.username)).toEqual(DEV_USERS.map((user) => user.username));
    expect(new Set(first.map((user) => user.password)).size).toBe(first.length);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(devUsers(file)).toEqual(first);
    expect(readFileSync(file, 'utf8')).toContain(first[0]?.password);
  });

  it('given a file from an older runner without a user, when read, then the kept passwords stay and the new user gets one', () => {
    const file = join(dir, 'dev-users.json');
    const first = devUsers(file);
    writeFileSync(file, JSON.stringify(first.filter((user) => user.username !== 'admin')), {
      mode: 0o600,
    });
    const second = devUsers(file);
    expect(second.filter((user) => user.username !== 'admin')).toEqual(
      first.filter((user) => user.username !== 'admin'),
    );
    const admin = second.find((user) => user.username === 'admin');
    expect(admin?.password).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(devUsers(file)).toEqual(second);
  });

  it('given two approvers and two key custodians, then maker-checker has two different people for each', () => {
    for (const role of ['approver', 'key-custodian'])
      expect(DEV_USERS.filter((user) => user.roles.includes(role)).length).toBeGreaterThanOrEqual(
        2,
      );
  });

  it('given a login, then only the right name with its own password passes', () => {
    const users = devUsers(join(dir, 'dev-users.json'));
    const [operator, approver] = users;
    expect(authenticate(users, operator?.username, operator?.password)).toEqual(operator);
    expect(authenticate(users, operator?.username, approver?.password)).toBeUndefined();
    expect(authenticate(users, 'nobody', operator?.password)).toBeUndefined();
    expect(authenticate(users, operator?.username, '')).toBeUndefined();
    expect(authenticate(users, operator?.username, 42)).toBeUndefined();
    expect(
      authenticate(users, operator?.username, 'x'.repeat(LOGIN_FIELD_LENGTH_MAX + 1)),
    ).toBeUndefined();
  });
});
