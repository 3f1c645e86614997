export { IdentityCoreModule, IdentityModule } from './identity.module.js';
export { UserLookup } from './infrastructure/user-lookup.js';
export { CreateUser, type CreateUserInput } from './application/commands/create-user/create-user.command.js';
export { UpdateUser, type UpdateUserInput } from './application/commands/update-user/update-user.command.js';
export { DeleteUser, type DeleteUserInput } from './application/commands/delete-user/delete-user.command.js';
export { GetUser } from './application/queries/get-user/get-user.query.js';
export { UserNotFoundError } from './domain/user/user.errors.js';
export {
  USER_CREATED,
  USER_UPDATED,
  USER_DELETED,
  USER_EVENT_TYPES,
  type UserCreatedData,
  type UserUpdatedData,
  type UserDeletedData,
  type UserProfile,
} from './domain/user/user.events.js';
export {
  CUSTOM_ATTRIBUTE_CREATED,
  CUSTOM_ATTRIBUTE_UPDATED,
  CUSTOM_ATTRIBUTE_DELETED,
  CUSTOM_ATTRIBUTE_EVENT_TYPES,
  type CustomAttributeCreatedData,
  type CustomAttributeUpdatedData,
  type CustomAttributeDeletedData,
} from './domain/custom-attribute/custom-attribute.events.js';
export { CUSTOM_ATTRIBUTES_PROJECTION } from './infrastructure/custom-attributes.projection.js';
export { USER_PREFERENCES_PROJECTION } from './infrastructure/user-preferences.projection.js';
export { USER_IDENTITY_REMOVED, type UserIdentityRemovedData } from './domain/user/user.events.js';
