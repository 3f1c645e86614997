import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './app-config.js';

describe('moderation and sign-up settings', () => {
  it('default to GitLab\'s: a 90-day dormancy period, sign-up closed, no approval', () => {
    expect(loadConfig({})).toMatchObject({ deactivateDormantUsersPeriodDays: 90, signupEnabled: false, requireAdminApprovalAfterUserSignup: false });
  });

  it('read SIGNUP_ENABLED and REQUIRE_ADMIN_APPROVAL_AFTER_USER_SIGNUP as booleans, refusing anything else', () => {
    expect(loadConfig({ SIGNUP_ENABLED: 'true', REQUIRE_ADMIN_APPROVAL_AFTER_USER_SIGNUP: '1' })).toMatchObject({ signupEnabled: true, requireAdminApprovalAfterUserSignup: true });
    expect(loadConfig({ SIGNUP_ENABLED: 'False' }).signupEnabled).toBe(false);
    expect(() => loadConfig({ SIGNUP_ENABLED: 'maybe' })).toThrow('SIGNUP_ENABLED must be true or false, got "maybe"');
  });

  it('refuse a dormancy period under GitLab\'s minimum of 90 days', () => {
    expect(loadConfig({ DEACTIVATE_DORMANT_USERS_PERIOD_DAYS: '180' }).deactivateDormantUsersPeriodDays).toBe(180);
    expect(() => loadConfig({ DEACTIVATE_DORMANT_USERS_PERIOD_DAYS: '30' })).toThrow('must be at least 90');
  });

  it('read SSH_KEY_RESTRICTIONS over the defaults (DSA forbidden, RSA from 1024 bits), refusing unknown types and sizes', () => {
    expect(loadConfig({}).sshKeyRestrictions).toEqual({ rsa: 1024, dsa: -1, ecdsa: 0, ed25519: 0, ecdsa_sk: 0, ed25519_sk: 0 });
    expect(loadConfig({ SSH_KEY_RESTRICTIONS: 'rsa=3072, ecdsa=-1' }).sshKeyRestrictions).toMatchObject({ rsa: 3072, ecdsa: -1, dsa: -1 });
    expect(() => loadConfig({ SSH_KEY_RESTRICTIONS: 'rsa2=1' })).toThrow('SSH_KEY_RESTRICTIONS: "rsa2=1" is not <type>=<bits>');
    expect(() => loadConfig({ SSH_KEY_RESTRICTIONS: 'rsa=-2' })).toThrow('SSH_KEY_RESTRICTIONS');
  });
});

describe('TRUSTED_PROXIES', () => {
  it('is empty by default: no X-Forwarded-For is believed', () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
  });

  it('reads addresses, CIDR ranges (IPv4 and IPv6) and the named groups, trimmed', () => {
    expect(loadConfig({ TRUSTED_PROXIES: ' loopback, 10.0.0.0/8 ,192.168.1.20, fd00::/8, ::1,uniquelocal' }).trustedProxies).toEqual([
      'loopback',
      '10.0.0.0/8',
      '192.168.1.20',
      'fd00::/8',
      '::1',
      'uniquelocal',
    ]);
  });

  it('refuses at start what is not an address, a range or a group, naming every wrong entry', () => {
    expect(() => loadConfig({ TRUSTED_PROXIES: 'loopback, proxy.example.org, 10.0.0.0/33' })).toThrow(
      'Environment variable TRUSTED_PROXIES: "proxy.example.org", "10.0.0.0/33" is not an IP address, a CIDR range (e.g. 10.0.0.0/8) or one of loopback, linklocal, uniquelocal',
    );
    for (const wrong of ['true', '*', '10.0.0.0/8/1', '10.0.0.0/', 'fd00::/129', '256.0.0.1']) expect(() => loadConfig({ TRUSTED_PROXIES: wrong })).toThrow('TRUSTED_PROXIES');
  });
});

describe('EXTERNAL_URL', () => {
  it('is read without its trailing slashes, and names the mail sender by default', () => {
    expect(loadConfig({ EXTERNAL_URL: 'https://gitlab.example.org/users//' })).toMatchObject({ externalUrl: 'https://gitlab.example.org/users', mailFrom: 'GitLab <gitlab@gitlab.example.org>' });
    expect(loadConfig({ PORT: '8080' }).externalUrl).toBe('http://localhost:8080');
  });

  it('refuses at start what is not an absolute http(s) URL, naming the variable and its value', () => {
    for (const wrong of ['gitlab.example.org', '/users', 'ftp://gitlab.example.org']) {
      expect(() => loadConfig({ EXTERNAL_URL: wrong })).toThrow(`Environment variable EXTERNAL_URL must be an absolute http:// or https:// URL, got "${wrong}"`);
    }
  });
});
