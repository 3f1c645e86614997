import { Injectable } from '@nestjs/common';
import { TokenLookup } from '@app/credentials';
import { UserLookup } from '@app/identity';
import { CallerDirectory, type CallerUser, type TokenRecord } from '@app/shared';

/** Authentication asks two contexts: credentials for the token, identity for its user. */
@Injectable()
export class CallerDirectoryAdapter extends CallerDirectory {
  constructor(
    private readonly tokens: TokenLookup,
    private readonly users: UserLookup,
  ) {
    super();
  }

  findTokenByDigest(digest: string): Promise<{ token: TokenRecord; user: CallerUser } | null> {
    return this.tokens.byDigest(digest);
  }

  findUserById(id: number): Promise<CallerUser | null> {
    return this.users.byId(id);
  }

  findUserByUsername(username: string): Promise<CallerUser | null> {
    return this.users.byUsername(username);
  }
}
