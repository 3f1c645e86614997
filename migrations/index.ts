import { EventStore1732200000000 } from './1732200000000-event-store.js';
import { IdentityUsers1732200000100 } from './1732200000100-identity-users.js';
import { CredentialsTokens1732200000200 } from './1732200000200-credentials-tokens.js';
import { ActivityAuditEvents1732200000300 } from './1732200000300-activity-audit-events.js';
import { CredentialsTokenOwners1732200000400 } from './1732200000400-credentials-token-owners.js';
import { AuthChangeNotifications1732200000500 } from './1732200000500-auth-change-notifications.js';
import { TokenOwnerNames1732200000600 } from './1732200000600-token-owner-names.js';
import { IdentityUserSearchIndexes1732200001000 } from './1732200001000-identity-user-search-indexes.js';
import { IdentityCustomAttributesPreferences1732200001100 } from './1732200001100-identity-custom-attributes-preferences.js';
import { IdentityAvatars1732200001300 } from './1732200001300-identity-avatars.js';
import { IdentityCombinedSearchIndex1732200001400 } from './1732200001400-identity-combined-search-index.js';
import { ContextSchemas1732200002000 } from './1732200002000-context-schemas.js';
import { EventStoreSnapshots1732200003000 } from './1732200003000-event-store-snapshots.js';
import { AuthChangedOnAccessColumns1732200004000 } from './1732200004000-auth-changed-on-access-columns.js';
import { CredentialsSshKeys1732200005000 } from './1732200005000-credentials-ssh-keys.js';
import { CredentialsGpgKeys1732200005100 } from './1732200005100-credentials-gpg-keys.js';
import { CredentialsEmails1732200005200 } from './1732200005200-credentials-emails.js';
import { CredentialsTokenLifecycle1732200005300 } from './1732200005300-credentials-token-lifecycle.js';
import { CredentialsTwoFactor1732200005400 } from './1732200005400-credentials-two-factor.js';
import { CredentialsRunners1732200005500 } from './1732200005500-credentials-runners.js';
import { SocialFollowsStatuses1732200006000 } from './1732200006000-social-follows-statuses.js';
import { ActivityLastActivityIndex1732200006100 } from './1732200006100-activity-last-activity-index.js';
import { ActivityIngestionRollups1732200006200 } from './1732200006200-activity-ingestion-rollups.js';
import { ActivityAuditFilters1732200006300 } from './1732200006300-activity-audit-filters.js';
import { EventStoreHashChains1732200006400 } from './1732200006400-event-store-hash-chains.js';
import { CredentialsAdminSessions1732200006500 } from './1732200006500-credentials-admin-sessions.js';

/** Every migration, in the order it applies. */
export const MIGRATIONS = [EventStore1732200000000, IdentityUsers1732200000100, CredentialsTokens1732200000200, ActivityAuditEvents1732200000300, CredentialsTokenOwners1732200000400, AuthChangeNotifications1732200000500, TokenOwnerNames1732200000600, IdentityUserSearchIndexes1732200001000, IdentityCustomAttributesPreferences1732200001100, IdentityAvatars1732200001300, IdentityCombinedSearchIndex1732200001400, ContextSchemas1732200002000, EventStoreSnapshots1732200003000, AuthChangedOnAccessColumns1732200004000, CredentialsSshKeys1732200005000, CredentialsGpgKeys1732200005100, CredentialsEmails1732200005200, CredentialsTokenLifecycle1732200005300, CredentialsTwoFactor1732200005400, CredentialsRunners1732200005500, SocialFollowsStatuses1732200006000, ActivityLastActivityIndex1732200006100, ActivityIngestionRollups1732200006200, ActivityAuditFilters1732200006300, EventStoreHashChains1732200006400, CredentialsAdminSessions1732200006500];
