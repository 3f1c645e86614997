import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';

/** Argon2id hashes; the hash lives in `user_password_hashes`, never in an event. */
@Injectable()
export class PasswordHasher {
  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  verify(hash: string, password: string): Promise<boolean> {
    return argon2.verify(hash, password);
  }

  /** For `reset_password` / `force_random_password`: nobody ever learns it. */
  randomPassword(): string {
    return randomBytes(32).toString('base64url');
  }
}
