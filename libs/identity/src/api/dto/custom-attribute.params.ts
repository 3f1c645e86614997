import { Param } from '@app/shared';

/** `GET`/`DELETE /users/:id/custom_attributes/:key` (`:key` comes from the path). */
export class CustomAttributeKeyParams {
  @Param('string', { required: true }) key?: string;
}

/** `PUT /users/:id/custom_attributes/:key`: `requires :key`, `requires :value, type: String`. */
export class SetCustomAttributeParams {
  @Param('string', { required: true }) key?: string;
  @Param('string', { required: true }) value?: string;
}
