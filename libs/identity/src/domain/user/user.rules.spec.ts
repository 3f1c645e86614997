import { describe, it, expect } from '@jest/globals';
import { USER_DEFAULTS } from './user.decider.js';
import type { UserProfile } from './user.events.js';
import {
  avatarContentType,
  avatarPath,
  identityErrors,
  MAX_EXTERN_UID_LENGTH,
  MAX_PROVIDER_LENGTH,
  sanitizeAvatarFilename,
  verifiedEmails,
  isWeakPassword,
  passwordErrors,
  profileErrors,
  sanitizeName,
  usernameErrors,
  USERNAME_OCI_MESSAGE,
  USERNAME_PATH_MESSAGE,
  WEAK_PASSWORD_MESSAGE,
} from './user.rules.js';

const person = { username: 'jdoe', name: 'John Doe', email: 'john.d@example.com' };

function profile(overrides: Partial<UserProfile> = {}): UserProfile {
  return { ...USER_DEFAULTS, ...person, ...overrides };
}

describe('usernameErrors', () => {
  it.each([
    ['test!', [USERNAME_PATH_MESSAGE, USERNAME_OCI_MESSAGE]],
    ['-jdoe', [USERNAME_PATH_MESSAGE, USERNAME_OCI_MESSAGE]],
    ['jdoe.', [USERNAME_PATH_MESSAGE, USERNAME_OCI_MESSAGE]],
    ['jdoe-', [USERNAME_OCI_MESSAGE]],
    ['j..doe', [USERNAME_OCI_MESSAGE]],
    ['.jdoe', [USERNAME_OCI_MESSAGE]],
    ['jo\u00e9', [USERNAME_PATH_MESSAGE, USERNAME_OCI_MESSAGE]],
    ['repo.GIT', [USERNAME_PATH_MESSAGE, USERNAME_OCI_MESSAGE]],
    ['users', ['users is a reserved name']],
    ['API', ['API is a reserved name']],
    ['report.csv', ['ending with a reserved file extension is not allowed.']],
    ['report.JSON', ['ending with a reserved file extension is not allowed.']],
    ['x', ['is too short (minimum is 2 characters)']],
    ['', ["can't be blank"]],
    ['j_doe', []],
    ['j', ['is too short (minimum is 2 characters)']],
    ['j1', []],
  ])('given the username %j, then %j', (username, messages) => {
    expect(usernameErrors(username)).toEqual(messages);
  });

  it('given a 256-character username, then only the length message', () => {
    expect(usernameErrors('a'.repeat(256))).toEqual(['is too long (maximum is 255 characters)']);
  });

  it('given a reserved name that also ends in an extension, then only the reserved-name message', () => {
    expect(usernameErrors('robots.txt')).toEqual(['robots.txt is a reserved name']);
  });
});

describe('passwordErrors', () => {
  it.each([
    ['Abcdef1', ['is too short (minimum is 8 characters)']],
    ['Xy7#'.repeat(32) + 'Q', ['is too long (maximum is 128 characters)']],
    ['password123', [WEAK_PASSWORD_MESSAGE]],
    ['Xy7#Wq9$Lp', []],
  ])('given the password %j, then %j', (password, messages) => {
    expect(passwordErrors(password, person)).toEqual(messages);
  });

  it.each(['', '        '])('given the blank password %j, then only "can\'t be blank" (Devise skips the length rule for blanks)', (password) => {
    expect(passwordErrors(password, person)).toEqual(["can't be blank"]);
  });

  it('given a short common password, then only the length message', () => {
    expect(passwordErrors('qwerty', person)).toEqual(['is too short (minimum is 8 characters)']);
  });
});

describe('isWeakPassword', () => {
  it('given a common password in any case, then it is weak', () => {
    expect(isWeakPassword('PaSsWoRd1', person)).toBe(true);
  });

  it('given a password containing "gitlab", then it is weak', () => {
    expect(isWeakPassword('myGITLABsecret', person)).toBe(true);
  });

  it('given a password containing the username, a name part or the email local part, then it is weak', () => {
    expect(isWeakPassword('123jdoe456', person)).toBe(true);
    expect(isWeakPassword('zz-john-zz', person)).toBe(true);
    expect(isWeakPassword('JOHN.D-rocks', person)).toBe(true);
  });

  it('given personal words shorter than 4 characters, then they do not make the password weak', () => {
    expect(isWeakPassword('Al-Bo-secret-77', { username: 'al', name: 'Al Bo', email: 'al@example.com' })).toBe(false);
  });

  it('given an unrelated strong password, then it is not weak', () => {
    expect(isWeakPassword('Xy7#Wq9$Lp', person)).toBe(false);
  });
});

describe('sanitizeName', () => {
  it.each([
    ['Plain Name', 'Plain Name'],
    ['<b>Bold</b>', '-Bold-'],
    ['a <img src=x onerror=alert(1)> b', 'a - b'],
    ['1 < 2 and 3 > 2', '1 - 2'],
  ])('given %j, then %j', (name, sanitized) => {
    expect(sanitizeName(name)).toBe(sanitized);
  });
});

describe('profileErrors', () => {
  it('given the defaults with valid required attributes, then no errors', () => {
    expect(profileErrors(profile())).toEqual({});
  });

  it('given an email longer than 255 characters, then it is invalid', () => {
    expect(profileErrors(profile({ email: `${'a'.repeat(250)}@example.com` }))).toEqual({ email: ['is invalid'] });
  });

  it('given null pronouns and note, then they are accepted', () => {
    expect(profileErrors(profile({ pronouns: null, note: null }))).toEqual({});
  });

  it('then the attributes appear in a stable order: name, username, email, …, theme, color scheme', () => {
    const errors = profileErrors(profile({ name: '', username: 'x', email: '', theme_id: 0, color_scheme_id: 0, bio: 'b'.repeat(300) }));

    expect(Object.keys(errors)).toEqual(['name', 'username', 'email', 'bio', 'theme_id', 'color_scheme_id']);
  });
});

describe('avatar rules', () => {
  it('content types come from the extension, whatever the case', () => {
    expect(avatarContentType('a.PNG')).toBe('image/png');
    expect(avatarContentType('a.jpg')).toBe('image/jpeg');
    expect(avatarContentType('a.jpeg')).toBe('image/jpeg');
    expect(avatarContentType('a.ico')).toBe('image/vnd.microsoft.icon');
    expect(avatarContentType('a.webp')).toBe('image/webp');
    expect(avatarContentType('a.svg')).toBe('application/octet-stream');
  });

  it('file names lose their directories and unsafe characters', () => {
    expect(sanitizeAvatarFilename('C:\\\\Users\\\\me\\\\pic.png')).toBe('pic.png');
    expect(sanitizeAvatarFilename('../../etc/x y"z.png')).toBe('x_y_z.png');
    expect(sanitizeAvatarFilename('.hidden.png')).toBe('_hidden.png');
    expect(sanitizeAvatarFilename('')).toBe('avatar');
  });

  it('the served path is under /uploads/-/system/user/avatar/<id>/', () => {
    expect(avatarPath(7, 'a.png')).toBe('/uploads/-/system/user/avatar/7/a.png');
  });

  it('verified emails are the primary email once confirmed', () => {
    expect(verifiedEmails({ email: 'A@B.org', confirmed_at: '2026-01-01T00:00:00.000Z' })).toEqual(['a@b.org']);
    expect(verifiedEmails({ email: 'A@B.org', confirmed_at: null })).toEqual([]);
  });
});

describe('identityErrors', () => {
  it('given no identity, or one within the limits, then no errors', () => {
    expect(identityErrors(null)).toEqual({});
    expect(identityErrors({ provider: 'p'.repeat(MAX_PROVIDER_LENGTH), extern_uid: 'é'.repeat(MAX_EXTERN_UID_LENGTH) })).toEqual({});
  });

  it('given a provider or extern_uid longer than PostgreSQL can index, then "is too long" for each', () => {
    expect(identityErrors({ provider: 'p'.repeat(MAX_PROVIDER_LENGTH + 1), extern_uid: 'u'.repeat(MAX_EXTERN_UID_LENGTH + 1) })).toEqual({
      provider: ['is too long (maximum is 255 characters)'],
      extern_uid: ['is too long (maximum is 500 characters)'],
    });
  });

  it('then the longest identity, in the widest UTF-8, fits a btree index entry (2704 bytes)', () => {
    const widest = (units: number) => Buffer.byteLength('\uffff'.repeat(units));
    expect(widest(MAX_PROVIDER_LENGTH) + widest(MAX_EXTERN_UID_LENGTH)).toBeLessThan(2704 - 64);
  });
});
