export type TokenScope = 'api' | 'read_api' | 'read_user' | 'sudo' | 'admin_mode' | (string & {});

export interface CallerUser {
  id: number;
  username: string;
  /** Display name, as audit rows show the author. */
  name: string;
  isAdmin: boolean;
  state: string;
  userType: string;
}

export interface AuthenticatedToken {
  id: number;
  userId: number;
  scopes: TokenScope[];
  /** `impersonation` tokens act as their user but record who is behind them. */
  kind: 'personal_access_token' | 'impersonation_token';
  /** The admin who made an impersonation token: every event its requests cause records them. */
  impersonatorId: number | null;
}

/** Who is making the request, after token authentication and sudo. */
export interface Caller {
  user: CallerUser;
  token: AuthenticatedToken;
  /** The admin behind a sudo request, when there is one. */
  sudoer: CallerUser | null;
}
