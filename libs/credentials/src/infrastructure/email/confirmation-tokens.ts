import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Database, tokenDigest } from '@app/shared';

/**
 * E-mail confirmation tokens, derived (HMAC-SHA256) from the instance's secret and the address's
 * id (ids are never reused): the API stores only the digest, and the worker that mails the token
 * derives it again from the event, so the token itself is never written anywhere but the mail.
 */
@Injectable()
export class ConfirmationTokens {
  private secret: Promise<string> | null = null;

  constructor(private readonly db: Database) {}

  async tokenFor(emailId: number): Promise<string> {
    this.secret ??= this.db
      .query<{ value: string }>("SELECT value FROM credentials.instance_secrets WHERE name = 'email_confirmation'")
      .then((rows) => rows[0].value)
      .catch((error: unknown) => {
        this.secret = null;
        throw error;
      });
    return createHmac('sha256', await this.secret).update(`email-confirmation:${emailId}`).digest('base64url');
  }

  /** What is stored and looked up: the token's SHA-256, as for access tokens. */
  digest(token: string): string {
    return tokenDigest(token);
  }
}
