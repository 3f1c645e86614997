import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import * as OTPAuth from 'otpauth';
import { APP_CONFIG, tokenDigest, type AppConfig, type Queryable } from '@app/shared';
import { RECOVERY_CODE_COUNT } from '../../domain/two-factor/two-factor.decider.js';
import { InstanceSecrets } from '../instance-secrets.js';

/**
 * TOTP secrets (RFC 6238 through `otpauth`): made at enrolment, kept encrypted (AES-256-GCM with
 * the instance's key) beside the log, checked with one step of clock drift either way; and the
 * recovery codes, of which only digests are kept.
 */
@Injectable()
export class Totp {
  private readonly issuer: string;

  constructor(
    private readonly secrets: InstanceSecrets,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.issuer = new URL(config.externalUrl).host;
  }

  /** A new base32 secret and the `otpauth://` URI an authenticator app scans. */
  newSecret(username: string): { secret: string; uri: string } {
    const secret = new OTPAuth.Secret({ size: 20 });
    const uri = new OTPAuth.TOTP({ issuer: this.issuer, label: username, secret }).toString();
    return { secret: secret.base32, uri };
  }

  async store(tx: Queryable, userId: number, secret: string): Promise<void> {
    await tx.query(
      `INSERT INTO credentials.user_totp_secrets (user_id, encrypted_secret, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (user_id) DO UPDATE SET encrypted_secret = EXCLUDED.encrypted_secret, updated_at = now()`,
      [userId, await this.encrypt(secret)],
    );
  }

  /** Whether `code` is the user's current code (or the one just before or after). */
  async verify(db: Queryable, userId: number, code: string): Promise<boolean> {
    const rows = await db.query<{ encrypted_secret: string }>('SELECT encrypted_secret FROM credentials.user_totp_secrets WHERE user_id = $1', [userId]);
    if (!rows[0] || !/^\d{6}$/.test(code)) return false;
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(await this.decrypt(rows[0].encrypted_secret)) });
    return totp.validate({ token: code, window: 1 }) !== null;
  }

  /** Ten new recovery codes: the plain ones for the user (once), their digests for the table. */
  newRecoveryCodes(): { codes: string[]; digests: string[] } {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => randomBytes(8).toString('hex'));
    return { codes, digests: codes.map((code) => tokenDigest(code)) };
  }

  async storeRecoveryCodes(tx: Queryable, userId: number, digests: string[]): Promise<void> {
    await tx.query('DELETE FROM credentials.user_recovery_codes WHERE user_id = $1', [userId]);
    await tx.query('INSERT INTO credentials.user_recovery_codes (user_id, code_digest) SELECT $1, unnest($2::text[])', [userId, digests]);
  }

  async forget(tx: Queryable, userId: number): Promise<void> {
    await tx.query('DELETE FROM credentials.user_totp_secrets WHERE user_id = $1', [userId]);
    await tx.query('DELETE FROM credentials.user_recovery_codes WHERE user_id = $1', [userId]);
  }

  private async key(): Promise<Buffer> {
    return createHash('sha256').update(await this.secrets.get('otp_encryption')).digest();
  }

  private async encrypt(secret: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', await this.key(), iv);
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), sealed].map((part) => part.toString('base64')).join('.');
  }

  private async decrypt(stored: string): Promise<string> {
    const [iv, tag, sealed] = stored.split('.').map((part) => Buffer.from(part, 'base64'));
    const decipher = createDecipheriv('aes-256-gcm', await this.key(), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8');
  }
}
