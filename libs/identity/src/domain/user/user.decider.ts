import { ConflictError } from '@app/kernel';
import type { CreateUserCommand, DeleteUserCommand, UpdateUserCommand, UserCommand } from './user.commands.js';
import { UserInvalidError, UserNotFoundError } from './user.errors.js';
import { userChangeEvents, type AttributeChanges } from './user-change-events.js';
import {
  PROFILE_SETTING_KEYS,
  USER_ADMIN_CHANGED,
  USER_AVATAR_CHANGED,
  USER_CREATED,
  USER_DELETED,
  USER_EMAIL_CHANGED,
  USER_NAME_CHANGED,
  USER_PASSWORD_CHANGED,
  USER_PROFILE_UPDATED,
  USER_USERNAME_CHANGED,
  type Identity,
  type UserEvent,
  type UserPreferenceFlags,
  type UserProfile,
  type UserType,
} from './user.events.js';
import {
  avatarErrors,
  avatarPath,
  identityErrors,
  ownedEmailErrors,
  passwordErrors,
  profileErrors,
  sanitizeAvatarFilename,
  sanitizeName,
  type Errors,
} from './user.rules.js';
import type { AvatarUpload } from './user.commands.js';
import type { AvatarRef } from './user.events.js';
import type { RemoveIdentityCommand } from './user.commands.js';
import { IdentityNotFoundError } from './user.errors.js';
import { USER_IDENTITY_REMOVED } from './user.events.js';

/** The profile as the stream holds it, with the preference-only flags once one was set. */
export type ProfileState = UserProfile & Partial<UserPreferenceFlags>;

export interface UserState {
  status: 'absent' | 'present' | 'deleted';
  id: number;
  userType: UserType;
  profile: ProfileState | null;
  identities: Identity[];
}

export const initialUserState: UserState = { status: 'absent', id: 0, userType: 'human', profile: null, identities: [] };

/** Instance defaults for new users (GitLab application settings). */
export const USER_DEFAULTS: Omit<UserProfile, 'username' | 'email' | 'name'> = {
  admin: false,
  external: false,
  bio: '',
  location: '',
  public_email: null,
  skype: '',
  linkedin: '',
  twitter: '',
  discord: '',
  website_url: '',
  organization: '',
  job_title: '',
  pronouns: null,
  private_profile: false,
  theme_id: 3,
  color_scheme_id: 1,
  projects_limit: 100_000,
  can_create_group: true,
  note: null,
  commit_email: null,
  view_diffs_file_by_file: false,
  unconfirmed_email: null,
  confirmed_at: null,
};

export function evolve(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case USER_CREATED: {
      const { id, user_type, identities, namespace_id, created_by_id, created_at, password_reset_requested, avatar, ...profile } = event.data;
      return { status: 'present', id, userType: user_type, profile, identities };
    }
    case USER_NAME_CHANGED:
      return withProfile(state, { name: event.data.to });
    case USER_ADMIN_CHANGED:
      return withProfile(state, { admin: event.data.to });
    case USER_EMAIL_CHANGED: {
      const { email, unconfirmed_email } = event.data;
      return withProfile(state, { ...(email ? { email: email.to } : {}), ...(unconfirmed_email ? { unconfirmed_email: unconfirmed_email.to } : {}) });
    }
    case USER_USERNAME_CHANGED:
      return withProfile(state, { username: event.data.to });
    case USER_PASSWORD_CHANGED:
    case USER_AVATAR_CHANGED:
      // Neither the password nor the avatar is part of what the decider decides on.
      return state;
    case USER_PROFILE_UPDATED: {
      const values = Object.fromEntries(Object.entries(event.data.changes).map(([key, change]) => [key, change.to]));
      return { ...withProfile(state, values), identities: event.data.identities ?? state.identities };
    }
    case USER_DELETED:
      return { ...state, status: 'deleted' };
    case USER_IDENTITY_REMOVED:
      return { ...state, identities: state.identities.filter((identity) => identity.provider !== event.data.provider) };
  }
}

function withProfile(state: UserState, values: Partial<ProfileState>): UserState {
  return { ...state, profile: state.profile ? { ...state.profile, ...values } : null };
}

export function decide(command: UserCommand, state: UserState, now: Date): UserEvent[] {
  switch (command.kind) {
    case 'create_user':
      return decideCreate(command, state, now);
    case 'update_user':
      return decideUpdate(command, state, now);
    case 'delete_user':
      return decideDelete(command, state, now);
    case 'remove_identity':
      return decideRemoveIdentity(command, state, now);
  }
}

/**
 * GitLab's `ensure_user_rights_and_limits` (a before_save, so after validation), run on create and
 * only when `external` changes: an external user can neither create groups nor projects; a user
 * made internal again gets the instance defaults back, unless this same update set them.
 */
function applyExternalRules(next: UserProfile, current: UserProfile | null, requested: Partial<UserProfile>): UserProfile {
  if (current !== null && next.external === current.external) return next;
  if (next.external) return { ...next, can_create_group: false, projects_limit: 0 };
  if (current === null) return next;
  const changedNow = (key: 'can_create_group' | 'projects_limit') => requested[key] !== undefined && requested[key] !== current[key];
  return {
    ...next,
    can_create_group: changedNow('can_create_group') ? next.can_create_group : USER_DEFAULTS.can_create_group,
    projects_limit: changedNow('projects_limit') ? next.projects_limit : USER_DEFAULTS.projects_limit,
  };
}

function mergeErrors(into: Errors, more: Errors): void {
  for (const [attr, messages] of Object.entries(more)) (into[attr] ??= []).push(...messages);
}

/** Validates an uploaded avatar into `errors`; returns what the event records. */
function avatarRef(userId: number, avatar: AvatarUpload | null | undefined, errors: Errors): AvatarRef | undefined {
  if (!avatar) return undefined;
  const filename = sanitizeAvatarFilename(avatar.filename);
  const messages = avatarErrors({ filename, size: avatar.size });
  if (messages.length) errors.avatar = messages;
  return { filename, path: avatarPath(userId, filename), sha256: avatar.sha256 };
}

function throwIfInvalid(errors: Errors): void {
  if (Object.keys(errors).length > 0) throw new UserInvalidError(errors);
}

function decideCreate(command: CreateUserCommand, state: UserState, now: Date): UserEvent[] {
  if (state.status !== 'absent') throw new ConflictError(`User ${command.id} already exists`, 'identity.user_exists');
  const given = Object.fromEntries(Object.entries(command.profile).filter(([, value]) => value !== undefined));
  const validated = {
    ...USER_DEFAULTS,
    ...given,
    name: sanitizeName(command.profile.name),
    private_profile: command.profile.private_profile ?? USER_DEFAULTS.private_profile,
    confirmed_at: command.skipConfirmation ? now.toISOString() : null,
    unconfirmed_email: null,
  } as UserProfile;
  const errors: Errors = {};
  const avatar = avatarRef(command.id, command.avatar, errors);
  mergeErrors(errors, profileErrors(validated));
  mergeErrors(errors, ownedEmailErrors(validated, { public_email: true, commit_email: true }));
  mergeErrors(errors, identityErrors(command.identity));
  const profile = applyExternalRules(validated, null, validated);
  if (command.passwordMode === 'given') {
    const messages = command.password === null ? ["can't be blank"] : passwordErrors(command.password, profile);
    if (messages.length) errors.password = messages;
  }
  throwIfInvalid(errors);
  return [
    {
      type: USER_CREATED,
      schemaVersion: 1,
      data: {
        ...profile,
        id: command.id,
        namespace_id: command.namespaceId,
        user_type: command.userType,
        created_by_id: command.createdById,
        identities: command.identity ? [command.identity] : [],
        password_reset_requested: command.passwordMode === 'reset',
        ...(avatar ? { avatar } : {}),
        created_at: now.toISOString(),
      },
    },
  ];
}

function decideUpdate(command: UpdateUserCommand, state: UserState, now: Date): UserEvent[] {
  if (state.status !== 'present' || !state.profile) throw new UserNotFoundError();
  const current = state.profile;
  const requested: Partial<UserProfile> = { ...command.changes };
  if (requested.name !== undefined) requested.name = sanitizeName(requested.name);
  if ('private_profile' in requested && requested.private_profile === null) requested.private_profile = USER_DEFAULTS.private_profile;
  let pendingEmail: string | null = null;
  if (requested.email !== undefined && requested.email.toLowerCase() !== current.email.toLowerCase() && !command.skipReconfirmation) {
    // Devise reconfirmation: the address waits in unconfirmed_email until confirmed.
    requested.unconfirmed_email = pendingEmail = requested.email;
    delete requested.email;
  } else if (requested.email !== undefined) {
    requested.unconfirmed_email = null;
  }
  // An empty commit_email clears it (the primary email is used again).
  if (requested.commit_email === '') requested.commit_email = null;
  const merged: UserProfile = { ...current, ...requested };
  const errors: Errors = {};
  const avatar = avatarRef(state.id, command.avatar, errors);
  // Devise validates a new address before postponing it to unconfirmed_email.
  mergeErrors(errors, profileErrors(pendingEmail === null ? merged : { ...merged, email: pendingEmail }));
  mergeErrors(
    errors,
    ownedEmailErrors(
      merged,
      {
        public_email: requested.public_email !== undefined && requested.public_email !== current.public_email,
        commit_email: requested.commit_email !== undefined && requested.commit_email !== current.commit_email,
      },
      command.confirmedSecondaryEmails,
    ),
  );
  mergeErrors(errors, identityErrors(command.identity));
  const next = applyExternalRules(merged, current, requested);
  if (command.password !== null) {
    const messages = passwordErrors(command.password, next);
    if (messages.length) errors.password = messages;
  }
  throwIfInvalid(errors);

  const identities = command.identity ? mergeIdentity(state.identities, command.identity) : null;
  const identitiesChanged = identities !== null && JSON.stringify(identities) !== JSON.stringify(state.identities);
  return userChangeEvents(
    { id: state.id, username: next.username, updated_at: now.toISOString() },
    {
      attributes: attributeChanges(current, next),
      password: command.password !== null ? { expires_at: command.actorId !== state.id ? now.toISOString() : null } : null,
      avatar: avatar ?? null,
      identities: identitiesChanged ? identities : null,
    },
  );
}

/** Every attribute an update may change, named ones first. */
const UPDATABLE_ATTRIBUTES = ['username', 'email', 'unconfirmed_email', 'name', 'admin', ...PROFILE_SETTING_KEYS] as const;

/** The attributes that differ between two profile states, with both values. */
function attributeChanges(current: ProfileState, next: ProfileState): AttributeChanges {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of UPDATABLE_ATTRIBUTES) {
    if (next[key] !== current[key]) changes[key] = { from: current[key], to: next[key] };
  }
  return changes as AttributeChanges;
}

function mergeIdentity(identities: Identity[], identity: Identity): Identity[] {
  const others = identities.filter((existing) => existing.provider !== identity.provider);
  return [...others, identity].sort((a, b) => a.provider.localeCompare(b.provider));
}

function decideDelete(command: DeleteUserCommand, state: UserState, now: Date): UserEvent[] {
  if (state.status !== 'present' || !state.profile) throw new UserNotFoundError();
  return [
    {
      type: USER_DELETED,
      schemaVersion: 1,
      data: {
        id: state.id,
        username: state.profile.username,
        hard_delete: command.hardDelete,
        ghost_user_id: command.hardDelete ? null : command.ghostUserId,
        deleted_at: now.toISOString(),
      },
    },
  ];
}

/** GitLab's `DELETE /users/:id/identities/:provider`: the identity for exactly that provider must be linked. */
function decideRemoveIdentity(command: RemoveIdentityCommand, state: UserState, now: Date): UserEvent[] {
  if (state.status !== 'present' || !state.profile) throw new UserNotFoundError();
  const identity = state.identities.find((existing) => existing.provider === command.provider);
  if (!identity) throw new IdentityNotFoundError();
  return [
    {
      type: USER_IDENTITY_REMOVED,
      schemaVersion: 1,
      data: {
        id: state.id,
        username: state.profile.username,
        provider: identity.provider,
        extern_uid: identity.extern_uid,
        removed_at: now.toISOString(),
      },
    },
  ];
}
