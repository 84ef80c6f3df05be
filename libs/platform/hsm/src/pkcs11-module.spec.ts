/**
 * pkcs11js is an optional dependency (its addon needs a C++ toolchain at npm ci): without it,
 * loading the HSM library still works, and asking for an HSM fails with a stable code and the
 * reason, not a crash at start-up.
 */
describe('the PKCS#11 binding, loaded on first use', () => {
  afterEach(() => {
    jest.dontMock('pkcs11js');
    jest.resetModules();
  });

  it('given pkcs11js not installed, when the module is loaded, then nothing fails; when an HSM is asked for, then HSM_OPERATION_FAILED names the package and what to install', () => {
    jest.resetModules();
    jest.doMock('pkcs11js', () => {
      throw new Error("Cannot find module 'pkcs11js'");
    });
    let failure: unknown;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the mock, in isolation
      const hsm = require('./pkcs11-module') as typeof import('./pkcs11-module');
      try {
        hsm.acquireModule('/usr/lib/softhsm/libsofthsm2.so');
      } catch (error) {
        failure = error;
      }
      expect(failure).toBeInstanceOf(hsm.Pkcs11Failure);
      expect(hsm.pkcs11Code(new Error('x'))).toBe('not a PKCS#11 error');
    });
    expect(failure).toMatchObject({
      code: 'HSM_OPERATION_FAILED',
      message: expect.stringMatching(
        /npm package pkcs11js, an optional dependency.*Cannot find module 'pkcs11js'.*python3, make and g\+\+/,
      ),
    });
  });

  it('given pkcs11js installed, when first used, then the real binding answers', () => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded in isolation
      const hsm = require('./pkcs11-module') as typeof import('./pkcs11-module');
      expect(typeof hsm.pkcs11js.PKCS11).toBe('function');
      expect(hsm.pkcs11js.CKO_PRIVATE_KEY).toBe(3);
    });
  });
});
