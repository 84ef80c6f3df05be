export * from './key-vault';
export { KEY_ID_LENGTH_MAX, Pkcs11KeyVault, type Pkcs11KeyVaultOptions } from './pkcs11-key-vault';
