export { CredentialsCoreModule, CredentialsModule } from './credentials.module.js';
export { TokenLookup } from './infrastructure/token-lookup.js';
export {
  CreatePersonalAccessToken,
  type CreatePersonalAccessTokenInput,
  type CreatedPersonalAccessToken,
} from './application/commands/create-personal-access-token/create-personal-access-token.command.js';
export { emailConfirmationRelayRoute } from './application/workers/email-confirmation.worker.js';
