import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { tokenDigest } from '@app/shared';
import { InstanceSecrets } from '../instance-secrets.js';

/**
 * E-mail confirmation tokens, derived (HMAC-SHA256) from the instance's secret and the address's
 * id (ids are never reused): the API stores only the digest, and the worker that mails the token
 * derives it again from the event, so the token itself is never written anywhere but the mail.
 */
@Injectable()
export class ConfirmationTokens {
  constructor(private readonly secrets: InstanceSecrets) {}

  async tokenFor(emailId: number): Promise<string> {
    return createHmac('sha256', await this.secrets.get('email_confirmation')).update(`email-confirmation:${emailId}`).digest('base64url');
  }

  /** What is stored and looked up: the token's SHA-256, as for access tokens. */
  digest(token: string): string {
    return tokenDigest(token);
  }
}
