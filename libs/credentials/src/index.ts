export { CredentialsCoreModule, CredentialsModule } from './credentials.module.js';
export { TokenLookup } from './infrastructure/token-lookup.js';
export {
  CreatePersonalAccessToken,
  type CreatePersonalAccessTokenInput,
  type CreatedPersonalAccessToken,
} from './application/commands/create-personal-access-token/create-personal-access-token.command.js';
export { PERSONAL_ACCESS_TOKEN_CREATED, type PersonalAccessTokenCreatedData } from './domain/personal-access-token/personal-access-token.events.js';
