/** Identity's Nest modules, commands and queries. Its events are published by events.ts (`@app/identity/events`). */
export { IdentityCoreModule, IdentityModule } from './identity.module.js';
export { UserLookup } from './infrastructure/user-lookup.js';
export { CreateUser, type CreateUserInput } from './application/commands/create-user/create-user.command.js';
export { UpdateUser, type UpdateUserInput } from './application/commands/update-user/update-user.command.js';
export { DeleteUser, type DeleteUserInput } from './application/commands/delete-user/delete-user.command.js';
export { GetUser } from './application/queries/get-user/get-user.query.js';
export { GetUserBasics, type UserBasicView } from './application/queries/get-user-basics/get-user-basics.query.js';
export { UserNotFoundError } from './domain/user/user.errors.js';
export { SetCustomAttribute } from './application/commands/set-custom-attribute/set-custom-attribute.command.js';
export { CUSTOM_ATTRIBUTES_PROJECTION } from './infrastructure/custom-attributes.projection.js';
export { USER_PREFERENCES_PROJECTION } from './infrastructure/user-preferences.projection.js';
