/**
 * A user's secondary e-mail addresses, as identity needs them: `public_email` and `commit_email`
 * may be any confirmed address of the user, and a new primary address must be no one else's.
 * Credentials implements it (it owns the addresses); identity asks through this port because
 * credentials already depends on identity.
 */
export abstract class SecondaryEmails {
  /** The user's confirmed secondary addresses, lower-cased. */
  abstract confirmed(userId: number): Promise<string[]>;
  /** Whether a user other than `userId` has this address, primary or secondary. */
  abstract heldByAnotherUser(email: string, userId: number | null): Promise<boolean>;
}
