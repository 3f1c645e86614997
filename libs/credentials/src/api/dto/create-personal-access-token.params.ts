import { Param } from '@app/shared';
import { AVAILABLE_SCOPES } from '../../domain/personal-access-token/personal-access-token.decider.js';

export class CreatePersonalAccessTokenParams {
  @Param('string', { required: true }) name!: string;
  @Param('string_array', { required: true, values: AVAILABLE_SCOPES }) scopes!: string[];
  @Param('string') description?: string | null;
  @Param('date') expires_at?: string | null;
}
