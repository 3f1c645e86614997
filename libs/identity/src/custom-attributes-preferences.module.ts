import { Module, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProjectionRegistry } from '@app/eventstore';
import { CustomAttributesController } from './api/custom-attributes.controller.js';
import { PreferencesController } from './api/preferences.controller.js';
import { DeleteCustomAttributeHandler } from './application/commands/delete-custom-attribute/delete-custom-attribute.handler.js';
import { SetCustomAttributeHandler } from './application/commands/set-custom-attribute/set-custom-attribute.handler.js';
import { UpdateUserPreferencesHandler } from './application/commands/update-user-preferences/update-user-preferences.handler.js';
import { GetUserPreferencesHandler } from './application/queries/get-user-preferences/get-user-preferences.handler.js';
import { ListCustomAttributesHandler } from './application/queries/list-custom-attributes/list-custom-attributes.handler.js';
import { CustomAttributesProjection } from './infrastructure/custom-attributes.projection.js';
import { CustomAttributesRepository } from './infrastructure/custom-attributes.repository.js';
import { UserPreferencesProjection } from './infrastructure/user-preferences.projection.js';
import { UserPreferencesRepository } from './infrastructure/user-preferences.repository.js';

/** Custom attributes and preferences without HTTP: commands, queries and their two projections. */
@Module({
  imports: [CqrsModule],
  providers: [
    SetCustomAttributeHandler,
    DeleteCustomAttributeHandler,
    ListCustomAttributesHandler,
    UpdateUserPreferencesHandler,
    GetUserPreferencesHandler,
    CustomAttributesRepository,
    UserPreferencesRepository,
    CustomAttributesProjection,
    UserPreferencesProjection,
  ],
  exports: [CustomAttributesRepository],
})
export class CustomAttributesPreferencesCoreModule implements OnModuleInit {
  constructor(
    private readonly registry: ProjectionRegistry,
    private readonly customAttributes: CustomAttributesProjection,
    private readonly preferences: UserPreferencesProjection,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.customAttributes);
    this.registry.register(this.preferences);
  }
}

/** Their HTTP endpoints (mounted by IdentityModule). */
export const CUSTOM_ATTRIBUTES_PREFERENCES_CONTROLLERS = [CustomAttributesController, PreferencesController];
