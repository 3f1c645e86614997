import { Injectable } from '@nestjs/common';
import { Database } from '@app/shared';

export type InstanceSecretName = 'email_confirmation' | 'otp_encryption';

/** The keys a migration made once for this instance (`credentials.instance_secrets`), read once per process. */
@Injectable()
export class InstanceSecrets {
  private readonly loaded = new Map<InstanceSecretName, Promise<string>>();

  constructor(private readonly db: Database) {}

  get(name: InstanceSecretName): Promise<string> {
    let secret = this.loaded.get(name);
    if (!secret) {
      secret = this.db.query<{ value: string }>('SELECT value FROM credentials.instance_secrets WHERE name = $1', [name]).then((rows) => {
        if (!rows[0]) throw new Error(`credentials.instance_secrets has no "${name}": run the migrations`);
        return rows[0].value;
      });
      // A failed read (the database away) is tried again next time.
      secret.catch(() => this.loaded.delete(name));
      this.loaded.set(name, secret);
    }
    return secret;
  }
}
